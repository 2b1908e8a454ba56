"""How a connection fills the unified model: fill rates over a sample of records, the custom
fields its responses carry beyond the model, and which source (raw) columns feed which field.

Pure functions over already-fetched records, so `show`, `compare` and `custom-fields` agree by
construction and the tests can check them against plain data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import model as um
from .mapfile import empty, evaluate

EXAMPLE_WIDTH = 60


@dataclass
class Stat:
    path: str
    type: str
    filled: int = 0
    total: int = 0
    example: Any = None
    custom: bool = False
    description: str = ""

    @property
    def rate(self) -> float | None:
        return round(self.filled / self.total, 4) if self.total else None

    def add(self, value: Any) -> None:
        self.total += 1
        if not empty(value):
            self.filled += 1
            if self.example is None:
                self.example = example(value)

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.path, "type": self.type, "custom": self.custom, "fill_rate": self.rate,
                "filled": self.filled, "sampled": self.total, "example": self.example}


@dataclass
class Report:
    entity: str
    sampled: int
    fields: list[Stat] = field(default_factory=list)
    custom: list[Stat] = field(default_factory=list)


def example(value: Any) -> Any:
    """A short example: scalars as they are (exact), objects and lists as truncated JSON text."""
    if isinstance(value, (dict, list)):
        from ..output import jsonable

        text = json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"))
        return text if len(text) <= EXAMPLE_WIDTH else text[:EXAMPLE_WIDTH - 1] + "…"
    return value


def analyse(records: list[dict], entity: str, *, nested: bool = False) -> Report:
    """Fill rates of every unified field (and with `nested`, of sub-fields such as
    `shipmentAddress.city` and `lineItems[].price`), then of every key beyond the model."""
    paths = um.field_paths(entity, depth=2 if nested else 1)
    report = Report(entity, len(records))
    stats: dict[str, Stat] = {}
    for path, f in paths.items():
        stats[path] = Stat(path, f.type, description=f.description)
    for rec in records:
        for path, stat in stats.items():
            if "[]" in path:
                items = evaluate(rec, path.split("[]")[0])
                for item in items if isinstance(items, list) else []:
                    stat.add(evaluate(item, path.split("[]", 1)[1].lstrip(".")))
            else:
                stat.add(evaluate(rec, path))
    report.fields = list(stats.values())
    report.custom = beyond_model(records, entity)
    return report


def beyond_model(records: list[dict], entity: str) -> list[Stat]:
    """Keys the records carry that the unified model does not name: at the top level, and one
    level down in nested objects and lists of objects (`shipmentAddress.x`, `lineItems[].x`)."""
    top = um.top_level(entity)
    found: dict[str, tuple[Stat, str, str | None]] = {}  # path -> (stat, key, sub-key)
    for rec in records:
        if not isinstance(rec, dict):
            continue
        for key, value in rec.items():
            if key not in top:
                found.setdefault(key, (Stat(key, _kind(value), custom=True), key, None))
                continue
            f = top[key]
            if not f.of:
                continue
            known = {sub.name for sub in um.schema_fields(f.of)}
            for item in value if isinstance(value, list) else [value]:
                for sub, sub_value in item.items() if isinstance(item, dict) else ():
                    if sub not in known:
                        path = f"{key}[].{sub}" if f.type == "array" else f"{key}.{sub}"
                        found.setdefault(path, (Stat(path, _kind(sub_value), custom=True), key, sub))
    # Second pass so a rate counts every record (or line), also those lacking the key. Keys
    # are looked up as they are, not re-parsed as paths: custom names may contain dots.
    for stat, key, sub in found.values():
        for rec in records:
            value = rec.get(key) if isinstance(rec, dict) else None
            if sub is None:
                stat.add(value)
            elif isinstance(value, list):
                for item in value:
                    stat.add(item.get(sub) if isinstance(item, dict) else None)
            else:
                stat.add(value.get(sub) if isinstance(value, dict) else None)
    return sorted((s for s, _, _ in found.values()), key=lambda s: s.path.lower())


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value):
        return "datetime"
    if value is None:
        return "unknown"
    return "number" if not isinstance(value, str) else "string"


# --- source (raw) tables ---------------------------------------------------------------------
def _norm(value: Any) -> set[str]:
    """Comparable forms of a value: its text, and for a timestamp its date as YYYYMMDD too (SAP
    and others store dates that way in their own tables)."""
    if empty(value) or isinstance(value, (dict, list)):
        return set()
    text = str(value).strip()
    out = {text}
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        out.add("".join(m.groups()))
        out.add(text[:10])
    return out


def match_columns(rows: list[dict], records: list[dict], entity: str,
                  custom: list[str] = (), *, lines: bool = False) -> dict[str, dict[str, Any]]:
    """For each source column, the unified (or custom) field whose sampled values it shares
    most: {column: {"field": path, "match": share of the column's values found}}.

    The raw API says nothing about which field a column feeds, so this is inferred from the
    data; a column is matched when at least half its distinct values occur in one field.
    `lines`: the table holds line items, so on a tie a `lineItems[]` field beats a header one.
    """
    paths = [p for p, f in um.field_paths(entity, depth=2).items() if not f.of] + list(custom)
    values: dict[str, set[str]] = {}
    for path in paths:
        seen: set[str] = set()
        for rec in records:
            v = evaluate(rec, path) if "." in path or "[" in path else (rec or {}).get(path)
            for item in v if isinstance(v, list) and "[]" in path else [v]:
                seen |= _norm(item)
        if seen:
            values[path] = seen
    out: dict[str, dict[str, Any]] = {}
    columns = list(dict.fromkeys(k for row in rows if isinstance(row, dict) for k in row))
    for col in columns:
        col_values: set[str] = set()
        for row in rows:
            text = _norm(row.get(col))
            col_values |= {min(text, key=len)} if text else set()
        if not col_values:
            continue
        shares = {path: len(col_values & seen) / len(col_values) for path, seen in values.items()}
        top = max(shares.values(), default=0.0)
        if top < 0.5:
            continue
        # Equal shares are ambiguous (a code copied into two fields): name the field at the
        # table's level (header or line), in model order, and list its equals at that level
        # rather than guess silently.
        tied = sorted((p for p, s in shares.items() if s == top),
                      key=lambda p: ("[]" not in p) if lines else p.count("."))
        level = [p for p in tied if ("[]" in p) == ("[]" in tied[0])]
        out[col] = {"field": level[0], "match": round(top, 4)}
        if len(level) > 1:
            out[col]["also"] = level[1:]
    return out
