"""Makini's OpenAPI files for the contract tests (the walk, Schemathesis, Prism), with the files'
known self-contradictions repaired on a copy by `repair()` -- one step, each rule commented and
listed in the README ("How the sandbox departs from the spec"). The repairs say what the spec
itself means (its examples, its descriptions, the API's Laravel rules); none of them loosens a
check of what the sandbox sends beyond what the spec's own examples show.

The files live outside the repo (`<repo>/../shared/makini-openapi`, or $MAKINI_OPENAPI_DIR) and
are never copied in.
"""

from __future__ import annotations

import copy
import json
import os
import re
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FILES = {"system": "oas3_system.json", "erp": "oas3_erp.json", "eam": "oas3_eam.json",
         "wms": "oas3_wms.json"}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_REAL_FORMATS = {"binary", "date-time", "email"}
NUMERIC = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}]}
# The error body the sandbox sends (Makini's FAQ: a code, a type, a message and a request id).
ERROR = {"type": "object", "required": ["message", "code", "type", "request_id"],
         "properties": {"message": {"type": "string"}, "code": {"type": "string"},
                        "type": {"type": "string"},
                        "request_id": {"type": "string", "nullable": True},
                        "errors": {"type": "object", "additionalProperties": {
                            "type": "array", "items": {"type": "string"}}}}}


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


def _response_schema(schema, example=None):
    """Repairs 1-4 on a schema the API answers with."""
    if isinstance(schema, list):
        return {}  # 1. `[]` (ConnectionToken, RawData, Passthrough, Dimension) is no schema
    if not isinstance(schema, dict):
        return schema
    out = {k: v for k, v in schema.items() if k not in ("format", "example")}
    if schema.get("format") in _REAL_FORMATS:
        out["format"] = schema["format"]
    if schema.get("format") == "nullable":
        out["nullable"] = True  # 2. `format: "nullable"` (links.prev/next) means nullable
    if out.get("type") == "object" and "properties" not in out and isinstance(example, str):
        out["type"] = "string"  # 4. money and dates typed object, while the examples are strings
    if isinstance(schema.get("properties"), dict):
        out.setdefault("type", "object")  # component objects are declared without a type
        examples = schema.get("example") if isinstance(schema.get("example"), dict) else {}
        out["properties"] = {}
        for name, prop in schema["properties"].items():
            fixed = _response_schema(prop, examples.get(name))
            if isinstance(fixed, dict) and "$ref" not in fixed:
                fixed["nullable"] = True  # 3. absent values are null, not `nullable: false`
            out["properties"][name] = fixed  # (a nested object's `$ref`: see _nullable_refs)
    elif isinstance(schema.get("properties"), list):
        out.pop("properties")  # 1. again
    if "items" in schema:
        out["items"] = _response_schema(schema["items"])
    return out


def _request_schema(schema):
    """Repair 5: request bodies type their fields with Laravel rule words."""
    if isinstance(schema, list) or not isinstance(schema, dict):
        return {}
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return {"type": "array", "items": _request_schema(schema["items"])}
    props = schema.get("properties")
    out: dict = {"type": "object"}
    if not isinstance(props, dict):
        return out  # `properties: []` (PUT sales-orders, return-orders): any object
    out["properties"], required = {}, []
    for name, prop in props.items():
        words = set(str(prop.get("type") or "string").split("|"))
        if prop.get("format") == "binary":
            fixed = {"type": "string", "format": "binary"}
        elif "numeric" in words:
            fixed = copy.deepcopy(NUMERIC)
        elif "date" in words:
            fixed = {"type": "string", "format": "date-time"}
        elif "email" in words:
            fixed = {"type": "string", "format": "email"}
        elif "array" in words:  # Laravel's `array` takes a JSON object too (see credentials)
            fixed = {"anyOf": [{"type": "array"}, {"type": "object"}]}
        elif words & {"string", "integer", "boolean", "object"}:
            fixed = {"type": (words & {"string", "integer", "boolean", "object"}).pop()}
        else:
            fixed = {}  # "nullable" alone: any value
        if "required" in words:
            required.append(name)
        if prop.get("nullable", True) or "nullable" in words:
            fixed["nullable"] = True
        out["properties"][name] = fixed
    if required:
        out["required"] = required
    return out


def _list_parameters(params: list) -> list:
    """Repair 6: `filter` and `sort` are declared as form-style arrays, while the descriptions
    (and the API) use `filter[field]=v`, `filter[field:op]=v`, `sort[field]=1|0`; `filterMatch`
    is not declared at all."""
    out = []
    for p in params:
        if p.get("in") == "query" and p.get("name") in ("filter", "sort"):
            values = {"type": "string"} if p["name"] == "filter" else {
                "type": "string", "enum": ["0", "1"]}
            out.append({"name": p["name"], "in": "query", "style": "deepObject", "explode": True,
                        "schema": {"type": "object", "additionalProperties": values}})
        else:
            out.append(p)
    if any(p.get("name") == "filter" for p in params):
        out.append({"name": "filterMatch", "in": "query",
                    "schema": {"type": "string", "enum": ["all", "any"]}})
    return out


def _nullable_refs(schemas: dict) -> None:
    """3, for nested objects: a `$ref` cannot carry `nullable` in OAS 3.0 (siblings of `$ref` are
    ignored, and `allOf` + `nullable` still validates null against the object), so a property
    holding a nested object gets a nullable copy of its schema instead of the reference."""
    done: dict[str, dict] = {}

    def resolved(name: str, depth: int = 0) -> dict:
        if name not in done:
            schema = copy.deepcopy(schemas[name])
            for prop, sub in (schema.get("properties") or {}).items():
                if isinstance(sub, dict) and "$ref" in sub and depth < 8:
                    siblings = {k: v for k, v in sub.items() if k != "$ref"}
                    schema["properties"][prop] = {**resolved(sub["$ref"].rsplit("/", 1)[-1],
                                                             depth + 1), **siblings,
                                                  "nullable": True}
            done[name] = schema
        return done[name]

    for name in list(schemas):
        schemas[name] = resolved(name)


def repair(doc: dict) -> dict:
    """A copy of one file with its known contradictions repaired (see the module docstring)."""
    doc = copy.deepcopy(doc)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in list(schemas):
        schemas[name] = _response_schema(schemas[name], None)
    if "ConnectionMetadata" in schemas:  # 7. metadata items are {key, value} pairs, not Connections
        schemas["ConnectionMetadata"] = {"type": "object", "properties": {
            "key": {"type": "string"}, "value": {"type": "string", "nullable": True}}}
    schemas["Error"] = ERROR
    _nullable_refs(schemas)
    for item in doc.get("paths", {}).values():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            op["parameters"] = _list_parameters(op.get("parameters") or [])
            for media in ((op.get("requestBody") or {}).get("content") or {}).values():
                media["schema"] = _request_schema(media.get("schema"))
                media.pop("example", None)
            for response in (op.get("responses") or {}).values():
                for media in (response.get("content") or {}).values():
                    media["schema"] = _response_schema(media.get("schema"))
            # 8. only `200` is declared: errors come as the FAQ describes them
            op["responses"]["default"] = {"description": "An error", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return doc


@cache
def repaired(name: str) -> dict:
    return repair(load(name))


def merged() -> dict:
    """The four repaired files as one document, each file's components prefixed with its name
    (35 names such as Address, Site, Location differ between the erp, eam and wms files)."""
    out: dict = {"openapi": "3.0.0", "info": {"title": "Makini API (merged)", "version": "3"},
                 "servers": [{"url": "https://api.makini.io"}], "paths": {},
                 "components": {"schemas": {}, "securitySchemes": {}}}
    for name in FILES:
        prefix = name.capitalize() + "_"
        text = json.dumps(repaired(name)).replace('"#/components/schemas/',
                                                  f'"#/components/schemas/{prefix}')
        doc = json.loads(text)
        out["paths"].update(doc["paths"])
        for key, schema in doc["components"]["schemas"].items():
            out["components"]["schemas"][prefix + key] = schema
        out["components"]["securitySchemes"].update(doc["components"].get("securitySchemes", {}))
    return out


def _inline(schema, schemas: dict, depth: int = 0):
    if isinstance(schema, list):
        return [_inline(s, schemas, depth) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return _inline(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas, depth + 1) \
            if depth < 12 else {}
    return {k: _inline(v, schemas, depth) for k, v in schema.items()}


def response_schema(method: str, path: str, status: str = "200") -> dict | None:
    """The repaired schema of an operation's answer, references inlined; None when the spec has
    no such operation."""
    doc = repaired(file_for(path))
    op = doc["paths"].get(path, {}).get(method.lower())
    if op is None:
        return None
    response = op["responses"].get(status) or op["responses"]["default"]
    schema = response["content"]["application/json"]["schema"]
    return _inline(schema, doc["components"]["schemas"])


def operations() -> set[tuple[str, str]]:
    out = set()
    for name in FILES:
        for path, item in load(name)["paths"].items():
            for method in item:
                if method in ("get", "post", "put", "delete"):
                    out.add((method.upper(), path))
    return out
