"""Loading Makini's OpenAPI files for the contract test, with their known quirks corrected.

The files live outside the repo (`<repo>/../shared/makini-openapi`, or $MAKINI_OPENAPI_DIR) and
are never copied in. Corrections, each a documented defect of the files (see their SOURCE.md):

1. Schemas written as `[]` (ConnectionToken, RawData, Passthrough) are not schemas: no check.
2. `"format": "nullable"` (links.prev/next) means nullable: Laravel sends null there.
3. `"nullable": false` sits on every field, even where the examples are empty; the API is
   Laravel, which serves absent values as null. Every response property is made nullable;
   the types of non-null values are still checked.
4. Properties typed `object` whose example is a string (PurchaseOrder.orderDate,
   POLineItem.quantity/price/…, LineItem.uomKey/lineTotalValue/…) are strings.
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FILES = {"system": "oas3_system.json", "erp": "oas3_erp.json", "eam": "oas3_eam.json",
         "wms": "oas3_wms.json"}


def spec_dir() -> Path:
    env = os.environ.get("MAKINI_OPENAPI_DIR")
    return Path(env) if env else (REPO / ".." / "shared" / "makini-openapi").resolve()


def available() -> bool:
    return all((spec_dir() / f).is_file() for f in FILES.values())


@cache
def load(name: str) -> dict:
    return json.loads((spec_dir() / FILES[name]).read_text())


def file_for(path: str) -> str:
    seg = path.split("/")[2]
    return seg if seg in ("erp", "eam", "wms") else "system"


def _fix(schema, components: dict, depth: int = 0):
    if isinstance(schema, list):          # quirk 1
        return {}
    if not isinstance(schema, dict):
        return schema
    if depth > 12:
        return {}
    out = {}
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = _fix(components.get(name, {}), components, depth + 1)
        out.update(target)
    for key, value in schema.items():
        if key == "$ref":
            continue
        if key == "properties" and isinstance(value, dict):
            example = schema.get("example") if isinstance(schema.get("example"), dict) else {}
            props = {}
            for pname, pschema in value.items():
                fixed = _fix(pschema, components, depth + 1)
                if isinstance(fixed, dict):
                    if (fixed.get("type") == "object" and "properties" not in fixed
                            and isinstance(example.get(pname), str)):
                        fixed["type"] = "string"                      # quirk 4
                    fixed["nullable"] = True                          # quirk 3
                    if fixed.get("format") == "nullable":             # quirk 2
                        fixed.pop("format")
                props[pname] = fixed
            out["properties"] = props
        elif key == "items":
            out["items"] = _fix(value, components, depth + 1)
        elif key not in out:
            out[key] = copy.deepcopy(value)
    return out


def response_schema(method: str, path: str) -> dict | None:
    """The corrected 200 schema of an operation; None when the spec has no such operation."""
    spec = load(file_for(path))
    op = spec["paths"].get(path, {}).get(method.lower())
    if op is None:
        return None
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    return _fix(schema, spec.get("components", {}).get("schemas", {}))


def operations() -> set[tuple[str, str]]:
    out = set()
    for name in FILES:
        for path, item in load(name)["paths"].items():
            for method in item:
                if method in ("get", "post", "put", "delete"):
                    out.add((method.upper(), path))
    return out
