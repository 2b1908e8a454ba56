#!/usr/bin/env python3
"""Generate the unified-model catalog (makini_cli/data/unified_model.json) from Makini's OpenAPI files.

    python scripts/gen_model_catalog.py [SPEC_DIR] [--check]

SPEC_DIR defaults to $MAKINI_OPENAPI_DIR, else ../shared/makini-openapi beside the repo (the
spec is never copied into the repo). `--check` writes nothing and exits 1 if the committed
catalog differs from what the spec gives (tests/mappings/test_catalog.py runs the same check).

The catalog is ours, derived and small: for each entity (the list endpoint's URL segment, e.g.
`purchase-orders`) its schema, domains, a description (the list operation's) and `body_only`:
fields its create/update request bodies name that its response schema lacks (PurchaseOrder's
`createdAt`, `code`, `totalTaxValue`) -- part of Makini's vocabulary, so they are not reported as
custom fields when a system serves them. For each schema reachable from an entity, its fields as
[name, type, description] or [name, type, description, nested schema]. Types are what is
served, not the spec's literal words, because the spec has known quirks: timestamps are typed
"object" (orderDate), and untyped "object" fields hold strings in every example. Descriptions
in the spec are the placeholder "Description" everywhere, so a short one is derived from the
field's name (a real description in a future spec wins).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "makini_cli" / "data" / "unified_model.json"
DOMAINS = ("erp", "eam", "wms")
PLACEHOLDER = "Description"
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
LIST_PATH = re.compile(r"^/api/(erp|eam|wms)/([A-Za-z0-9.\-]+)$")
STATUS_PATH = re.compile(r"^/api/(erp|eam|wms)/statuses/[A-Za-z0-9.\-]+$")
# Words the spec abbreviates in field names, spelled out in derived descriptions.
WORDS = {"no": "number", "uom": "unit of measure", "pm": "preventive maintenance", "qty": "quantity",
         "lat": "latitude", "lng": "longitude", "ref": "reference", "bom": "bill of materials"}


def default_spec_dir() -> Path:
    env = os.environ.get("MAKINI_OPENAPI_DIR")
    return Path(env) if env else REPO.parent / "shared" / "makini-openapi"


def _words(name: str) -> str:
    parts = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
    return " ".join(WORDS.get(p.lower(), p.lower()) for p in parts)


def describe(name: str, kind: str, nested: str | None) -> str:
    """A one-line description from the field's name (the spec only has placeholders)."""
    if name == "key":
        return "Unique key of the record in Makini"
    if nested and kind == "array":
        return f"{_words(name).capitalize()}: a list of {nested} objects"
    if nested:
        return f"{_words(name).capitalize()} ({nested} object)"
    if name.endswith("Keys") and len(name) > 4:
        return f"Keys of the related {_words(name[:-4])} records"
    if name.endswith("Key") and len(name) > 3:
        return f"Key of the related {_words(name[:-3])}"
    if kind == "datetime" and name.endswith("At"):
        return f"{_words(name[:-2]).capitalize()} at (ISO 8601, UTC)"
    if kind == "boolean" and name.startswith("is") and name[2:3].isupper():
        return f"Whether {_words(name[2:])}"
    text = _words(name).capitalize()
    return text + " (ISO 8601, UTC)" if kind == "datetime" else text


def field_type(prop: dict, example) -> tuple[str, str | None]:
    """(served type, nested schema name or None) for one schema property."""
    ref = prop.get("$ref")
    if ref:
        return "object", ref.rsplit("/", 1)[-1]
    kind = prop.get("type") or "string"
    if kind == "array":
        item_ref = (prop.get("items") or {}).get("$ref")
        return "array", item_ref.rsplit("/", 1)[-1] if item_ref else None
    if isinstance(example, str) and ISO_TIME.match(example):
        return "datetime", None
    if kind == "object":
        return "string", None  # spec quirk: untyped "object" fields hold strings in its examples
    return kind, None


def schema_fields(schema: dict) -> list[list[str]]:
    example = schema.get("example") if isinstance(schema.get("example"), dict) else {}
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        kind, nested = field_type(prop, example.get(name))
        desc = prop.get("description")
        if not desc or desc.strip() == PLACEHOLDER:
            desc = describe(name, kind, nested)
        fields.append([name, kind, desc.strip()] + ([nested] if nested else []))
    return fields


def body_fields(op: dict) -> dict:
    body = (((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
    return (body or {}).get("properties") or {}


def body_type(prop: dict, example) -> str:
    """Request bodies type fields in Laravel rule words ("nullable|date", "numeric|required")."""
    words = set(str(prop.get("type") or "string").split("|"))
    if "date" in words or (isinstance(example, str) and ISO_TIME.match(example)):
        return "datetime"
    if words & {"numeric", "integer"}:
        return "number"
    if words & {"array", "boolean"}:
        return (words & {"array", "boolean"}).pop()
    return "string"


def op_description(op: dict) -> str:
    """The first sentence of the list operation's prose (the rest is filter/sort help and
    long Markdown sections that belong in the docs, not in a one-line catalog entry)."""
    text = re.split(r"<details>|###|---", op.get("description") or "")[0]
    text = " ".join(text.split())
    sentence = re.match(r"(.+?[.!?])(\s|$)", text)
    return (sentence.group(1) if sentence else text).strip()


def _list_item_schema(op: dict) -> str | None:
    schema = (((op.get("responses") or {}).get("200") or {}).get("content") or {}).get(
        "application/json", {}).get("schema") or {}
    ref = (((schema.get("properties") or {}).get("data") or {}).get("items") or {}).get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def build(spec_dir: Path) -> dict:
    entities: dict[str, dict] = {}
    schemas: dict[str, dict] = {}
    files = []
    for domain in DOMAINS:
        path = spec_dir / f"oas3_{domain}.json"
        files.append(path.name)
        doc = json.loads(path.read_text(encoding="utf-8"))
        for name, schema in (doc.get("components") or {}).get("schemas", {}).items():
            if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
                schemas.setdefault(name, schema)  # same-named schemas are identical across files
        for url, ops in sorted(doc.get("paths", {}).items()):
            item = _list_item_schema((ops or {}).get("get") or {})
            if not item:
                continue
            m = LIST_PATH.match(url)
            if m:
                entry = entities.setdefault(m.group(2), {"schema": item, "domains": []})
                desc = op_description(ops["get"])
                if desc and "description" not in entry:
                    entry["description"] = desc
                for write in (ops.get("post"), doc["paths"].get(url + "/{key}", {}).get("put")):
                    extra = entry.setdefault("_body", {})
                    example = (((write or {}).get("requestBody") or {}).get("content") or {}).get(
                        "application/json", {}).get("schema", {}).get("example") or {}
                    for name, prop in body_fields(write or {}).items():
                        extra.setdefault(name, body_type(prop, example.get(name)))
            elif STATUS_PATH.match(url):
                # Statuses are listed per entity type (/api/erp/statuses/purchase-orders).
                entry = entities.setdefault("statuses", {"schema": item, "domains": [],
                                                         "path": "/api/{domain}/statuses/{entity}"})
            else:
                continue
            if domain not in entry["domains"]:
                entry["domains"].append(domain)
    for entry in entities.values():
        known = set((schemas.get(entry["schema"]) or {}).get("properties") or {})
        body = entry.pop("_body", {})
        extra = [[n, t, describe(n, t, None)] for n, t in body.items() if n not in known]
        if extra:
            entry["body_only"] = extra
    catalog_schemas: dict[str, list] = {}
    todo = sorted({e["schema"] for e in entities.values()})
    while todo:  # every schema reachable from an entity, nested ones included
        name = todo.pop()
        if name in catalog_schemas or name not in schemas:
            continue
        catalog_schemas[name] = schema_fields(schemas[name])
        todo.extend(f[3] for f in catalog_schemas[name] if len(f) > 3)
    return {"version": 1,
            "source": "Makini OpenAPI 3.0 files (API v3, legacy): " + ", ".join(files),
            "entities": dict(sorted(entities.items())),
            "schemas": dict(sorted(catalog_schemas.items()))}


def render(catalog: dict) -> str:
    """JSON with one field per line: small, and a spec change reads as a one-line diff."""
    dump = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
    lines = ["{", f' "version": {catalog["version"]},', f' "source": {dump(catalog["source"])},',
             ' "entities": {']
    ents = list(catalog["entities"].items())
    for i, (name, entry) in enumerate(ents):
        lines.append(f"  {dump(name)}: {dump(entry)}" + ("," if i < len(ents) - 1 else ""))
    lines += [" },", ' "schemas": {']
    items = list(catalog["schemas"].items())
    for i, (name, fields) in enumerate(items):
        lines.append(f"  {dump(name)}: [")
        lines += [f"   {dump(f)}" + ("," if j < len(fields) - 1 else "") for j, f in enumerate(fields)]
        lines.append("  ]" + ("," if i < len(items) - 1 else ""))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec_dir", nargs="?", type=Path, default=None,
                        help="folder with oas3_{erp,eam,wms}.json (default: $MAKINI_OPENAPI_DIR "
                             "or ../shared/makini-openapi)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed catalog is stale")
    parser.add_argument("--output", type=Path, default=OUT, help=f"default: {OUT.relative_to(REPO)}")
    args = parser.parse_args(argv)
    spec_dir = args.spec_dir or default_spec_dir()
    if not (spec_dir / "oas3_erp.json").is_file():
        print(f"error: no OpenAPI files in {spec_dir}", file=sys.stderr)
        return 2
    text = render(build(spec_dir))
    current = args.output.read_text(encoding="utf-8") if args.output.is_file() else None
    if args.check:
        if current != text:
            print(f"{args.output} is stale: run python scripts/gen_model_catalog.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.output.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
