"""Laravel pages as a stream of items, with the next page fetched while this one is consumed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from ..errors import ServerError

FetchPage = Callable[[int], Awaitable[Any]]


def last_page(body: dict[str, Any]) -> int | None:
    meta = body.get("meta")
    if isinstance(meta, dict):
        try:
            return int(meta.get("last_page"))
        except (TypeError, ValueError):
            return None
    return None


def has_next(body: dict[str, Any], page: int, count: int) -> bool:
    if count == 0:
        return False
    last = last_page(body)
    if last is not None:
        return page < last
    links = body.get("links")
    if isinstance(links, dict) and "next" in links:
        return bool(links.get("next"))
    return False


def items_of(body: Any, what: str) -> list[Any]:
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        return body["data"]
    raise ServerError(f"unexpected answer for {what}: expected a page with a `data` list")


async def pages(fetch: FetchPage, *, what: str = "list", start: int = 1,
                prefetch: bool = True) -> AsyncIterator[tuple[int, dict[str, Any], list[Any]]]:
    """Yield (page number, body, items) in order. With prefetch, page n+1 is requested as soon as
    page n arrives, so the network overlaps with whatever the caller does with page n."""
    page = start
    pending: asyncio.Task | None = None
    body = await fetch(page)
    try:
        while True:
            items = items_of(body, what)
            more = has_next(body, page, len(items))
            if more and prefetch:
                pending = asyncio.ensure_future(fetch(page + 1))
            yield page, body, items
            if not more:
                return
            body = await pending if pending is not None else await fetch(page + 1)
            pending = None
            page += 1
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            try:
                await pending
            except BaseException:  # noqa: BLE001 - the caller stopped early; the prefetch is moot
                pass


async def items(fetch: FetchPage, *, what: str = "list", limit: int | None = None,
                prefetch: bool = True) -> AsyncIterator[Any]:
    count = 0
    if limit is not None and limit <= 0:
        return
    # aclosing: stopping at `limit` must cancel the page prefetch now, while the client is open
    async with contextlib.aclosing(pages(fetch, what=what, prefetch=prefetch)) as stream:
        async for _page, _body, batch in stream:
            for item in batch:
                yield item
                count += 1
                if limit is not None and count >= limit:
                    return
