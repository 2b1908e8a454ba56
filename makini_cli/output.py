"""The one place that writes results: table, json, ndjson, csv, yaml; --query; errors; notices.

Data goes to stdout, everything else to stderr. On a TTY the default is a Rich table with colour
and relative times; piped, JSON with RFC 3339 times and no colour. Rich is imported only when a
table or a styled message is actually drawn, so scripted calls stay fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

FORMATS = ("table", "json", "ndjson", "csv", "yaml")


@dataclass
class Column:
    key: str  # a dotted path into each item
    header: str | None = None
    fmt: Callable[[Any, dict], str] | None = None  # table-only rendering (colour, relative time)
    justify: str = "left"
    no_wrap: bool = False  # never fold the value over lines (an id to copy)

    @property
    def title(self) -> str:
        return self.header or self.key


def pick(item: Any, path: str) -> Any:
    cur = item
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        else:
            return None
    return cur


def jsonable(obj: Any) -> Any:
    """Plain JSON types. Decimals become strings with the same digits (money stays exact)."""
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, float):
        return obj
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, datetime):
        if obj.tzinfo is None:
            obj = obj.replace(tzinfo=timezone.utc)
        return obj.isoformat().replace("+00:00", "Z")
    if hasattr(obj, "model_dump"):
        return jsonable(obj.model_dump(mode="python", by_alias=True, exclude_none=False))
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return str(obj)


def cell(value: Any) -> str:
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


def dumps_json(data: Any, *, indent: int | None = 2) -> str:
    return json.dumps(jsonable(data), indent=indent, ensure_ascii=False,
                      separators=None if indent else (",", ":"))


class Output:
    def __init__(self, fmt: str | None = None, *, query: str | None = None, color: bool = True,
                 stdout=None, stderr=None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.stdout_tty = _isatty(self.stdout)
        self.stderr_tty = _isatty(self.stderr)
        self.explicit = fmt is not None
        self.format = fmt or ("table" if self.stdout_tty else "json")
        self.query = query
        self.color = color
        self._compiled = None

    # --- what the rest of the CLI calls ------------------------------------
    @property
    def is_json(self) -> bool:
        return self.format in ("json", "ndjson")

    def emit(self, data: Any, *, columns: list[Column] | None = None, title: str | None = None) -> None:
        """Render a list of records or one record in the chosen format."""
        data = jsonable(data)
        if self.query:
            data = self.apply_query(data)
        fmt = self.format
        if fmt == "json":
            self._write(dumps_json(data) + "\n")
        elif fmt == "ndjson":
            rows = data if isinstance(data, list) else [data]
            self._write("".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows))
        elif fmt == "yaml":
            import yaml

            self._write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False))
        elif fmt == "csv":
            self._csv(data, None if self.query else columns)
        else:
            self._table(data, None if self.query else columns, title)

    def emit_stream(self, items: Iterable[Any], *, columns: list[Column] | None = None) -> int:
        """Write records as they come (ndjson, csv, json) or collect them for a table/yaml."""
        fmt = self.format
        if self.query or fmt in ("table", "yaml"):
            collected = list(items)
            self.emit(collected, columns=columns)
            return len(collected)
        count = 0
        if fmt == "ndjson":
            for item in items:
                self._write(json.dumps(jsonable(item), ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
        elif fmt == "json":
            self._write("[")
            for item in items:
                self._write(("\n  " if count == 0 else ",\n  ") + json.dumps(jsonable(item), ensure_ascii=False))
                count += 1
            self._write("\n]\n" if count else "]\n")
        elif fmt == "csv":
            count = self._csv_stream((jsonable(i) for i in items), columns)
        return count

    def apply_query(self, data: Any) -> Any:
        import jmespath
        from jmespath.exceptions import JMESPathError

        from .errors import UsageError

        try:
            if self._compiled is None:
                self._compiled = jmespath.compile(self.query)
            return self._compiled.search(data)
        except JMESPathError as exc:
            raise UsageError(f"bad --query {self.query!r}: {str(exc).splitlines()[0]}",
                             hint="--query takes a JMESPath expression, e.g. \"[?status=='healthy'].id\"") from None

    # --- stderr ----------------------------------------------------------
    def info(self, message: str) -> None:
        """A notice for people: stderr, and only on a terminal."""
        if self.stderr_tty:
            self._err(message, "dim")

    def note(self, message: str) -> None:
        """A notice that scripts may want in their logs too: always stderr."""
        self._err(message, None)

    def warn(self, message: str) -> None:
        self._err(f"warning: {message}", "yellow")

    def error(self, err: dict[str, Any]) -> None:
        if self.is_json:
            self.stderr.write(json.dumps({"error": jsonable(err)}, ensure_ascii=False) + "\n")
            self.stderr.flush()
            return
        line = f"error: {err.get('message')}"
        if err.get("request_id"):
            line += f" (request id {err['request_id']})"
        self._err(line, "bold red")
        if err.get("hint"):
            self._err(f"hint: {err['hint']}", "dim")

    def _err(self, text: str, style: str | None) -> None:
        if style and self.color and self.stderr_tty:
            from rich.console import Console
            from rich.text import Text

            Console(file=self.stderr, highlight=False, soft_wrap=True).print(Text(text, style=style))
        else:
            self.stderr.write(text + "\n")
            self.stderr.flush()

    # --- renderers -------------------------------------------------------
    def _write(self, text: str) -> None:
        self.stdout.write(text)

    def console(self, file=None):
        from rich.console import Console

        tty = self.stdout_tty if file is None else _isatty(file)
        return Console(file=file or self.stdout, no_color=not self.color, highlight=False,
                       force_terminal=tty and self.color,
                       # piped tables never wrap or truncate: give them all the width they need
                       width=None if tty else 100_000, soft_wrap=not tty)

    def _table(self, data: Any, columns: list[Column] | None, title: str | None) -> None:
        if data is None:
            return
        if not isinstance(data, (list, dict)):
            self._write(cell(data) + "\n")
            return
        from rich import box
        from rich.table import Table

        if isinstance(data, dict):
            table = Table(box=box.SIMPLE_HEAD, show_header=False, title=title)
            table.add_column("field", style="bold")
            table.add_column("value", overflow="fold")
            for key, value in data.items():
                table.add_row(str(key), cell(value))
        else:
            rows = [r if isinstance(r, dict) else {"value": r} for r in data]
            cols = columns or _columns_from(rows)
            table = Table(box=box.SIMPLE_HEAD, title=title, show_edge=False)
            for col in cols:
                table.add_column(col.title, overflow="fold", justify=col.justify, no_wrap=col.no_wrap)
            for row in rows:
                table.add_row(*[(col.fmt(pick(row, col.key), row) if col.fmt and self.stdout_tty
                                 else cell(pick(row, col.key))) for col in cols])
        self.console().print(table)

    def _csv(self, data: Any, columns: list[Column] | None) -> None:
        rows = data if isinstance(data, list) else [data]
        self._csv_stream(iter(rows), columns)

    def _csv_stream(self, rows: Iterable[Any], columns: list[Column] | None) -> int:
        import csv
        import itertools

        rows = iter(rows)
        writer = csv.writer(self.stdout, lineterminator="\n")
        cols = columns
        if cols is None:
            head = list(itertools.islice(rows, 50))
            cols = _columns_from([r if isinstance(r, dict) else {"value": r} for r in head], scalars_only=False)
            rows = itertools.chain(head, rows)
        writer.writerow([c.key for c in cols])
        count = 0
        for row in rows:
            row = row if isinstance(row, dict) else {"value": row}
            writer.writerow([cell(pick(row, c.key)) for c in cols])
            count += 1
        return count


def _columns_from(rows: list[dict], scalars_only: bool = True) -> list[Column]:
    keys: dict[str, None] = {}
    for row in rows:
        for key, value in row.items():
            if scalars_only and isinstance(value, (dict, list)) and key not in keys:
                continue
            keys.setdefault(key, None)
    return [Column(k) for k in keys] or [Column("value")]


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# --- table cell formatters shared by commands ---------------------------------
def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    from .timeutil import parse_rfc3339

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


def relative_time(value: Any, _row: dict | None = None) -> str:
    """Table formatter: '3h ago' on a terminal (the JSON form keeps the RFC 3339 time)."""
    return human_age(age_seconds(value)) or cell(value)


def styled(style_for: Callable[[Any], str | None]) -> Callable[[Any, dict], Any]:
    def fmt(value: Any, _row: dict) -> Any:
        from rich.text import Text

        return Text(cell(value), style=style_for(value) or "")

    return fmt
