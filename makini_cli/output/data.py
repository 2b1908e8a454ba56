"""Machine formats: plain JSON types, JSON and NDJSON text, YAML that reads back as it was
written, and column names for what a `--query` selects."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from .untrusted import escape_json


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


def dumps_json(data: Any, *, indent: int | None = 2) -> str:
    return escape_json(json.dumps(jsonable(data), indent=indent, ensure_ascii=False,
                                  separators=None if indent else (",", ":")))


def json_line(item: Any) -> str:
    """One compact JSON document on one line (NDJSON), from plain JSON types."""
    return escape_json(json.dumps(item, ensure_ascii=False, separators=(",", ":"))) + "\n"


# --- YAML -----------------------------------------------------------------------------------------
# Strings other YAML readers would take for something else: numbers in YAML 1.2 and 1.1 (an id
# like 00000297333035 is an integer to a YAML 1.2 reader, and loses its zeros), booleans and
# nulls of either version. PyYAML quotes only what its own (1.1) resolver would misread.
_NOT_A_STRING = re.compile(r"""
    [-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?   # 12, 007, 1_000, 1.5, .5, 1e3
  | [-+]?0[xXoObB][0-9a-fA-F_]+                                          # 0x1F, 0o17, 0b101
  | [-+]?\.?(?:inf|Inf|INF|nan|NaN|NAN)
  | [0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?                           # sexagesimal 1:30
  | ~|null|Null|NULL|true|True|TRUE|false|False|FALSE
  | y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF
""", re.X)


def yaml_dump(data: Any) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str):
        if _NOT_A_STRING.fullmatch(value):
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
        return dumper.represent_str(value)

    Dumper.add_representer(str, represent_str)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False)


# --- names for what a query selects ---------------------------------------------------------------
def query_names(parsed: dict | None, width: int) -> list[str]:
    """Column names for rows of `width` values that a JMESPath expression made: the field names
    of a final multi-select list (`[].[id, name]` -> id, name) or of a final field
    (`[].id` -> id); else value1, value2, ... (or `value` for one)."""
    names: list[str] = []
    node = parsed
    while isinstance(node, dict) and node.get("type") in ("projection", "pipe", "filter_projection"):
        node = node["children"][1]  # the right-hand side: what each row becomes
    if isinstance(node, dict):
        items = node["children"] if node.get("type") == "multi_select_list" else [node]
        for item in items:
            while isinstance(item, dict) and item.get("type") in ("subexpression", "index_expression"):
                # a.b.c is named c; tags[0] is named tags
                item = item["children"][-1 if item["type"] == "subexpression" else 0]
            if isinstance(item, dict) and item.get("type") == "field":
                names.append(str(item["value"]))
            else:
                names = []
                break
    if len(names) == width and len(set(names)) == width:
        return names
    return ["value"] if width == 1 else [f"value{i}" for i in range(1, width + 1)]
