"""Pages of one source, in order, with the next ones already on their way.

Page n+1..n+depth are requested as soon as the server has told us they exist (`meta.last_page`),
so the network and the server work while the writer encodes and writes page n. Only pages the
server has announced are requested ahead, so nothing is fetched past the end; when a body has no
`meta`, we fall back to one page at a time following `links.next`.

Rows added while the export runs land at the end (insertion order): the newest body's
`last_page` is what decides whether to go on, so they are picked up until the final page is read.
Each page passes `pagination.PageGuard` before it is yielded, so a server that repeats pages or
announces pages without end stops the export (resumable) rather than writing the same orders
forever.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from ..errors import ServerError
from ..api.pagination import PageGuard, has_next, items_of, last_page
from .rawpage import Page, split

# page number -> the page: its raw bytes (preferred: see rawpage) or an HTTP response carrying
# them (`.content`; its request id names a bad page), a parsed body, or a Page
FetchPage = Callable[[int], Awaitable[Any]]


def to_page(result: Any, what: str) -> Page:
    if isinstance(result, Page):
        return result
    request_id = None
    if hasattr(result, "content") and hasattr(result, "headers"):  # an httpx.Response
        from ..api.http import request_id_of

        request_id, result = request_id_of(result), result.content
    if isinstance(result, (bytes, bytearray)):
        try:
            return split(bytes(result))
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python goes
            raise ServerError(f"the server sent a page that is not a JSON list page ({what})",
                              request_id=request_id) from None
    return Page(result, items_of(result, what), None)


async def ordered_pages(fetch: FetchPage, *, start: int = 1, depth: int = 2,
                        what: str = "list") -> AsyncIterator[tuple[int, Page]]:
    """Yield (page number, Page) from `start` on, in order, with up to `depth` pages in flight
    ahead of the one being consumed."""
    depth = max(1, depth)
    inflight: dict[int, asyncio.Future] = {}
    known_last: int | None = None
    page = start
    endpoint = getattr(fetch, "endpoint", None)
    guard = PageGuard(f"{endpoint} ({what})" if endpoint else what)

    def top_up() -> None:
        if known_last is None:
            return
        wanted = min(known_last, page + depth)
        for n in range(page + 1, wanted + 1):
            if n not in inflight:
                inflight[n] = asyncio.ensure_future(fetch(n))

    try:
        inflight[page] = asyncio.ensure_future(fetch(page))
        while True:
            got = to_page(await inflight.pop(page), what)
            body, items = got.body, got.items
            guard.check(page, body, items)
            last = last_page(body)
            if last is not None:
                known_last = last if known_last is None else max(known_last, last)
            # Any body's newer `last_page` counts: pages read out of order under prefetch may
            # announce rows appended after an earlier-read later page was fetched.
            more = has_next(body, page, len(items)) or (
                bool(items) and known_last is not None and page < known_last)
            if more:
                if known_last is None:
                    inflight[page + 1] = asyncio.ensure_future(fetch(page + 1))
                else:
                    top_up()
            yield page, got
            got = body = items = None  # let the page go before the next one is parsed
            if not more:
                return
            page += 1
            if page not in inflight:  # meta said no more earlier, links.next says yes now
                inflight[page] = asyncio.ensure_future(fetch(page))
            top_up()
    finally:
        for task in inflight.values():
            task.cancel()
        for task in inflight.values():
            try:
                await task
            except BaseException:  # noqa: BLE001 - stopped early; the prefetches are moot
                pass
