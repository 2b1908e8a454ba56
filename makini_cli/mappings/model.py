"""Makini's unified model, from the catalog generated out of the OpenAPI files
(scripts/gen_model_catalog.py -> makini_cli/data/unified_model.json).

Loaded on first use only: commands that never look at the model pay nothing for it. Field paths
are the ones mapping files and fill rates use: `vendorKey`, `shipmentAddress.city`,
`lineItems[].price` (`[]` marks a list of objects).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CATALOG = Path(__file__).parent.parent / "data" / "unified_model.json"
MAX_DEPTH = 3  # nested objects deeper than this are not expanded into paths (cycles, noise)


@dataclass(frozen=True)
class Field:
    name: str
    type: str            # string, datetime, boolean, integer, number, object, array
    description: str
    of: str | None = None  # nested schema of an object / array field
    body_only: bool = False  # named by create/update bodies only, not by the response schema

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "description": self.description}
        if self.of:
            out["of"] = self.of
        if self.body_only:
            out["body_only"] = True
        return out


@dataclass(frozen=True)
class Entity:
    name: str
    schema: str
    domains: tuple[str, ...]
    description: str
    fields: tuple[Field, ...]
    path_template: str | None = None  # entities not listed at /api/{domain}/{name}

    @property
    def listable(self) -> bool:
        return self.path_template is None


@lru_cache(maxsize=1)
def catalog() -> dict[str, Any]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def entity_names() -> list[str]:
    return list(catalog()["entities"])


def schema_fields(schema: str) -> tuple[Field, ...]:
    raw = catalog()["schemas"].get(schema, [])
    return tuple(Field(f[0], f[1], f[2], f[3] if len(f) > 3 else None) for f in raw)


@lru_cache(maxsize=None)
def entity(name: str) -> Entity:
    """The entity named `name`; UsageError naming the closest one when there is none."""
    entry = catalog()["entities"].get(name)
    if entry is None:
        from ..errors import UsageError

        raise UsageError(f"unknown entity {name!r}" + did_you_mean(name, entity_names()),
                         hint="list them with `makini mappings fields`")
    fields = schema_fields(entry["schema"]) + tuple(
        Field(f[0], f[1], f[2], body_only=True) for f in entry.get("body_only", []))
    return Entity(name, entry["schema"], tuple(entry["domains"]), entry.get("description", ""),
                  fields, entry.get("path"))


def did_you_mean(word: str, choices: list[str] | set[str], *, cutoff: float = 0.6) -> str:
    """" (did you mean 'x'?)" or "" -- the closest valid name by difflib's ratio."""
    best = closest(word, choices, cutoff=cutoff)
    return f" (did you mean {best!r}?)" if best else ""


def closest(word: str, choices: list[str] | set[str], *, cutoff: float = 0.6) -> str | None:
    choices = list(choices)
    match = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    if match:
        return match[0]
    # Case slips (`vendorkey`) and `lineItems.price` for `lineItems[].price` score low on raw
    # ratio; compare normalised forms too.
    norm = {c.lower().replace("[]", ""): c for c in choices}
    match = difflib.get_close_matches(word.lower().replace("[]", ""), list(norm), n=1, cutoff=cutoff)
    return norm[match[0]] if match else None


def field_paths(entity_name: str, *, depth: int = MAX_DEPTH) -> dict[str, Field]:
    """Every field path of an entity: top-level names, `obj.sub` and `list[].sub`, in model order."""
    return dict(_paths(entity_name, depth))


@lru_cache(maxsize=None)
def _paths(entity_name: str, depth: int) -> tuple[tuple[str, Field], ...]:
    out: list[tuple[str, Field]] = []

    def walk(prefix: str, fields: tuple[Field, ...], level: int, seen: tuple[str, ...]) -> None:
        for f in fields:
            path = prefix + f.name
            out.append((path, f))
            if f.of and level < depth and f.of not in seen:
                sep = "[]." if f.type == "array" else "."
                walk(path + sep, schema_fields(f.of), level + 1, seen + (f.of,))

    ent = entity(entity_name)
    walk("", ent.fields, 1, (ent.schema,))
    return tuple(out)


def top_level(entity_name: str) -> dict[str, Field]:
    return {f.name: f for f in entity(entity_name).fields}
