#!/usr/bin/env python3
"""Generate the sandbox's contract (makini_cli/sandbox/contract.json) from Makini's OpenAPI files.

    python scripts/gen_sandbox_contract.py [SPEC_DIR] [--check]

SPEC_DIR defaults to $MAKINI_OPENAPI_DIR, else ../shared/makini-openapi beside the repo (the
spec is never copied into the repo). `--check` writes nothing and exits 1 when the committed
contract differs from what the spec gives (tests/sandbox/test_contract_catalog.py runs it).

The sandbox serves what this file lists, so a new Makini file means regenerating, not writing
routes: every operation of the four files with its kind (list, item, create, update, status,
statuses, or a sub-resource action such as `materials` or `children`), its entity, the schema
its 200 answer names and the validation rules of its request body; every entity with its schema
and domains; every schema with its fields typed as the sandbox stores and serves them:

  s string   t date-time   d decimal (a string, compared exactly)   i integer   b boolean
  l list of strings   o:<Schema> nested object   a:<Schema> list of objects   j free JSON

The spec's own types need reading, not copying (its known quirks): timestamps and money are
typed "object" while its examples are strings, so a field is `t` when its example is an ISO
time and `d` when its name says money or a quantity (`DECIMAL` below); `Dimension` is `[]`.
Request bodies carry Laravel rule words as types ("nullable|date", "numeric|required"), kept as
rule lists; `nullable: false` on a body field means "not null when present", and `required`
only where the rule words say so. An operation whose path fits no known shape fails the run:
the sandbox would have nothing to serve it with.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "makini_cli" / "sandbox" / "contract.json"
FILES = ("system", "erp", "eam", "wms")
METHODS = ("get", "post", "put", "delete", "patch")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Names of money and quantity fields: served as exact decimal strings whatever the spec types.
DECIMAL = re.compile(r"^(quantity\w*|price|cost|discount|rate|budget|reading|total|amount)$"
                     r"|[a-z](Quantity|Price|Cost|Value|Total|Level|Point|Rate|Percentage"
                     r"|Reading)$")
# Sub-resource actions the sandbox gives a meaning to (makini_cli/sandbox/subresources.py).
ACTIONS = {("GET", "materials"), ("GET", "children"), ("PUT", "inventory"),
           ("POST", "materials"), ("PUT", "materials/{materialKey}"), ("POST", "delivered"),
           ("GET", "custom-fields"), ("GET", "collection:materials")}


def default_spec_dir() -> Path:
    env = os.environ.get("MAKINI_OPENAPI_DIR")
    return Path(env) if env else REPO.parent / "shared" / "makini-openapi"


def _ref(schema) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return schema["$ref"].rsplit("/", 1)[-1]
    return None


def field_kind(name: str, prop: dict, example) -> str:
    ref = _ref(prop)
    if ref:
        return f"o:{ref}"
    kind = prop.get("type")
    if kind == "array":
        item = _ref(prop.get("items"))
        return f"a:{item}" if item else "l"
    if kind == "boolean":
        return "b"
    if kind == "integer":
        return "i"
    if isinstance(example, str) and ISO_TIME.match(example):
        return "t"
    if DECIMAL.search(name) and not name.endswith("Key"):
        return "d"
    return "s"


def schema_fields(schema) -> list[list[str]] | None:
    if not isinstance(schema, dict):
        return None  # `[]` (Dimension, Passthrough, ...): not a schema
    example = schema.get("example") if isinstance(schema.get("example"), dict) else {}
    return [[name, field_kind(name, prop, example.get(name))]
            for name, prop in (schema.get("properties") or {}).items() if isinstance(prop, dict)]


def body_rules(op: dict) -> tuple[str | None, dict]:
    """(media type, {field: {"rules": [...], "required": bool, "nullable": bool}})."""
    content = (op.get("requestBody") or {}).get("content") or {}
    if not content:
        return None, {}
    media, entry = next(iter(content.items()))
    schema = entry.get("schema") or {}
    if schema.get("type") == "array":
        schema = schema.get("items") or {}
    props = schema.get("properties")
    out = {}
    for name, prop in (props if isinstance(props, dict) else {}).items():
        words = [w for w in str(prop.get("type") or "string").split("|") if w]
        if prop.get("format") == "binary":
            words = ["file"]
        out[name] = {"rules": words, "required": "required" in words,
                     "nullable": bool(prop.get("nullable", True)) or "nullable" in words}
    return media, out


def data_schema(op: dict) -> tuple[str | None, bool]:
    """(schema the 200 answer's `data` names, whether `data` is a list)."""
    schema = (((op.get("responses") or {}).get("200") or {}).get("content") or {}).get(
        "application/json", {}).get("schema") or {}
    data = (schema.get("properties") or {}).get("data") or {}
    if data.get("type") == "array":
        return _ref(data.get("items")), True
    return _ref(data), False


def camel_key(segment: str) -> str:
    """`work-orders` -> `workOrderKey`, `pm` -> `pmKey`: the field other records name it by."""
    words = segment.split("-")
    words[-1] = words[-1][:-1] if words[-1].endswith("s") and len(words[-1]) > 3 else words[-1]
    return words[0] + "".join(w.capitalize() for w in words[1:]) + "Key"


def classify(method: str, path: str, file: str) -> dict:
    if file == "system":
        return {"kind": "system"}
    parts = path.split("/")[3:]
    if len(parts) == 2 and parts[0] == "statuses":
        return {"kind": "statuses", "entity": parts[1]}
    entity, rest = parts[0], parts[1:]
    shapes = {(): {"GET": "list", "POST": "create"}, ("{key}",): {"GET": "item", "PUT": "update"},
              ("{key}", "status"): {"PUT": "status"}}
    kind = shapes.get(tuple(rest), {}).get(method)
    if kind:
        return {"kind": kind, "entity": entity}
    if rest and rest[0] == "{key}":
        action = "/".join(rest[1:])
    elif len(rest) == 1:
        action = ("collection:" + rest[0]) if (method, "collection:" + rest[0]) in ACTIONS \
            else rest[0]
    else:
        action = None
    if (method, action) not in ACTIONS:
        raise SystemExit(f"error: {method} {path}: no sandbox meaning for this shape; give it one "
                         "in makini_cli/sandbox/subresources.py and ACTIONS here")
    return {"kind": "sub", "entity": entity, "action": action}


def build(spec_dir: Path) -> dict:
    operations, entities, schemas = [], {}, {}
    for file in FILES:
        doc = json.loads((spec_dir / f"oas3_{file}.json").read_text(encoding="utf-8"))
        for name, schema in (doc.get("components") or {}).get("schemas", {}).items():
            fields = schema_fields(schema)
            if fields is not None and not name.endswith("Collection"):
                schemas.setdefault(name, fields)  # same-named schemas differ in examples only
        for path, item in doc.get("paths", {}).items():
            for method, op in item.items():
                if method not in METHODS:
                    continue
                method = method.upper()
                entry = {"method": method, "path": path, "file": file,
                         **classify(method, path, file)}
                schema, many = data_schema(op)
                if schema:
                    entry["schema"], entry["many"] = schema, many
                media, rules = body_rules(op)
                if media:
                    entry["media"], entry["body"] = media, rules
                params = [p.get("name") for p in op.get("parameters") or ()
                          if p.get("in") == "query"]
                if params:
                    entry["query"] = params
                if entry["kind"] in ("list", "item", "statuses") and schema and file != "system":
                    name = "statuses" if entry["kind"] == "statuses" else entry["entity"]
                    ent = entities.setdefault(name, {"schema": schema, "domains": []})
                    if file not in ent["domains"]:
                        ent["domains"].append(file)
                operations.append(entry)
    # Sub-resources: which schema they serve and what links them. The `…/{key}/materials` of
    # every owner serve one item schema, the one naming a material and every such owner.
    owners = {camel_key(op["entity"]) for op in operations
              if op.get("action") in ("materials", "collection:materials")}
    items = [n for n, f in sorted(schemas.items())
             if {"materialKey", *owners} <= {x[0] for x in f}]
    for op in operations:
        if op.get("kind") != "sub":
            continue
        if op["action"] in ("materials", "collection:materials"):
            if len(items) != 1:
                raise SystemExit(f"error: {op['path']}: expected one schema naming materialKey "
                                 f"and {sorted(owners)}, found {items}")
            op.update(serves=items[0], owner=camel_key(op["entity"]))
        elif op["action"] == "children":
            op.update(serves=entities[op["entity"]]["schema"], owner="parentKeys")
    statuses = {}
    for op in operations:
        if op["kind"] == "statuses":
            statuses.setdefault(op["entity"], []).append(op["file"])
    return {"version": 1,
            "source": "Makini OpenAPI 3.0 files (API v3, legacy): "
                      + ", ".join(f"oas3_{f}.json" for f in FILES),
            "operations": operations,
            "entities": dict(sorted(entities.items())),
            "statuses": dict(sorted(statuses.items())),
            "schemas": dict(sorted(schemas.items()))}


def render(contract: dict) -> str:
    """One operation, entity or schema per line: a spec change reads as a small diff."""
    dump = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731 - the spec's own order
    lines = ["{", f' "version": {contract["version"]},', f' "source": {dump(contract["source"])},',
             ' "operations": [']
    ops = contract["operations"]
    lines += [f"  {dump(op)}" + ("," if i < len(ops) - 1 else "") for i, op in enumerate(ops)]
    lines.append(" ],")
    for section in ("entities", "statuses", "schemas"):
        items = list(contract[section].items())
        lines.append(f' "{section}": {{')
        lines += [f"  {dump(k)}: {dump(v)}" + ("," if i < len(items) - 1 else "")
                  for i, (k, v) in enumerate(items)]
        lines.append(" }" + ("," if section != "schemas" else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec_dir", nargs="?", type=Path, default=None,
                        help="folder with oas3_{system,erp,eam,wms}.json (default: "
                             "$MAKINI_OPENAPI_DIR or ../shared/makini-openapi)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed contract is stale")
    parser.add_argument("--output", type=Path, default=OUT,
                        help=f"default: {OUT.relative_to(REPO)}")
    args = parser.parse_args(argv)
    spec_dir = args.spec_dir or default_spec_dir()
    missing = [f for f in FILES if not (spec_dir / f"oas3_{f}.json").is_file()]
    if missing:
        print(f"error: no oas3_{missing[0]}.json in {spec_dir}", file=sys.stderr)
        return 2
    text = render(build(spec_dir))
    current = args.output.read_text(encoding="utf-8") if args.output.is_file() else None
    if args.check:
        if current != text:
            print(f"{args.output} is stale: run python scripts/gen_sandbox_contract.py",
                  file=sys.stderr)
            return 1
        return 0
    if current != text:
        tmp = args.output.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
