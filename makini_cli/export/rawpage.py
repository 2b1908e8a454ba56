"""A page body parsed once, keeping each record's exact JSON text beside the parsed record.

An export that writes records unchanged (NDJSON, one connection, lines included, no mapping)
then writes the server's own bytes: nothing is re-encoded, so the hot loop is one C-level
`raw_decode` per record, and every number keeps exactly the digits the server sent, even one
sent as a JSON number rather than a string. Records are still parsed (Decimal for fractions)
because the engine needs their keys for resume checks.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_decoder = json.JSONDecoder(parse_float=Decimal)
_scanstring = json.decoder.scanstring


class Page:
    __slots__ = ("body", "items", "raws")

    def __init__(self, body: dict, items: list, raws: list[str] | None) -> None:
        self.body, self.items, self.raws = body, items, raws


def _ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()


def _expect(text: str, i: int, char: str) -> None:
    if i >= len(text) or text[i] != char:
        raise ValueError(f"expected {char!r} at {i}")


def split(content: bytes) -> Page:
    """Parse a list page `{..., "data": [...], ...}`; raises ValueError if it is not one."""
    text = content.decode("utf-8")
    body: dict[str, Any] = {}
    items: list | None = None
    raws: list[str] | None = None
    i = _ws(text, 0)
    _expect(text, i, "{")
    i = _ws(text, i + 1)
    if text.startswith("}", i):
        raise ValueError("no data")
    while True:
        _expect(text, i, '"')
        key, i = _scanstring(text, i + 1)
        i = _ws(text, i)
        _expect(text, i, ":")
        i = _ws(text, i + 1)
        if key == "data" and text.startswith("[", i):
            items, raws = [], []
            i = _ws(text, i + 1)
            if text.startswith("]", i):
                i += 1
            else:
                while True:
                    obj, end = _decoder.raw_decode(text, i)
                    items.append(obj)
                    raws.append(text[i:end])
                    i = _ws(text, end)
                    if text.startswith(",", i):
                        i = _ws(text, i + 1)
                        continue
                    _expect(text, i, "]")
                    i += 1
                    break
            body[key] = items
        else:
            body[key], i = _decoder.raw_decode(text, i)
        i = _ws(text, i)
        if text.startswith(",", i):
            i = _ws(text, i + 1)
            continue
        _expect(text, i, "}")
        break
    if items is None or _ws(text, i + 1) != len(text):
        raise ValueError("not a list page")
    return Page(body, items, raws)
