"""`po export`'s glue: which connections, which filters each gets, where the bytes go, and the
progress bar. The engine itself (makini_cli/export) knows nothing of Typer or Rich.

Imported only inside the `po export` command (export.py): it pulls in the export engine."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ...context import AppContext
from ...errors import MakiniError, UsageError
from ...export import FileSink, Plan, Source, StreamSink, check_target, describe, run
from .._common import require_connection

ALL = "all"


@dataclass
class Request:
    connections: list[str]
    domain: str
    format: str
    output: str | None
    lines: bool
    resume: bool
    per_page: int
    prefetch: int
    skip_failed: bool
    restart: bool = False
    slow_after: float = 10.0
    status: str | None = None
    vendor: str | None = None
    since: str | None = None
    until: str | None = None
    updated_since: str | None = None
    filters: list[str] = field(default_factory=list)
    match: str | None = None
    sorts: list[str] = field(default_factory=list)
    mapping: str | None = None  # --mapping FILE (issue 7): makini_cli/mappings/mapfile.py shapes the rows


def choose_format(fmt: str | None, global_output: str | None, warn=None) -> str:
    """The global `-o` is the format; `--format` is its deprecated spelling (both: they must agree)."""
    if fmt is not None and warn is not None:
        warn(f"--format is deprecated: use -o/--output {fmt} (the file is -O/--output-file)")
    if fmt is not None and global_output is not None and fmt != global_output:
        raise UsageError(f"-o {global_output} and --format {fmt} disagree",
                         hint="give the format once, with -o/--output")
    chosen = global_output or fmt or "ndjson"
    if chosen not in ("ndjson", "csv", "json"):
        raise UsageError(f"po export writes ndjson, csv or json, not {chosen}",
                         hint="choose with -o ndjson|csv|json, and the file with -O/--output-file FILE")
    return chosen


async def _targets(client, req: Request, saved: dict | None) -> list[str | None]:
    from ...api import purchase_orders as po

    if req.connections == [ALL]:
        if saved and saved.get("sources"):
            return list(saved["sources"])  # resume the same set, even if connections came since
        return [c["key"] for c in await po.connections(client)]
    if ALL in req.connections:
        raise UsageError("--connection all cannot be combined with connection ids")
    if len(req.connections) > 1:
        return list(dict.fromkeys(req.connections))
    return [require_connection(req.connections[0] if req.connections else None)]


async def _sources(client, req: Request, targets: list[str | None], now: datetime) -> list[Source]:
    import asyncio

    from ...api import purchase_orders as po
    from . import views

    base = views.base_filters(since=req.since, until=req.until, updated_since=req.updated_since,
                              filters=req.filters, now=now)
    sorts = views.parse_sorts(req.sorts)
    multi = len(targets) > 1 or req.connections == [ALL]

    # What the user asked for, not the keys it resolved to: a resumed export must match even
    # if a lookup failed the first time (the resume's page-anchor check catches real drift).
    asked = [req.domain, req.status, req.vendor, [f.param() for f in base], req.match, sorts,
             req.per_page]

    async def one(conn: str | None) -> Source:
        src = Source(id=conn or "default", label=conn if multi else None, fetch=None,
                     identity=asked)
        try:
            filters = await views.connection_filters(client, conn, req.domain, base,
                                                     status=req.status, vendor=req.vendor)
        except MakiniError as exc:
            if not (req.skip_failed and multi):
                raise
            src.fetch = _failing(exc)  # reported with the connection's other failures
            return src
        params = po.list_params(filters, match=req.match, sort=sorts)
        src.fetch = po.page_fetcher(client, conn, req.domain, params, per_page=req.per_page)
        return src

    return list(await asyncio.gather(*(one(c) for c in targets)))


def _failing(exc: MakiniError):
    async def fetch(page: int):
        raise exc
    return fetch


def export(c: AppContext, req: Request) -> None:
    if req.output is not None:
        check_target(req.output)  # `-O ""`, a folder, a missing folder: exit 2 before any request
    if (req.resume or req.restart) and not req.output:
        raise UsageError(f"{'--resume' if req.resume else '--restart'} needs -O/--output-file FILE",
                         hint="an export to stdout cannot be continued; write it to a file")
    if req.resume and req.restart:
        raise UsageError("--resume and --restart contradict each other",
                         hint="--resume continues the unfinished export, --restart discards it")
    unfinished = describe(req.output) if req.output else None
    if unfinished is not None and not (req.resume or req.restart):
        # Starting over would throw away what the interrupted run already fetched: ask.
        raise UsageError(f"{req.output} has an unfinished export ({unfinished['orders']:,} orders "
                         "so far, kept beside it)",
                         hint="add --resume to continue it, or --restart to discard it and start over")
    if c.opts.query:
        raise UsageError("--query does not apply to po export",
                         hint="filter with --filter/--status/--vendor, or pipe the NDJSON to jq")
    saved = describe(req.output) if (req.output and req.resume) else None
    # --- issue 7: --mapping FILE, loaded and checked before any request ---
    mapped = None
    if req.mapping:
        from ...mappings.mapfile import load_for

        mapped = load_for("purchase-orders", req.mapping, lines=req.lines, warn=c.output.warn)
    # Relative times (`--since 7d`) are anchored at the export's first start, so a resumed
    # export asks for exactly the same records.
    started = saved.get("started_at") if saved else None
    now = datetime.fromtimestamp(started, timezone.utc) if started else datetime.now(timezone.utc)
    out = c.output
    show_bar = out.stderr_tty and (req.output is not None or not out.stdout_tty)
    t0 = time.monotonic()
    sink = FileSink(req.output, resume=req.resume) if req.output else StreamSink(sys.stdout)
    from .progress import Bar, Quiet

    watch_kw = dict(labels=len(req.connections) > 1 or req.connections == [ALL], slow_after=req.slow_after)

    async def work(client):
        targets = await _targets(client, req, saved)
        if not targets:
            raise UsageError("no connections to export")
        plan = Plan(sources=await _sources(client, req, targets, now), format=req.format,
                    lines=req.lines, prefetch=req.prefetch, skip_failed=req.skip_failed,
                    started_at=now.timestamp(), csv_safe=out.csv_safe)
        if mapped is not None:  # issue 7: the mapping's transform, columns and checkpoint id
            from dataclasses import replace

            multi = any(s.label is not None for s in plan.sources)
            plan = replace(plan, **mapped.export_plan(targets[0], multi=multi))
        progress = Bar(**watch_kw) if show_bar else Quiet(say=out.note, warn=out.warn, **watch_kw)
        with progress:
            return await _watched(run(plan, sink, progress), progress)

    try:
        result = c.run(work)
    except KeyboardInterrupt:
        if req.output:
            _kept(c, req.output, "interrupted")
        raise
    except MakiniError as exc:
        from ...export import ResumeMismatch

        if req.output and describe(req.output) and not isinstance(exc, ResumeMismatch):
            done = describe(req.output) or {}
            exc.hint = (f"{done.get('orders', 0)} orders so far are kept; rerun the same command "
                        "with --resume to continue" + (f" ({exc.hint})" if exc.hint else ""))
        raise
    if req.resume and saved is None:
        out.info(f"nothing to resume for {req.output}: exported from the beginning")
    elif req.restart and unfinished is not None:
        out.note(f"discarded the unfinished export of {req.output} ({unfinished['orders']:,} orders) "
                 "and started over")
    took = time.monotonic() - t0
    what = f"{result.orders:,} orders" + (f" ({result.rows:,} rows)" if req.format == "csv" else "")
    if result.resumed_from:
        what += f", {result.resumed_from:,} of them from the interrupted run"
    if result.failed:  # each was reported when it was skipped; the last line counts them
        n = len(result.failed)
        what += f"; {n} connection{'s' if n != 1 else ''} skipped ({', '.join(result.failed)})"
    if req.output:
        out.note(f"exported {what} to {req.output} in {took:.1f}s")
    else:
        out.info(f"exported {what} in {took:.1f}s")


async def _watched(work, watch):
    """Run the export, looking every second for a connection that has gone quiet."""
    import asyncio

    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=1.0)
            if done:
                return task.result()
            watch.check_slow()
    finally:
        if not task.done():  # interrupted: the export's own cleanup runs on cancellation
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def _kept(c: AppContext, output: str, why: str) -> None:
    done = describe(output)
    if done is not None:
        c.output.note(f"export {why}: {done['orders']:,} orders are kept in a partial file; "
                      "rerun the same command with --resume to continue")
