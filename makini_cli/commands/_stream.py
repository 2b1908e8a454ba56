"""Async pages, read by a synchronous writer: `po list --all` writes each order as it arrives
(NDJSON, CSV, a JSON array) instead of holding 50,000 of them before the first line.

The output module writes from plain iterators; the API layer is async. `batches` runs one event
loop by hand and hands the writer one page at a time, so memory holds a page or two whatever
the count, and a reader that stops early (`| head -1`) closes the pages and the client at once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any


def batches(c: Any, start: Callable[[Any], Awaitable[AsyncIterator[Any]]], **client_kw: Any) -> Iterator[Any]:
    """Each item of the async iterator that `start(client)` returns, in order. `start` may make
    calls first (lookups); the client is made, and closed, here."""
    import asyncio

    loop = asyncio.new_event_loop()
    client = stream = None

    async def begin() -> AsyncIterator[Any]:
        nonlocal client
        client = c.make_client(**client_kw)
        return await start(client)

    async def step() -> Any:
        return await stream.__anext__()

    try:
        stream = loop.run_until_complete(begin())
        while True:
            try:
                item = loop.run_until_complete(step())
            except StopAsyncIteration:
                return
            yield item
    finally:
        if stream is not None and hasattr(stream, "aclose"):
            loop.run_until_complete(stream.aclose())
        if client is not None:
            loop.run_until_complete(client.aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
