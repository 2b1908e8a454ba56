"""Checking many connections at once: a bounded pool of workers, each reading one connection's
own view of itself (`/api/integrations/current`, with its own token) and classifying it.

The admin list is read first (one paginated call): it names the connections, says which are
Inactive or Pending (no probe needed), which ids do not exist, and proves the application
credentials work, so an AuthFailed afterwards belongs to one connection, not to us.
No typer or rich here; the command renders the rows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from ..api import connections as api
from ..errors import AuthFailed, MakiniError
from . import deep as probing
from . import health

T = TypeVar("T")
R = TypeVar("R")


async def bounded(items: Sequence[T], work: Callable[[T], Awaitable[R]] | Sequence[Callable[[T], Awaitable[R]]],
                  concurrency: int, on_done: Callable[[int, R], None] | None = None) -> list[R]:
    """`work` over `items`, at most `concurrency` at a time, results in input order.

    A fixed pool of workers pulls from one iterator, so memory holds `concurrency` coroutines
    whatever the number of items (no task per item). `work` may be a list of functions (lanes):
    worker i then uses lane i % len(lanes)."""
    lanes = list(work) if isinstance(work, (list, tuple)) else [work]
    results: list[Any] = [None] * len(items)
    source = iter(enumerate(items))

    async def worker(lane: Callable[[T], Awaitable[R]]) -> None:
        for index, item in source:  # shared iterator: next() never awaits, so no two take one
            results[index] = await lane(item)
            if on_done is not None:
                on_done(index, results[index])

    count = max(1, min(concurrency, len(items)))
    tasks = [asyncio.ensure_future(worker(lanes[i % len(lanes)])) for i in range(count)]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        # One worker failed (refused credentials, Ctrl-C): stop the others and let them finish
        # cancelling, rather than leave requests half-open when the loop closes.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return results


def batch_tokens(client: Any) -> None:
    """Swap the client's token cache for a deferred view (file caches only): read once, write
    once when the client closes, instead of a whole-file rewrite per connection."""
    inner = client.auth.cache
    if hasattr(inner, "deferred"):
        deferred = inner.deferred()
        client.auth.cache = deferred
        client.after_close.insert(0, deferred.flush)


def _err(exc: MakiniError, operation: str | None) -> dict[str, Any]:
    return {k: v for k, v in {"operation": operation, "code": exc.code, "status": exc.status,
                              "message": exc.message, "request_id": exc.request_id}.items() if v is not None}


def row_for(cid: str, conn: Any, *, h: health.Health, integ: Any = None, error: MakiniError | None = None,
            operation: str | None = None, breaker: dict | None = None, started: float | None = None,
            probes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    from ..output import age_seconds
    from ..timeutil import format_rfc3339

    last = (integ.sync_updated_at if integ is not None else None) or (conn.last_sync if conn else None)
    age = age_seconds(last)
    now = time.time()
    row = {
        "id": cid, "name": (conn.name if conn else None) or (integ.company_name if integ else None),
        "system": (conn.integration_name if conn else None) or (integ.provider if integ else None),
        "status": conn.status if conn else None, "health": h.state,
        "sync_status": integ.sync_status if integ is not None else None,
        "last_sync": last, "age_seconds": None if age is None else int(age),
        "reason": h.reason, "hint": h.hint.replace(" ID`", f" {cid}`") if h.hint and cid else h.hint,
        "breaker": (breaker or {}).get("state", "closed"),
        "error": _err(error, operation) if error is not None else None,
        # when this connection was checked and how long its calls took (history, OpenMetrics)
        "checked_at": format_rfc3339(now, timespec="milliseconds"),
        "check_seconds": round(time.monotonic() - started, 3) if started is not None else 0.0,
    }
    if probes is not None:  # --deep: the entity types that failed
        row["failed_probes"] = probes
    return row


class Checker:
    """Checks connections with one client; built once per command run."""

    def __init__(self, client: Any, *, admin: dict[str, Any] | None, link: str | None,
                 stale_after: float | None = None, stuck_after: float | None = None,
                 deep: bool = False) -> None:
        from .breaker import Breaker

        self.client = client
        self.admin = admin  # id -> Connection from the admin list; None when we have no admin API
        self.link = link
        self.stale_after = stale_after
        self.stuck_after = stuck_after
        self.deep = deep
        self.breaker = Breaker()

    async def check(self, cid: str) -> dict[str, Any]:
        started = time.monotonic()
        conn = self.admin.get(cid) if self.admin is not None else None
        if self.admin is not None and conn is None:
            h = health.Health(health.ERROR, "no such connection in this application",
                              "check the id with `makini connections list`")
            return row_for(cid, None, h=h, started=started)
        verdict = health.from_admin_status(conn.status if conn else None, self.link)
        if verdict is not None:  # Inactive/Pending: Makini serves nothing, so nothing to ask
            return row_for(cid, conn, h=verdict, breaker=self.breaker.view(cid), started=started)
        integ = error = reach_error = None
        target = cid if self.admin is not None else None  # no admin API: the token's own connection
        try:
            integ = await api.current(self.client, target)
            if str(integ.sync_status or "").lower() == "error":
                try:
                    await api.reach(self.client, target)
                except AuthFailed:
                    raise
                except MakiniError as exc:
                    reach_error = exc
        except MakiniError as exc:
            if self.admin is None and isinstance(exc, AuthFailed):
                raise  # the only credentials we have were refused: exit 4, not a health state
            error = exc
        age = None
        if integ is not None:
            from ..output import age_seconds

            age = age_seconds(integ.sync_updated_at)
        h = health.classify(sync_status=integ.sync_status if integ else None, age_seconds=age,
                            error=error, reach_error=reach_error, link_url=self.link,
                            stale_after=self.stale_after, stuck_after=self.stuck_after)
        if self.admin is None and integ is not None and integ.id and cid and cid != integ.id:
            h = health.Health(health.ERROR, f"the configured token belongs to connection {integ.id}, not {cid}",
                              "log in with application credentials to check other connections")
        probes = None
        if self.deep and h.state in probing.PROBED:
            results = await probing.probe(self.client, target)
            h = probing.verdict(h, results)
            probes = probing.failures(results)
        operation = f"GET {api.CURRENT}" if error is not None else "GET /api/raw/tables"
        return row_for(cid or (integ.id if integ is not None else None) or "", conn, h=h, integ=integ,
                       error=error or reach_error, operation=operation, breaker=self.breaker.view(cid),
                       started=started, probes=probes)


async def admin_index(client: Any, ids: list[str] | None = None) -> dict[str, Any] | None:
    """id -> Connection from the admin list (all of it, or until `ids` are found); None without
    application credentials."""
    if not client.auth.has_app_credentials:
        return None
    if ids is not None:
        return await api.find_connections(client, ids)
    return {c.id: c for c in await api.list_connections(client)}


# Workers per HTTP client. httpcore's pool scans all of its connections (a syscall each) every
# time a request starts or ends, so one pool of 20 connections costs about twice the CPU per
# request of four pools of 5: at hundreds of connections that CPU, not the network, is the limit.
LANE_WIDTH = 5


async def check_all(client: Any, ids: Iterable[str] | None, *, concurrency: int, link_redirect: str | None,
                    client_id: str | None, stale_after: float | None = None,
                    stuck_after: float | None = None, deep: bool = False,
                    progress: Callable[[int], None] | None = None,
                    on_total: Callable[[int], None] | None = None,
                    make_client: Callable[[], Any] | None = None) -> tuple[list[dict[str, Any]], float]:
    """(rows in input order, seconds taken). `ids` None means every listed connection.
    `make_client` builds the extra clients (lanes) that spread many checks over several pools."""
    started = time.monotonic()
    batch_tokens(client)
    # The Makini Link URL (for needs_reauth/Pending hints) is fetched alongside the admin list.
    # return_exceptions: when the credentials are refused, both calls finish before the error goes
    # up, so no request is left half-open when the event loop closes.
    wanted = None if ids is None else list(dict.fromkeys(i for i in ids if i))
    admin, link = await asyncio.gather(
        admin_index(client, wanted), api.link_for(client, redirect=link_redirect, client_id=client_id),
        return_exceptions=True)
    for outcome in (admin, link):
        if isinstance(outcome, BaseException):
            raise outcome
    if ids is None:
        if admin is None:
            from ..errors import UsageError

            raise UsageError("--all needs the admin API (application credentials)",
                             hint="run `makini auth login --client-id ID`, or set MAKINI_CLIENT_ID/SECRET")
        ids = list(admin)
    ids = list(dict.fromkeys(ids))  # each connection once, first mention wins the position
    if on_total:
        on_total(len(ids))
    width = min(concurrency, len(ids))
    extra = [make_client() for _ in range(-(-width // LANE_WIDTH) - 1)] if make_client else []
    try:
        for lane in extra:
            batch_tokens(lane)
        checkers = [Checker(c, admin=admin, link=link, stale_after=stale_after, stuck_after=stuck_after, deep=deep)
                    for c in [client, *extra]]
        rows = await bounded(ids, [ch.check for ch in checkers], concurrency,
                             on_done=(lambda i, r: progress(1)) if progress else None)
    finally:
        for lane in extra:
            await lane.aclose()
    return rows, time.monotonic() - started


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Connections per state, every state named (zeros too), in STATES order."""
    out = dict.fromkeys(health.STATES, 0)
    for row in rows:
        out[row["health"]] = out.get(row["health"], 0) + 1
    return out


def summary(rows: list[dict[str, Any]], seconds: float | None) -> str:
    by_state = counts(rows)
    parts = [f"{n} {s}" for s, n in by_state.items() if n]
    noun = "connection" if len(rows) == 1 else "connections"
    took = f" ({seconds:.1f}s)" if seconds is not None else ""
    return f"{len(rows)} {noun}: {', '.join(parts) or 'none'}{took}"
