"""The export loop: pages come in order with prefetch (one source is read inline; several get
a producer task each, feeding one bounded queue), one writer encodes and writes them and
records a checkpoint after each page.

Checkpoint state, per source: `page` (the last page written), `done` (how many of its items were
on it), `last_key` (the key of its last item) and `finished`. Resuming re-reads that page, checks
that its item number `done` still has `last_key` (so nothing shifted underneath), skips those
items and goes on: a full page yields nothing new, a short last page yields the rows appended
since. The default order is insertion order, so rows added meanwhile land at the end and are
exported exactly once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import MakiniError
from . import formats
from .fetch import FetchPage, ordered_pages
from .rawpage import Page


class ResumeMismatch(MakiniError):
    code = "resume_mismatch"
    default_hint = ("the records before the checkpoint changed order (a sort on a field that "
                    "changes, or deleted rows): rerun with --restart (instead of --resume) to start over")


@dataclass
class Source:
    id: str                      # stable name in the checkpoint (the connection id)
    fetch: FetchPage             # page number -> the page's bytes (or parsed body)
    label: str | None = None     # value of the `connection` column/field; None: no such column
    identity: Any = None         # what determines the pages (path, params, per_page)


@dataclass
class Plan:
    sources: list[Source]
    format: str = "ndjson"
    lines: bool = True
    prefetch: int = 2
    transform: formats.Transform | None = None  # the hook for mapping files (issue 7)
    transform_id: str | None = None             # identifies the transform in the checkpoint
    columns: list[str] | None = None            # CSV columns of transformed rows
    skip_failed: bool = False
    started_at: float | None = None  # kept in the checkpoint (anchors relative time filters)
    csv_safe: bool = False           # --csv-safe: formula-like CSV cells neutralised


class Progress:
    """What the engine reports; the CLI draws it (the engine knows nothing of Rich)."""

    def add_total(self, n: int) -> None: ...
    def advance(self, n: int) -> None: ...
    # per source, so a view can name the slow or skipped connection as it happens
    def source_start(self, source: str) -> None: ...
    def source_page(self, source: str, n: int) -> None: ...
    def source_done(self, source: str) -> None: ...
    def source_failed(self, source: str, exc: MakiniError) -> None: ...


@dataclass
class Result:
    orders: int = 0
    rows: int = 0
    bytes: int = 0
    resumed_from: int = 0
    failed: dict[str, MakiniError] = field(default_factory=dict)


def fingerprint(plan: Plan) -> str:
    doc = {"format": plan.format, "lines": plan.lines, "transform": plan.transform_id,
           "columns": plan.columns,
           "sources": [[s.id, s.label, s.identity] for s in plan.sources]}
    if plan.csv_safe:  # a resumed export goes on the way it began (absent: as before the option)
        doc["csv_safe"] = True
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _fresh_state(plan: Plan) -> dict:
    return {"orders": 0, "rows": 0, "wrote_any": False, "header": False,
            "columns": plan.columns, "started_at": plan.started_at,
            "sources": {s.id: {"page": 0, "done": 0, "last_key": None, "finished": False}
                        for s in plan.sources}}


def _row_builder(plan: Plan, label: str | None, state: dict) -> Callable[[Page, int], list]:
    """(page, items to skip) -> rows for the encoder. Records written unchanged go out as the
    server's own JSON text (see rawpage); the rest are re-encoded from the parsed records."""
    lines, fmt, transform = plan.lines, plan.format, plan.transform

    def shaped(o: Any) -> Any:
        if not isinstance(o, dict):
            return formats.Raw(formats.encode(o))  # (a record that is not an object)
        if not lines and "lineItems" in o:
            o = {k: v for k, v in o.items() if k != "lineItems"}
        if label is not None:
            o = {"connection": label, **o}
        return o

    if transform is not None:
        def mapped(page: Page, drop: int) -> list:
            out: list = []
            for o in page.items[drop:]:
                r = transform(shaped(o))
                if r is None:
                    continue
                out.extend(r if isinstance(r, list) else [r])
            if fmt != "csv":
                return out
            if state["columns"] is None and out:
                state["columns"] = list(out[0].keys())
            return formats.mapped_csv_rows(out, state["columns"] or [])
        return mapped
    if fmt == "csv":
        return lambda page, drop: [row for o in page.items[drop:] if isinstance(o, dict)
                                   for row in formats.csv_order_rows(o, label, lines)]
    if not lines:
        return lambda page, drop: [shaped(o) for o in page.items[drop:]]
    prefix = None if label is None else '{"connection":' + formats.encode(label) + ","

    def passthrough(page: Page, drop: int) -> list:
        raws, items = page.raws, page.items
        if raws is None or (fmt == "ndjson" and _multiline(raws)):
            return [shaped(o) for o in items[drop:]]
        if prefix is None:
            return raws[drop:] if drop else raws
        # the connection spliced in front of the record's own text, unless it has one already
        return [formats.Raw(prefix + r[1:]) if isinstance(o, dict) and o and "connection" not in o
                else shaped(o) for o, r in zip(items[drop:], raws[drop:])]
    return passthrough


def _multiline(raws: list[str]) -> bool:
    """A pretty-printing server puts newlines between tokens: NDJSON needs them gone."""
    return any("\n" in r or "\r" in r for r in raws)


def _encoder(plan: Plan, state: dict) -> formats.Encoder:
    if plan.format == "json":
        return formats.JsonEncoder()
    if plan.format == "ndjson":
        return formats.NdjsonEncoder()
    return formats.CsvEncoder(state["columns"] or [], safe=plan.csv_safe and plan.format == "csv")


def _columns(plan: Plan) -> list[str] | None:
    if plan.format != "csv":
        return None
    if plan.transform is not None:
        return plan.columns  # None: taken from the first mapped row
    multi = any(s.label is not None for s in plan.sources)
    return formats.order_columns(multi) + (formats.line_columns() if plan.lines else [])


async def _pages(src: Source, st: dict, plan: Plan) -> AsyncIterator[tuple[int, Page, int]]:
    """(page number, page, items already written) from where the checkpoint left off."""
    start = max(1, st["page"])
    skip = st["done"] if st["page"] else 0
    async for number, page in ordered_pages(src.fetch, start=start, depth=plan.prefetch,
                                            what=src.id):
        drop = 0
        if number == start and skip:
            items = page.items
            anchor = items[skip - 1] if len(items) >= skip else None
            key = anchor.get("key") if isinstance(anchor, dict) else None
            if anchor is None or (st["last_key"] is not None and key != st["last_key"]):
                raise ResumeMismatch(f"cannot resume {src.id}: page {number} no longer starts "
                                     f"with the {skip} records already written")
            drop = skip
        yield number, page, drop
        del page  # (one parsed page alive at a time: memory does not depend on the count)


async def _produce(src: Source, st: dict, plan: Plan, queue: asyncio.Queue) -> None:
    try:
        async for number, page, drop in _pages(src, st, plan):
            await queue.put(("page", src, number, page, drop))
            del page
        await queue.put(("done", src, None, None, 0))
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - handed to the writer, which decides
        await queue.put(("error", src, exc, None, 0))


async def run(plan: Plan, sink: Any, progress: Progress | None = None) -> Result:
    """Export every source's records through `sink`; returns counts. On any error or
    cancellation the sink is closed without finishing (a file export stays resumable)."""
    progress = progress or Progress()
    if plan.format not in formats.FORMATS:
        raise ValueError(f"unknown export format {plan.format!r}")
    saved = sink.open(fingerprint(plan))
    state = saved if saved is not None else _fresh_state(plan)
    if state["columns"] is None:
        state["columns"] = _columns(plan)
    result = Result(resumed_from=state["orders"])
    encoder = _encoder(plan, state)
    builders = {s.id: _row_builder(plan, s.label, state) for s in plan.sources}
    todo = [s for s in plan.sources if not state["sources"][s.id]["finished"]]
    tasks: list[asyncio.Future] = []
    counted: set[str] = set()

    def header() -> None:
        # CSV of mapped rows without explicit columns waits for the first row to name them.
        if state["header"] or (plan.format == "csv" and state["columns"] is None):
            return
        if isinstance(encoder, formats.CsvEncoder):
            encoder.columns = state["columns"]
        sink.write(encoder.header())
        state["header"] = True

    def write(src: Source, number: int, page: Page, drop: int) -> None:
        st, items = state["sources"][src.id], page.items
        if src.id not in counted:
            counted.add(src.id)
            meta = page.body.get("meta")
            total = meta.get("total") if isinstance(meta, dict) else None
            if isinstance(total, int):
                progress.add_total(total)
        rows = builders[src.id](page, drop)
        header()
        text, count = encoder.page(rows, not state["wrote_any"])
        sink.write(text)
        new = len(items) - drop
        state["wrote_any"] = state["wrote_any"] or count > 0
        state["orders"] += new
        state["rows"] += count
        st["page"], st["done"] = number, len(items)
        if items and isinstance(items[-1], dict):
            st["last_key"] = items[-1].get("key")
        sink.commit(state)
        progress.advance(new)
        progress.source_page(src.id, new)

    def done(src: Source) -> None:
        state["sources"][src.id]["finished"] = True
        sink.commit(state)
        progress.source_done(src.id)

    try:
        if state["orders"]:
            progress.advance(state["orders"])
        for src in todo:
            progress.source_start(src.id)
        header()
        sink.commit(state)
        if len(todo) == 1:  # one source: no queue, no task, the fewest pages in memory
            src = todo[0]
            async for number, page, drop in _pages(src, state["sources"][src.id], plan):
                write(src, number, page, drop)
                del page
            done(src)
        elif todo:
            queue: asyncio.Queue = asyncio.Queue(maxsize=len(todo))
            tasks = [asyncio.ensure_future(_produce(s, state["sources"][s.id], plan, queue))
                     for s in todo]
            for _ in range(len(tasks)):
                while True:
                    kind, src, number, page, drop = await queue.get()
                    if kind == "page":
                        write(src, number, page, drop)
                        del page
                        continue
                    if kind == "done":
                        done(src)
                    elif not plan.skip_failed or not isinstance(number, MakiniError):
                        raise number
                    else:
                        number.connection = number.connection or src.label
                        result.failed[src.id] = number
                        progress.source_failed(src.id, number)
                    break
        if state["header"]:
            sink.write(encoder.footer(state["wrote_any"]))
        sink.finish()
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        sink.close()
        raise
    result.orders, result.rows, result.bytes = state["orders"], state["rows"], sink.bytes
    return result
