"""Columns of tables and CSV: what each shows, how it renders on a terminal, how it behaves when
the terminal is too narrow; and the cell formatters commands share."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from .data import jsonable

# Field names that hold free text: such columns shrink (with …) before any other when a table
# is too wide. Everything else (ids, keys, amounts, dates, states, request ids) is never cut.
TEXT_FIELDS = frozenset({"name", "reason", "message", "description", "detail", "error", "hint",
                         "title", "notes", "note", "example", "label", "summary", "url",
                         "last_error.message", "before", "after", "value", "tags", "system"})


class Column:
    """One column. `key` is a dotted path into each row. `fmt` renders a table cell (colour,
    relative time); `kind` is "text" for free text that may shrink with …, "fixed" for values
    never cut, or None (text when the field is named like free text, else fixed). `priority`:
    when even shrunk text does not fit, the columns with the lowest priority are left out first
    (default: the rightmost first; the first column stays)."""

    __slots__ = ("key", "header", "fmt", "justify", "kind", "priority")

    def __init__(self, key: str, header: str | None = None, fmt: Callable[[Any, dict], Any] | None = None,
                 justify: str = "left", *, kind: str | None = None, priority: int | None = None) -> None:
        self.key = key
        self.header = header
        self.fmt = fmt
        self.justify = justify
        self.kind = kind
        self.priority = priority

    @property
    def title(self) -> str:
        """The header as every table shows it: upper case, words apart."""
        return (self.header or self.key.replace("_", " ")).upper()

    @property
    def shrinks(self) -> bool:
        if self.kind is not None:
            return self.kind == "text"
        return self.key in TEXT_FIELDS or self.key.rsplit(".", 1)[-1] in TEXT_FIELDS

    def __repr__(self) -> str:
        return f"Column({self.key!r})"


def pick(item: Any, path: str) -> Any:
    if isinstance(item, dict) and path in item:
        return item[path]
    cur = item
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        else:
            return None
    return cur


def has(item: Any, path: str) -> bool:
    if isinstance(item, dict) and path in item:
        return True
    cur = item
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False
        cur = cur[part]
    return True


def cell(value: Any) -> str:
    """A value as table or CSV text: lists joined, nested values as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        if all(not isinstance(v, (dict, list)) for v in value):
            return ", ".join(cell(v) for v in value)
        return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, dict):
        return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"))
    return str(jsonable(value))


def columns_from(rows: list[dict], scalars_only: bool = True) -> list[Column]:
    keys: dict[str, None] = {}
    for row in rows:
        for key, value in row.items():
            if scalars_only and isinstance(value, (dict, list)) and key not in keys:
                continue
            keys.setdefault(key, None)
    return [Column(k) for k in keys] or [Column("value")]


def select(names: list[str], declared: list[Column] | None, rows: list[dict]) -> list[Column]:
    """The columns `--columns a,b` asks for: a declared column (by field or by header), else a
    field the rows have. Unknown names are a usage error that lists what there is."""
    from ..errors import UsageError

    declared = declared or []
    norm = lambda s: s.strip().lower().replace(" ", "_").replace("-", "_")  # noqa: E731
    chosen: list[Column] = []
    unknown: list[str] = []
    for name in names:
        found = next((c for c in declared if c.key == name), None) or next(
            (c for c in declared if norm(c.title) == norm(name) or norm(c.key) == norm(name)), None)
        if found is None and (not rows or any(has(r, name) for r in rows)):
            found = Column(name)
        if found is None:
            unknown.append(name)
        else:
            chosen.append(found)
    if unknown:
        known: dict[str, None] = dict.fromkeys(c.key for c in declared)
        for row in rows[:50]:
            known.update(dict.fromkeys(row))
        raise UsageError(f"unknown field{'s' if len(unknown) > 1 else ''} for --columns: {', '.join(unknown)}",
                         hint="fields here: " + (", ".join(known) or "none"))
    return chosen


# --- table cell formatters shared by commands ---------------------------------------------------
def tty_only(fmt: Callable) -> Callable:
    """Mark a formatter as a terminal nicety: piped tables show the plain value (RFC 3339 times)."""
    fmt.tty_only = True  # type: ignore[attr-defined]
    return fmt


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    from ..timeutil import parse_rfc3339

    try:
        return parse_rfc3339(value, naive_is_utc=True, date_ok=True)
    except ValueError:
        return None


def age_seconds(value: Any, now: datetime | None = None) -> float | None:
    dt = parse_time(value)
    if dt is None:
        return None
    return ((now or datetime.now(timezone.utc)) - dt).total_seconds()


def human_age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    future = seconds < 0
    s = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            text = f"{int(s // size)}{unit}"
            break
    else:
        text = f"{int(s)}s"
    return f"in {text}" if future else f"{text} ago"


@tty_only
def relative_time(value: Any, _row: dict | None = None) -> str:
    """Table formatter: '3h ago' on a terminal (the JSON form keeps the RFC 3339 time)."""
    return human_age(age_seconds(value)) or cell(value)


def milliseconds(value: Any, _row: dict | None = None) -> str:
    """Table formatter for durations in ms: `26 ms`, `1.2 s` (JSON keeps the number)."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        ms = float(value)
    except (TypeError, ValueError):
        return cell(value)
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"


def styled(style_for: Callable[[Any], str | None]) -> Callable[[Any, dict], Any]:
    def fmt(value: Any, _row: dict) -> Any:
        from rich.text import Text

        from .untrusted import inert

        return Text(inert(cell(value)), style=style_for(value) or "")

    return fmt
