"""Which status rows to show and in what order: `--health`, `--problems`, `--sort`. Pure logic."""

from __future__ import annotations

import math
from typing import Any

from . import health

SORTS = ("health", "name", "age", "system", "id")


def _text(value: Any) -> str:
    return str(value or "").casefold()


def _key(by: str):
    if by == "health":  # worst first, then name
        return lambda r: (health.RANK.get(r["health"], -1), _text(r.get("name")), str(r["id"]))
    if by == "name":
        return lambda r: (_text(r.get("name")), str(r["id"]))
    if by == "system":
        return lambda r: (_text(r.get("system")), _text(r.get("name")), str(r["id"]))
    if by == "age":  # the longest since a sync first; unknown ages last
        def age(r):
            value = r.get("age_seconds")
            return (-value if isinstance(value, (int, float)) else math.inf, str(r["id"]))
        return age
    return lambda r: str(r["id"])


def sort_rows(rows: list[dict[str, Any]], by: str | None, *, terminal: bool) -> list[dict[str, Any]]:
    """`by` None: worst first on a terminal, id order when piped (stable from run to run)."""
    by = by or ("health" if terminal else "id")
    if by not in SORTS:
        raise ValueError(f"unknown sort {by!r}; one of: {', '.join(SORTS)}")
    return sorted(rows, key=_key(by))


def keep(rows: list[dict[str, Any]], states: frozenset[str] | None) -> list[dict[str, Any]]:
    return rows if states is None else [r for r in rows if r["health"] in states]
