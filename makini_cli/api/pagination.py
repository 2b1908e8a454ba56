"""Laravel pages as a stream of items, with the next page fetched while this one is consumed.

A server's pages are claims to check, not promises: `PageGuard` stops a list whose pages do not
advance (a wrong `meta.current_page`, a page whose records are those of a page already read:
the same page again, or an A-B-A cycle) or whose `meta.total` is passed, so a server that ignores
`page` or announces an endless `last_page` ends the command with an error instead of looping.
A consumer that holds every item (a table, YAML, `--query`, a command that collects its list)
gets at most `max_items` of them; one that writes each item as it comes passes none.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from ..errors import PagingBroken, ServerError, TooManyRows

FetchPage = Callable[[int], Awaitable[Any]]

# Fingerprints of the pages read last (16 bytes each): a cycle up to this many pages long is
# caught; a longer one still ends at `meta.total`, or at the row bound of a collected view.
SEEN_PAGES = 4096


def last_page(body: dict[str, Any]) -> int | None:
    return _meta_int(body, "last_page")


def _meta_int(body: Any, key: str) -> int | None:
    meta = body.get("meta") if isinstance(body, dict) else None
    if isinstance(meta, dict):
        value = meta.get(key)
        if isinstance(value, bool):
            return None
        try:
            return int(value)
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


def fingerprint(items: list[Any]) -> bytes:
    """What identifies a page: its records' keys as a set (or, for records without a `key` or
    `id`, the records themselves), hashed."""
    keys = []
    for item in items:
        key = item.get("key", item.get("id")) if isinstance(item, dict) else None
        if key is None:
            return hashlib.blake2b(repr(items).encode("utf-8", "replace"), digest_size=16).digest()
        keys.append(str(key))
    keys.sort()
    return hashlib.blake2b("\x00".join(keys).encode("utf-8", "replace"), digest_size=16).digest()


class PageGuard:
    """Checks each page, in order, before its records are used."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.seen: OrderedDict[bytes, int] = OrderedDict()  # fingerprint -> page number
        self.count = 0
        self.total: int | None = None

    def check(self, page: int, body: Any, items: list[Any]) -> None:
        current = _meta_int(body, "current_page")
        if current is not None and current != page:
            raise PagingBroken(f"the server answered page {current} when asked for page {page} of "
                               f"{self.what}: it does not follow `page`")
        if not items:
            return
        mark = fingerprint(items)
        if mark in self.seen:
            first = self.seen[mark]
            raise PagingBroken(f"page {page} of {self.what} holds the same records as page {first}: "
                               "the pages do not advance")
        self.seen[mark] = page
        if len(self.seen) > SEEN_PAGES:
            self.seen.popitem(last=False)
        self.count += len(items)
        total = _meta_int(body, "total")
        if total is not None:
            # Each page is counted by the server at the time it is read, so the records read up
            # to page n never exceed the largest total claimed so far (rows added meanwhile
            # raise the total too).
            self.total = total if self.total is None else max(self.total, total)
        if self.total is not None and self.count > self.total:
            raise PagingBroken(f"{self.what} sent {self.count:,} records by page {page}, more than "
                               f"the {self.total:,} its `meta.total` claims: its pages do not add up")


async def pages(fetch: FetchPage, *, what: str = "list", start: int = 1,
                prefetch: bool = True) -> AsyncIterator[tuple[int, dict[str, Any], list[Any]]]:
    """Yield (page number, body, items) in order. With prefetch, page n+1 is requested as soon as
    page n arrives, so the network overlaps with whatever the caller does with page n."""
    page = start
    guard = PageGuard(what)
    pending: asyncio.Task | None = None
    body = await fetch(page)
    try:
        while True:
            items = items_of(body, what)
            guard.check(page, body, items)
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
                prefetch: bool = True, max_items: int | None = None,
                too_many_hint: str | None = None) -> AsyncIterator[Any]:
    """Every item of every page. `max_items`: the caller holds them all, so more than that many
    is an error (with `too_many_hint`: where to get them streamed)."""
    count = 0
    if limit is not None and limit <= 0:
        return
    # aclosing: stopping at `limit` must cancel the page prefetch now, while the client is open
    async with contextlib.aclosing(pages(fetch, what=what, prefetch=prefetch)) as stream:
        async for _page, _body, batch in stream:
            for item in batch:
                if max_items is not None and count >= max_items:
                    raise TooManyRows(f"{what} has more than {max_items:,} records, more than "
                                      "makini holds in memory to show at once",
                                      hint=too_many_hint)
                yield item
                count += 1
                if limit is not None and count >= limit:
                    return
