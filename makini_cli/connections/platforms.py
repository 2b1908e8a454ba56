"""The systems Makini connects to, as `connections platforms` shows them, and the slug a user
meant when `connections create --provider` names none (`sap` -> `sap_s4hana`)."""

from __future__ import annotations

import difflib
from typing import Any


def rows(platforms: list[Any]) -> list[dict[str, Any]]:
    out = []
    for p in platforms:
        extra = p.extras() if hasattr(p, "extras") else {}
        out.append({"slug": p.provider, "name": p.name, "kind": p.category, "tier": p.tier,
                    "credits": extra.get("credits")})
    return out


def suggest(wanted: str, platforms: list[Any]) -> list[str]:
    """Slugs the user probably meant, best first: a slug or name that starts with or contains
    what was typed (`sap`, `maximo`, `netsuite`), else the closest spellings (`upkep`)."""
    low = wanted.strip().lower()
    slugs = [p.provider for p in platforms if p.provider]
    if not low:
        return []

    def words(p) -> list[str]:
        return [w for w in ((p.provider or "").lower().replace("_", " ") + " " + (p.name or "").lower()).split()]

    starts = [p.provider for p in platforms if p.provider and (
        p.provider.lower().startswith(low) or any(w.startswith(low) for w in words(p)))]
    if starts:
        return starts
    inside = [p.provider for p in platforms if p.provider and low in f"{p.provider} {p.name}".lower()]
    if inside:
        return inside
    return difflib.get_close_matches(low, slugs, n=3, cutoff=0.6)


def unknown_message(wanted: str, platforms: list[Any]) -> tuple[str, str]:
    """(message, hint) for a slug that names no platform."""
    close = suggest(wanted, platforms)
    message = f"unknown provider {wanted!r}"
    if close:
        message += f": did you mean {' or '.join(repr(c) for c in close[:3])}?"
    return message, "list the providers and their slugs with `makini connections platforms`"
