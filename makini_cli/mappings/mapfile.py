"""Mapping files: the unified model mapped onto the user's own columns, as code reviewed in git.

The file format is described once, for users, in `makini mappings --help`
(`commands/field_mappings/__init__.py` FORMAT_HELP) and in the README.

Values pass through untouched: decimal strings keep their digits, Decimals stay Decimals.
`load_mapping(path)` gives a `Mapping`; `mapping.rows(record, connection_id)` the output rows
(the hook `po list` / `po export` call); `export_plan()` the export engine's transform.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .parse import INDEX, Checker, Problem, expansion_of, normalise_path

_MISSING = object()


class MappingError(UsageError):
    """A mapping file that cannot be used: exit 2, every problem as `file:line: message`."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"] or problems
        text = "\n".join(str(p) for p in errors)
        super().__init__(f"invalid mapping file:\n{text}" if len(errors) > 1 else text,
                         hint=f"check it with `makini mappings validate {errors[0].file}`")
        self.problems = problems


@dataclass(frozen=True)
class Column:
    name: str
    kind: str                      # "field", "custom" or "const"
    source: Any                    # tuple of paths, a custom field name, or the constant
    default: Any = _MISSING
    description: str = ""

    @classmethod
    def from_spec(cls, name: str, spec: dict[str, Any]) -> Column:
        kind = next(k for k in ("field", "custom", "const") if k in spec)
        source = spec[kind]
        if kind == "field":
            source = tuple(source) if isinstance(source, list) else (source,)
        elif kind == "const":
            source = _plain(source)
        default = _plain(spec["default"]) if "default" in spec else _MISSING
        return cls(name, kind, source, default, spec.get("description", ""))

    def spec(self) -> dict[str, Any]:
        """The column as the file states it (for diff and JSON)."""
        source = self.source
        if self.kind == "field":
            source = source[0] if len(source) == 1 else list(source)
        out = {self.kind: source}
        if self.default is not _MISSING:
            out["default"] = self.default
        return out

    def value(self, record: dict, item: dict | None, expands: str | None) -> Any:
        if self.kind == "const":
            return self.source
        if self.kind == "custom":
            # a top-level key as named (custom names may hold dots), else a path to one nested
            # beyond the model: `shipmentAddress.gln`, `lineItems[].cost`
            if isinstance(record, dict) and self.source in record:
                value = record[self.source]
            else:
                value = evaluate(record, self.source, item, expands)
        else:
            value = None
            for path in self.source:
                value = evaluate(record, path, item, expands)
                if not empty(value):
                    break
        if empty(value) and self.default is not _MISSING:
            return self.default
        return value


@dataclass
class Mapping:
    file: str
    entity: str
    columns: list[Column]
    overrides: dict[str, dict[str, Column]] = field(default_factory=dict)
    description: str = ""
    problems: list[Problem] = field(default_factory=list)  # warnings only, once loaded

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @cached_property
    def expands(self) -> str | None:
        """The list field rows are expanded over (`lineItems`), or None for one row a record."""
        for path in self.field_paths():
            if expansion_of(path):
                return expansion_of(path)
        return None

    def all_columns(self) -> list[Column]:
        return self.columns + [c for cols in self.overrides.values() for c in cols.values()]

    def columns_for(self, connection: str | None) -> list[Column]:
        over = self.overrides.get(connection or "", {})
        return [over.get(c.name, c) for c in self.columns]

    def field_paths(self) -> list[str]:
        """Every path the mapping reads, unified and custom (for previews and expansion)."""
        seen: dict[str, None] = {}
        for col in self.all_columns():
            if col.kind == "field":
                seen.update(dict.fromkeys(col.source))
            elif col.kind == "custom":
                seen[col.source] = None
        return list(seen)

    def rows(self, record: Any, connection: str | None = None) -> list[dict[str, Any]]:
        """The output rows for one record: one, or one per element of the expanded list (an
        order without line items still gives one row, so no order silently disappears)."""
        record = _as_dict(record)
        cols = self.columns_for(connection)
        expands = self.expands
        items: list[Any] = [None]
        if expands:
            found = evaluate(record, expands, None, None)
            found = [_as_dict(i) for i in found] if isinstance(found, list) else []
            items = [i for i in found if isinstance(i, dict)] or [{}]
        return [{c.name: c.value(record, item, expands) for c in cols} for item in items]

    def transform(self, record: Any, connection: str | None = None) -> dict[str, Any] | list[dict[str, Any]]:
        """One row (dict) per record, or a list of rows when the mapping expands a list."""
        rows = self.rows(record, connection)
        return rows if self.expands else rows[0]

    def fingerprint(self) -> str:
        """Identifies what the mapping does (not where it lives): a resumed export refuses to
        continue with a different mapping."""
        import hashlib
        import json

        doc = {k: v for k, v in self.as_dict().items() if k not in ("file", "description")}
        return "mapping:" + hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def export_plan(self, connection: str | None, *, multi: bool) -> dict[str, Any]:
        """The `transform`, `transform_id` and `columns` of an export Plan (makini_cli/export).

        With several connections the engine labels each record with its `connection`; the
        mapped rows then lead with that column (as unmapped exports do), unless the mapping
        names a `connection` column itself, so rows from different systems stay apart."""
        lead = multi and "connection" not in self.names

        def transform(record: dict) -> list[dict[str, Any]]:
            conn = record.get("connection") if multi else connection
            rows = self.rows(record, conn)
            return [{"connection": conn, **r} for r in rows] if lead else rows

        return {"transform": transform, "transform_id": self.fingerprint(),
                "columns": (["connection"] if lead else []) + self.names}

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "entity": self.entity, "description": self.description,
                "expands": self.expands,
                "columns": [{"name": c.name, **c.spec()} for c in self.columns],
                "connections": {conn: {n: c.spec() for n, c in cols.items()}
                                for conn, cols in self.overrides.items()}}


def empty(value: Any) -> bool:
    """Missing, null, blank text, an empty list, or an object with nothing in it (an address
    whose every part is null fills nothing): what `default` replaces and fill rates skip."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    if isinstance(value, dict):
        return all(empty(v) for v in value.values())
    return False


def evaluate(record: Any, path: str, item: dict | None = None, expands: str | None = None) -> Any:
    """The value at a field path. `list[].x` reads x of the current item of the expanded list;
    `list[2].x` the third element; a list path not being expanded gives the list of values."""
    if expands and item is not None and path.startswith(expands + "[]"):
        rest = path[len(expands) + 2:].lstrip(".")
        return evaluate(item, rest) if rest else item
    cur: Any = record
    for part in _split(path):
        if isinstance(part, int):
            cur = cur[part] if isinstance(cur, list) and -len(cur) <= part < len(cur) else None
        elif part == "[]":
            if not isinstance(cur, list):
                return None
            rest = path.split("[]", 1)[1].lstrip(".")
            return [evaluate(v, rest) if rest else v for v in cur]
        else:
            cur = _as_dict(cur)
            cur = cur.get(part) if isinstance(cur, dict) else None
        if cur is None:
            return None
    return cur


@lru_cache(maxsize=4096)
def _split(path: str) -> tuple[Any, ...]:
    """`a.b[2].c` -> ("a", "b", 2, "c"); cached: fill rates evaluate the same paths per record."""
    out: list[Any] = []
    for dotted in path.split("."):
        name = INDEX.split(dotted)[0]
        if name:
            out.append(name)
        for m in INDEX.finditer(dotted):
            out.append(int(m.group(1)) if m.group(1) else "[]")
    return tuple(out)


def _as_dict(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):  # a pydantic model from the API layer: its wire form
        return obj.model_dump(mode="python", by_alias=True)
    return obj


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):  # TOML dates and times become ISO 8601 text
        return value.isoformat()
    return value


# --- loading -----------------------------------------------------------------------------
def check(path: str | Path, text: str | None = None) -> tuple[Mapping | None, list[Problem]]:
    """Parse and validate a mapping file: (mapping if it could be built, every problem)."""
    file = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise UsageError(f"no such mapping file: {file}") from None
        except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read mapping file {file}: {exc}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        import re

        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line = int(m.group(1)) if m else 1
        return None, [Problem(file, line, f"invalid TOML: {msg}" + (f" (column {m.group(2)})" if m else ""))]
    checker = Checker(file, text, doc)
    checker.check_top()
    base = checker.check_columns()
    conns = checker.check_connections(base)
    problems = checker.problems
    if not base:
        return None, problems
    mapping = Mapping(file, checker.entity, [Column.from_spec(n, s) for n, s in base.items()],
                      {conn: {n: Column.from_spec(n, s) for n, s in cols.items()}
                       for conn, cols in conns.items()}, doc.get("description", "") or "")
    lists = {expansion_of(normalise_path(p)) for p in mapping.field_paths()} - {None}
    if len(lists) > 1:
        problems.append(Problem(file, checker.lines.of("columns"),
                                "a mapping expands one list into rows, this one names "
                                + " and ".join(f"{name}[]" for name in sorted(lists))))
    mapping.problems = [p for p in problems if p.severity != "error"]
    return mapping, sorted(problems, key=lambda p: p.line)


def load_mapping(path: str | Path) -> Mapping:
    """A usable Mapping, or MappingError (exit 2) listing every error with file and line."""
    mapping, problems = check(path)
    if mapping is None or any(p.severity == "error" for p in problems):
        raise MappingError(problems)
    return mapping


def load_for(entity: str, path: str | Path, *, lines: bool = True, warn=None) -> Mapping:
    """`--mapping FILE` of a command reading `entity`: loaded, checked to map that entity and
    to get the lists it expands, its warnings passed to `warn`. Called before any request."""
    m = load_mapping(path)
    if m.entity != entity:
        raise UsageError(f"{path} maps {m.entity}, not {entity}",
                         hint=f'set entity = "{entity}" in the file, or use a mapping made for {entity}')
    if m.expands and not lines:
        raise UsageError(f"{path} expands {m.expands}[] into rows, which --no-lines leaves out",
                         hint="drop --no-lines, or map header fields only")
    for problem in m.problems:
        if warn:
            warn(str(problem))
    return m
