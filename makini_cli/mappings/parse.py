"""Reading a mapping file: TOML, checked against the unified model, each problem with its line.

tomllib gives no positions, so the line of every key is found by scanning the text once
(`key_lines`): headers and `key = value` lines, dotted and quoted keys included. That is enough
to point at the offending line without a second TOML parser; a key it cannot place falls back
to its table's line, then to line 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from . import model as um

TOP_KEYS = ("version", "entity", "description", "columns", "connections")
COLUMN_KEYS = ("field", "custom", "const", "default", "description")
SOURCES = ("field", "custom", "const")
CONNECTION_KEYS = ("columns", "description")
INDEX = re.compile(r"\[(\d*)\]")


@dataclass
class Problem:
    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.file}:{self.line}: {tag}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "severity": self.severity, "message": self.message}


# --- where each key is -------------------------------------------------------------------
_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _keys(text: str, pos: int, stop: str) -> tuple[list[str], int] | None:
    """Parse a dotted key starting at pos up to the `stop` character; None if it is not one."""
    keys: list[str] = []
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos < n and text[pos] in "\"'":
            quote = text[pos]
            end = pos + 1
            buf = []
            while end < n and text[end] != quote:
                if quote == '"' and text[end] == "\\" and end + 1 < n:
                    end += 1
                buf.append(text[end])
                end += 1
            if end >= n:
                return None
            keys.append("".join(buf))
            pos = end + 1
        else:
            m = _BARE.match(text, pos)
            if not m:
                return None
            keys.append(m.group(0))
            pos = m.end()
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos < n and text[pos] == ".":
            pos += 1
            continue
        if pos < n and text[pos] == stop:
            return keys, pos + 1
        return None


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The 1-based line of each table header and each key, as a path of keys."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    multiline: str | None = None
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if multiline:
            if line.count(multiline) % 2 == 1:
                multiline = None
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            parsed = _keys(line, 2 if line.startswith("[[") else 1, "]")
            if parsed:
                table = tuple(parsed[0])
                lines.setdefault(table, no)
            continue
        parsed = _keys(line, 0, "=")
        if not parsed:
            continue
        path = table + tuple(parsed[0])
        lines.setdefault(path, no)
        value = line[parsed[1]:].lstrip()
        for delim in ('"""', "'''"):
            if value.startswith(delim) and value.count(delim) == 1:
                multiline = delim
        if value.startswith("{"):  # inline table: its keys sit on this line
            for m in re.finditer(r"([A-Za-z0-9_-]+|\"[^\"]*\")\s*=", value):
                lines.setdefault(path + (m.group(1).strip('"'),), no)
    return lines


class Lines:
    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.index = key_lines(text)

    def of(self, *path: str) -> int:
        p = tuple(path)
        while p:
            if p in self.index:
                return self.index[p]
            p = p[:-1]
        return 1


# --- checking the document -----------------------------------------------------------------
def normalise_path(path: str) -> str:
    """`lineItems[0].price` -> `lineItems[].price`: the form the model's path index uses."""
    return INDEX.sub("[]", path)


def expansion_of(path: str) -> str | None:
    """The list a path expands into rows (`lineItems` for `lineItems[].price`), if any."""
    m = re.search(r"\[\]", path)
    return path[:m.start()] if m else None


def scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, datetime, date, time))


class Checker:
    """Validates a parsed mapping document; collects problems instead of stopping at the first."""

    def __init__(self, file: str, text: str, doc: dict[str, Any]) -> None:
        self.lines = Lines(file, text)
        self.file = file
        self.doc = doc
        self.problems: list[Problem] = []
        self.entity = "purchase-orders"
        self.paths: dict[str, um.Field] = {}

    def error(self, message: str, *path: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, self.lines.of(*path), message, severity))

    def unknown_key(self, key: str, allowed: tuple[str, ...], where: str, *path: str) -> None:
        self.error(f"unknown key {key!r} in {where}" + um.did_you_mean(key, allowed)
                   + f"; allowed: {', '.join(allowed)}", *path)

    def check_top(self) -> None:
        for key in self.doc:
            if key not in TOP_KEYS:
                self.unknown_key(key, TOP_KEYS, "the mapping file", key)
        version = self.doc.get("version", 1)
        if version != 1:
            self.error(f"unsupported version {version!r}: this makini reads version 1", "version")
        entity = self.doc.get("entity", "purchase-orders")
        if not isinstance(entity, str) or entity not in um.entity_names():
            self.error(f"unknown entity {entity!r}" + um.did_you_mean(str(entity), um.entity_names()),
                       "entity")
        else:
            self.entity = entity
            self.paths = um.field_paths(entity)
        if not isinstance(self.doc.get("description", ""), str):
            self.error("description must be a string", "description")

    def check_field_path(self, path: Any, *where: str) -> None:
        if not isinstance(path, str) or not path.strip():
            self.error("field must be a field path such as 'orderNo' or 'shipmentAddress.city', "
                       "or a list of them (the first non-empty wins)", *where)
            return
        if not self.paths:
            return  # the entity is already reported unknown
        norm = normalise_path(path)
        if norm.count("[]") > 1:
            self.error(f"field {path!r} expands two lists; a mapping expands one list into rows", *where)
        elif norm not in self.paths:
            hint = um.did_you_mean(norm, list(self.paths))
            if not hint and "." not in norm:
                hint = f" (a field beyond the unified model? use custom = {path!r})"
            self.error(f"unknown field {path!r}" + hint, *where)
        elif "[]" in norm and self.paths[norm.split("[]")[0]].type != "array":
            self.error(f"{norm.split('[]')[0]!r} is not a list: drop the []", *where)

    def check_column(self, name: str, spec: Any, *where: str) -> dict[str, Any] | None:
        """One column spec; returns it when usable (structure right, names maybe wrong)."""
        if not isinstance(spec, dict):
            self.error(f"column {name!r} must be a table, e.g. [columns.{name}] with field = \"…\"",
                       *where)
            return None
        for key in spec:
            if key not in COLUMN_KEYS:
                self.unknown_key(key, COLUMN_KEYS, f"column {name!r}", *where, key)
        sources = [k for k in SOURCES if k in spec]
        if len(sources) != 1:
            what = "none" if not sources else " and ".join(sources)
            self.error(f"column {name!r} needs exactly one of field, custom or const (has {what})",
                       *where)
            return None
        if "field" in spec:
            paths = spec["field"] if isinstance(spec["field"], list) else [spec["field"]]
            if not paths:
                self.check_field_path(None, *where, "field")
            for p in paths:
                self.check_field_path(p, *where, "field")
            if not all(isinstance(p, str) for p in paths):
                return None  # reported above; not a path, so not a usable column either
        if "custom" in spec:
            custom = spec["custom"]
            if not isinstance(custom, str) or not custom:
                self.error("custom must name a field, e.g. custom = \"ZZ_COST_CENTER\"", *where, "custom")
                return None
            elif self.paths and normalise_path(custom) in self.paths:
                self.error(f"{custom!r} is a unified field: use field = {custom!r}", *where, "custom",
                           severity="warning")
            elif self.paths and "[]" in normalise_path(custom):
                # a custom field inside a list the model knows: `lineItems[].cost`
                head = normalise_path(custom).split("[]")[0]
                if normalise_path(custom).count("[]") > 1 or (
                        head in self.paths and self.paths[head].type != "array"):
                    self.error(f"custom {custom!r}: only one list of the model can be expanded",
                               *where, "custom")
                elif head not in self.paths:
                    self.error(f"custom {custom!r}: {head!r} is not a list of the unified model"
                               + um.did_you_mean(head, [p for p, f in self.paths.items() if f.type == "array"]),
                               *where, "custom")
        for key in ("const", "default"):
            if key in spec:
                if not scalar(spec[key]):
                    self.error(f"{key} must be a string, number, boolean or date", *where, key)
                elif isinstance(spec[key], float):
                    self.error(f"{key} {spec[key]!r} is a TOML float and may not keep its digits: "
                               "write it as a string for an exact decimal", *where, key,
                               severity="warning")
        return spec

    def check_columns(self) -> dict[str, dict[str, Any]]:
        columns = self.doc.get("columns")
        if not isinstance(columns, dict) or not columns:
            self.error("no columns: add at least one [columns.NAME] table", "columns")
            return {}
        out = {}
        for name, spec in columns.items():
            if "." in name or not name.strip():
                # output paths read dotted names as nesting; a dotted CSV header would come out empty
                self.error(f"column name {name!r} must be non-empty and without '.' "
                           f"(e.g. {name.replace('.', '_')!r})", "columns", name)
                continue
            checked = self.check_column(name, spec, "columns", name)
            if checked is not None:
                out[name] = checked
        return out

    def check_connections(self, base: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
        conns = self.doc.get("connections", {})
        if not isinstance(conns, dict):
            self.error("connections must be a table of connection ids", "connections")
            return {}
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for conn, body in conns.items():
            where = ("connections", conn)
            if not isinstance(body, dict):
                self.error(f"connections.{conn} must be a table", *where)
                continue
            for key in body:
                if key not in CONNECTION_KEYS:
                    self.unknown_key(key, CONNECTION_KEYS, f"connection {conn!r}", *where, key)
            columns = body.get("columns", {})
            if not isinstance(columns, dict):
                self.error(f"connections.{conn}.columns must be a table", *where, "columns")
                continue
            out[conn] = {}
            for name, spec in columns.items():
                cwhere = where + ("columns", name)
                if name not in base and name not in (self.doc.get("columns") or {}):
                    self.error(f"connection {conn!r} overrides column {name!r}, which [columns] does "
                               "not define" + um.did_you_mean(name, list(base)), *cwhere)
                    continue
                merged = merge(base.get(name, {}), spec) if isinstance(spec, dict) else spec
                checked = self.check_column(name, merged, *cwhere)
                if checked is not None:
                    out[conn][name] = checked
        return out


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """An override replaces the base's source if it names one, and keeps the rest (default…)."""
    merged = dict(base)
    if any(k in override for k in SOURCES):
        for k in SOURCES:
            merged.pop(k, None)
    merged.update(override)
    return merged
