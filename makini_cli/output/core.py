"""The one place that writes results and messages: table, wide, json, ndjson, csv, yaml;
--query and --columns; errors, notices and prose.

Data goes to stdout, everything else to stderr. Every human view (tables, panels, notices,
errors, hints, log lines) shows untrusted text inert (see untrusted.py) and never parses it as
markup; machine formats keep the exact data. Rich is imported only when something is drawn on
a terminal (or a table is asked for), so scripted calls stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

from . import shape
from .columns import Column, cell, columns_from, pick
from .data import dumps_json, json_line, jsonable, yaml_dump
from .untrusted import csv_safe, inert


class Output:
    def __init__(self, fmt: str | None = None, *, query: str | None = None, color: bool = True,
                 stdout=None, stderr=None, explicit: bool | None = None,
                 columns: list[str] | None = None, csv_safe: bool = False) -> None:
        from .formats import normalise

        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.stdout_tty = _isatty(self.stdout)
        self.stderr_tty = _isatty(self.stderr)
        # explicit: the user chose the format (-o or MAKINI_OUTPUT), not a profile's default
        self.explicit = (fmt is not None) if explicit is None else explicit
        self.fmt = normalise(fmt) if fmt else ("table" if self.stdout_tty else "json")
        self.wide = self.fmt == "wide"
        # what commands branch on: "table" is any table (wide too); openmetrics is drawn by the
        # commands that take it and is JSON for anything else they emit
        self.format = "table" if self.wide else "json" if self.fmt == "openmetrics" else self.fmt
        self.query = query
        self.columns = columns
        self.csv_safe = csv_safe
        self.color = color
        # Errors: JSON with an explicit -o json/ndjson; readable with any other explicit format;
        # otherwise JSON only for a program reading stderr, so a person watching `| jq` reads them.
        self.error_json = self.fmt in ("json", "ndjson") if self.explicit else not self.stderr_tty
        self._compiled = None
        self._left_out: list[Column] = []  # columns fitted tables left out, said after drawing

    # --- what the rest of the CLI calls ------------------------------------
    @property
    def is_json(self) -> bool:
        return self.format in ("json", "ndjson")

    @property
    def custom_view(self) -> bool:
        """Whether a command may draw its own view (a detail panel, a heat map): a table was
        asked for and neither --query nor --columns reshapes the data."""
        return self.format == "table" and not self.query and not self.columns

    def emit(self, data: Any, *, columns: list[Column] | None = None, title: str | None = None) -> None:
        """Render a list of records or one record in the chosen format."""
        data = jsonable(data)
        if self.query:
            data = self.apply_query(data)
            columns = None
        data, columns = self._choose(data, columns)
        fmt = self.format
        if fmt == "json":
            self._write(dumps_json(data) + "\n")
        elif fmt == "ndjson":
            rows = data if isinstance(data, list) else [data]
            self._write("".join(json_line(r) for r in rows))
        elif fmt == "yaml":
            self._write(yaml_dump(data))
        elif fmt == "csv":
            rows = data if isinstance(data, list) else [data]
            self._csv_stream(iter(rows), columns)
        else:
            self._table(data, columns, title)

    def emit_stream(self, items: Iterable[Any], *, columns: list[Column] | None = None) -> int:
        """Write records as they come (ndjson, csv, json) or collect them for a table/yaml."""
        fmt = self.format
        if self.query or fmt in ("table", "yaml"):
            collected = bounded_list(items)
            self.emit(collected, columns=columns)
            return len(collected)
        items = (jsonable(i) for i in items)
        if self.columns:
            items, columns = self._choose_stream(items, columns)
        count = 0
        if fmt == "ndjson":
            for item in items:
                self._write(json_line(item))
                count += 1
        elif fmt == "json":
            self._write("[")
            for item in items:
                self._write(("\n  " if count == 0 else ",\n  ") + json_line(item)[:-1])
                count += 1
            self._write("\n]\n" if count else "]\n")
        elif fmt == "csv":
            count = self._csv_stream(items, columns)
        return count

    def apply_query(self, data: Any) -> Any:
        from jmespath.exceptions import JMESPathError

        from ..errors import UsageError

        try:
            return self._query().search(data)
        except JMESPathError as exc:
            raise UsageError(f"bad --query {self.query!r}: {str(exc).splitlines()[0]}",
                             hint="--query takes a JMESPath expression, e.g. \"[?status=='healthy'].id\"") from None

    def _query(self):
        if self._compiled is None:
            import jmespath

            self._compiled = jmespath.compile(self.query)
        return self._compiled

    # --- --columns and the shape of rows (shape.py) ----------------------------
    def _choose(self, data: Any, columns: list[Column] | None) -> tuple[Any, list[Column] | None]:
        if not self.columns:
            return data, columns
        return shape.choose(self.columns, data, columns, keep_rows=self.format in ("table", "csv"))

    def _choose_stream(self, items: Iterator[Any], columns: list[Column] | None):
        return shape.choose_stream(self.columns, items, columns, keep_rows=self.format == "csv")

    def _rows(self, rows: list[Any]) -> tuple[list[dict], list[Column] | None]:
        return shape.records(rows, self._query().parsed if self.query else None)

    # --- stderr and prose ----------------------------------------------------
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
        if self.error_json:
            self.stderr.write(json_line({"error": jsonable(err)}))
            self.stderr.flush()
            return
        line = f"error: {inert(err.get('message'))}"
        if err.get("request_id"):
            line += f" (request id {inert(err['request_id'])})"
        self._err(line, "bold red", raw=True)
        if err.get("hint"):
            self._err(f"hint: {inert(err['hint'])}", "dim", raw=True)

    def say(self, message: str = "", *, style: str | None = None, wrap: bool = True) -> None:
        """Prose for people on stdout (a conclusion, a summary): inert, wrapped at word
        boundaries on a terminal (unless wrap=False: text to copy whole), plain lines otherwise."""
        self._prose(self.stdout, self.stdout_tty, message, style, wrap=wrap)

    def line(self, text: str, *, err: bool = False) -> None:
        """One line of a log a person reads (the listener's): inert, unwrapped, flushed, no Rich."""
        stream = self.stderr if err else self.stdout
        stream.write(inert(text) + "\n")
        stream.flush()

    def value(self, text: str) -> None:
        """A bare value on stdout (an id, a URL, a token): exact in a pipe, inert on a terminal."""
        self._write((inert(text) if self.stdout_tty else text) + "\n")

    def _err(self, text: str, style: str | None, *, raw: bool = False, wrap: bool = True) -> None:
        self._prose(self.stderr, self.stderr_tty, text, style, raw=raw, wrap=wrap)

    def _prose(self, stream, tty: bool, text: str, style: str | None, *, raw: bool = False,
               wrap: bool = True) -> None:
        text = text if raw else inert(text, lines=True)
        if tty:
            from rich.text import Text

            self.console(stream).print(Text(text, style=(style or "") if self.color else ""), soft_wrap=not wrap)
        else:
            stream.write(text + "\n")
            stream.flush()

    # --- renderers -------------------------------------------------------
    def _write(self, text: str) -> None:
        self.stdout.write(text)

    def console(self, file=None, *, width: int | None = None):
        """A Rich console that never reads markup or emoji codes in what it prints. On a
        terminal it wraps at the terminal's width; piped, lines are never wrapped or cut."""
        from rich.console import Console

        stream = file or self.stdout
        tty = _isatty(stream)
        return Console(file=stream, no_color=not self.color, highlight=False, markup=False, emoji=False,
                       force_terminal=tty and self.color, width=width if width else (None if tty else 100_000),
                       soft_wrap=not tty)

    @property
    def width(self) -> int | None:
        """The width tables must fit: the terminal's, or None (piped, or -o wide: every column)."""
        if self.wide or not self.stdout_tty:
            return None
        return self.console().width

    def print_table(self, columns: list[Column], rows: Iterable[list[Any]], *, title: str | None = None,
                    sections: Iterable[int] = (), width: int | None = None) -> None:
        """Draw a table of cells (str or Text) that fits the terminal, and say on stderr which
        columns were left out."""
        table = self.fit_table(columns, rows, title=title, sections=sections, width=width)
        self.print(table)

    def fit_table(self, columns: list[Column], rows: Iterable[list[Any]], *, title: str | None = None,
                  sections: Iterable[int] = (), width: int | None = None, quiet: bool = False):
        """A Rich table of cells fitted to `width` (default: the terminal's). Unless quiet (a live
        view redrawn often), says on stderr which columns it left out; `.dropped` lists them."""
        from . import tables

        table, dropped, total = tables.build(columns, rows, width=width or self.width, title=title,
                                             sections=sections)
        table.total_width = total  # (read by print: a table is never cut by the console)
        table.dropped = dropped
        if not quiet:  # said once the table is drawn (print), not before it
            self._left_out.extend(c for c in dropped if c.title not in {d.title for d in self._left_out})
        return table

    def aside(self, message: str) -> None:
        """A remark about the view itself, on stderr: one dim line (the terminal may fold it)."""
        self._err(message, "dim", wrap=False)

    def dropped(self, columns: list[Column]) -> None:
        """The one line that says which columns a narrow terminal left out."""
        names = ", ".join(c.title for c in columns)
        self.aside(f"not shown: {names} (-o wide shows all)")

    def print(self, renderable: Any) -> None:
        """Draw a renderable on stdout; a fitted table is never cut (too narrow a terminal for
        even its first column wraps its lines instead), and -o wide is as wide as it needs."""
        total = getattr(renderable, "total_width", 0)
        width = None
        if self.stdout_tty:
            width = (total or 100_000) if self.wide else max(total, self.console().width)
        self.console(width=width).print(renderable)
        if self._left_out:
            left_out, self._left_out = self._left_out, []
            self.dropped(left_out)

    def _table(self, data: Any, columns: list[Column] | None, title: str | None) -> None:
        if data is None:
            return
        if not isinstance(data, (list, dict)):
            self._write(inert(cell(data)) + "\n")
            return
        from . import tables

        if isinstance(data, dict):
            self.print(tables.record(((k, self._cell(v, None, data)) for k, v in data.items()),
                                     width=self.width, title=title))
            return
        rows, named = self._rows(data)
        cols = columns or named or columns_from(rows)
        self.print_table(cols, [[self._cell(pick(row, col.key), col, row) for col in cols] for row in rows],
                         title=title)

    def _cell(self, value: Any, col: Column | None, row: dict) -> Any:
        fmt = col.fmt if col is not None else None
        if fmt is not None and (self.stdout_tty or not getattr(fmt, "tty_only", False)):
            shown = fmt(value, row)
            return shown if not isinstance(shown, str) else inert(shown)
        return inert(cell(value))

    def _csv_stream(self, rows: Iterable[Any], columns: list[Column] | None) -> int:
        import csv
        import itertools

        rows = iter(rows)
        writer = csv.writer(self.stdout, lineterminator="\n")
        cols = columns
        if cols is None:
            head, named = self._rows(list(itertools.islice(rows, 50)))
            cols = named or columns_from([r if isinstance(r, dict) else {"value": r} for r in head],
                                         scalars_only=False)
            rows = itertools.chain(head, rows)
        writer.writerow([c.key for c in cols])
        count = 0
        safe = self.csv_safe
        for row in rows:
            if not isinstance(row, dict):
                row = self._rows([row])[0][0] if isinstance(row, list) or self.query else {"value": row}
            cells = [cell(pick(row, c.key)) for c in cols]
            writer.writerow([csv_safe(v) for v in cells] if safe else cells)
            count += 1
        return count


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def bounded_list(items: Iterable[Any]) -> list[Any]:
    """The rows a table, YAML or --query holds, at most errors.MAX_ROWS_IN_MEMORY of them."""
    from ..errors import MAX_ROWS_IN_MEMORY, TooManyRows

    rows: list[Any] = []
    for item in items:
        if len(rows) >= MAX_ROWS_IN_MEMORY:
            raise TooManyRows(f"more than {MAX_ROWS_IN_MEMORY:,} rows to hold in memory for a "
                              "table, YAML or --query")
        rows.append(item)
    return rows
