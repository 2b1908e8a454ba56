"""What changed between two mapping files, for review: the entity, columns added, removed,
changed or moved, and per-connection overrides. Compares what the files mean (parsed), so
reformatting or reordering keys inside a column is no change."""

from __future__ import annotations

from typing import Any

from .mapfile import Column, Mapping


def diff(a: Mapping, b: Mapping) -> list[dict[str, Any]]:
    """What changed from a to b: entity, columns added/removed/changed/moved, overrides."""
    out: list[dict[str, Any]] = []

    def add(change: str, scope: str, column: str | None, before: Any, after: Any) -> None:
        out.append({"change": change, "scope": scope, "column": column, "before": before, "after": after})

    if a.entity != b.entity:
        add("changed", "entity", None, a.entity, b.entity)
    _diff_columns(add, "columns", {c.name: c for c in a.columns}, {c.name: c for c in b.columns})
    order_a = [n for n in a.names if n in b.names]
    order_b = [n for n in b.names if n in a.names]
    if order_a != order_b:
        add("moved", "columns", None, order_a, order_b)
    for conn in dict.fromkeys(list(a.overrides) + list(b.overrides)):
        _diff_columns(add, f"connection {conn}", a.overrides.get(conn, {}), b.overrides.get(conn, {}))
    return out


def _diff_columns(add, scope: str, a: dict[str, Column], b: dict[str, Column]) -> None:
    for name in dict.fromkeys(list(a) + list(b)):
        if name not in b:
            add("removed", scope, name, a[name].spec(), None)
        elif name not in a:
            add("added", scope, name, None, b[name].spec())
        elif a[name].spec() != b[name].spec():
            add("changed", scope, name, a[name].spec(), b[name].spec())
