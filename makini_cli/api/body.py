"""Reading and decoding one answer's body, bounded: a cap on its size, a bound on its nesting.

A server can send anything. A body is read chunk by chunk (decoded, so a gzip bomb counts at its
inflated size) and given up as soon as it passes the cap, before it is all in memory. JSON is
parsed with every fraction as Decimal (money never passes through a float), and refused as
invalid when it nests deeper than `MAX_DEPTH`: Python's decoder stops only at the interpreter's
recursion limit, and everything that walks the data afterwards (rendering, models, --query)
recurses too, so without a bound much less deep than that limit a hostile body would crash a
view instead of being reported.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

MAX_DEPTH = 100  # Makini's records nest a handful of levels; nothing real comes near this
DEFAULT_MAX_RESPONSE_MB = 64.0
_CONTAINERS = (dict, list)


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH (or than Python's own decoder can go)."""


def too_deep(obj: Any, limit: int = MAX_DEPTH) -> bool:
    """True when `obj` nests more than `limit` containers deep (iterative: it cannot recurse)."""
    level = [obj] if isinstance(obj, _CONTAINERS) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[Any] = []
        for node in level:
            below.extend([v for v in (node.values() if type(node) is dict else node)
                          if isinstance(v, _CONTAINERS)])
        level = below
    return False


def loads(content: bytes | str) -> Any:
    """Parse JSON text from outside; ValueError when it is not JSON (TooDeep: nested too deep)."""
    try:
        data = json.loads(content, parse_float=Decimal)
    except RecursionError:
        raise TooDeep(f"JSON nested more than {MAX_DEPTH} levels deep") from None
    # Only a body with more containers than the bound can exceed it: most skip the walk.
    if isinstance(content, str):
        containers = content.count("[") + content.count("{")
    else:
        containers = content.count(b"[") + content.count(b"{")
    if containers > MAX_DEPTH and too_deep(data):
        raise TooDeep(f"JSON nested more than {MAX_DEPTH} levels deep")
    return data


def decode_json(response: Any) -> Any:
    """The JSON of an httpx response whose body has been read (None when it is empty)."""
    if not response.content:
        return None
    return loads(response.content)


def cap_bytes(max_response_mb: float | None) -> int | None:
    """The setting in MB as a byte count; None (no cap) for 0 or None."""
    if not max_response_mb:
        return None
    return max(1, int(max_response_mb * 1024 * 1024))


def size_text(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{limit:,} bytes"


async def read_capped(response: Any, limit: int | None, on_too_large) -> None:
    """Read a streamed httpx response's body into `response.content`, calling `on_too_large()`
    (which raises) as soon as the body is known to pass `limit` bytes."""
    if limit is not None:
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            on_too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if limit is not None and size > limit:
            on_too_large()
        chunks.append(chunk)
    # What httpx's own aread() does, with the bound checked on the way.
    response._content = b"".join(chunks)
