"""`makini po list`: orders filtered and sorted on the server."""

from __future__ import annotations

import typer

from .._common import check_domain, connection_option, ctx, domain_option, examples, require_connection
from .._stream import batches, primed
from .options import (filter_option, mapping_option, match_option, since_option, sort_option,
                      status_option, until_option, updated_since_option, vendor_option)

HELP = ("List purchase orders, filtered and sorted on the server. With --all, every matching "
        "order, written as it arrives for ndjson, csv and json (memory stays flat, a progress bar "
        "on a terminal's stderr); a table or yaml is drawn once complete." + examples(
    "makini po list -c 00000100433001",
    "makini po list --status approved --since 2025-01-01 --sort orderDate:desc",
    "makini po list --filter 'totalGrossValue:gt=10000' --all -o csv > big.csv",
    "makini po list --vendor SKF --match all -o json --query '[].orderNo'"))


def list_orders(connection: str = connection_option(), domain: str = domain_option(),
                status: str = status_option(), vendor: str = vendor_option(), since: str = since_option(),
                until: str = until_option(), updated_since: str = updated_since_option(),
                filter: list[str] = filter_option(), match: str = match_option(),  # noqa: A002
                sort: list[str] = sort_option(),
                limit: int = typer.Option(30, "--limit", "-L", min=1, help="At most N orders."),
                all_: bool = typer.Option(False, "--all", help="Every matching order, written as it arrives."),
                mapping: str = mapping_option(),
                ) -> None:
    from datetime import datetime, timezone

    from ...api import purchase_orders as po
    from ...output import Column, bounded_list
    from . import views

    c = ctx()
    check_domain(domain)
    conn = require_connection(connection)
    base = views.base_filters(since=since, until=until, updated_since=updated_since,
                              filters=filter, now=datetime.now(timezone.utc))
    sorts = views.parse_sorts(sort)
    views.check_match(match)
    out = c.output
    # --- issue 7: --mapping FILE decides the columns (makini_cli/mappings/mapfile.py) ---
    mapped = None
    if mapping:
        from ...mappings.mapfile import load_for  # only with --mapping: it costs start-up time

        mapped = load_for("purchase-orders", mapping, warn=out.warn)
    readable = out.format in ("table", "csv") and not out.query and mapped is None
    names: tuple[dict, dict] = ({}, {})
    # A bar on a terminal's stderr: while orders stream to a pipe or file, or while a table
    # (drawn only once complete) is being collected.
    collects = out.format in ("table", "yaml") or bool(out.query)
    bar = None
    if all_ and out.stderr_tty and (collects or not out.stdout_tty):
        from .progress import Bar

        bar = Bar("listing", labels=False)

    async def start(client):
        nonlocal names
        filters = await views.connection_filters(client, conn, domain, base, status=status,
                                                 vendor=vendor)
        params = po.list_params(filters, match=match, sort=sorts)
        if readable:
            names = await views.names(client, conn, domain)
        return _pages(po, client, conn, domain, params, None if all_ else limit, bar)

    def rows():
        for page in batches(c, start):
            vendors, statuses = names  # looked up by `start`, before the first page
            for order in page:
                if mapped is not None:  # issue 7
                    yield from mapped.rows(order, conn)
                elif readable and out.columns:  # --columns may name any field of the order too
                    yield {**order, **views.list_row(order, vendors, statuses)}
                elif readable:
                    yield views.list_row(order, vendors, statuses)
                else:
                    yield order

    columns = ([Column(name) for name in mapped.names] if mapped is not None
               else views.LIST_COLUMNS if readable else None)
    if bar is not None and collects:
        with bar:
            collected = bounded_list(rows())
        out.emit(collected, columns=columns)
    elif bar is not None:
        with bar:
            out.emit_stream(primed(rows()), columns=columns)
    else:
        out.emit_stream(primed(rows()), columns=columns)


async def _pages(po, client, conn, domain, params, limit, bar):
    """The orders page by page (at most `limit`), the next page in flight; counts for the bar."""
    per_page = 500 if limit is None else min(limit, 500)
    left = limit
    stream = po.iterate_pages(client, conn, domain, params, per_page=per_page)
    try:
        async for number, body, items in stream:
            if bar is not None and number == 1:
                meta = body.get("meta") if isinstance(body, dict) else None
                total = meta.get("total") if isinstance(meta, dict) else None
                if isinstance(total, int):
                    bar.add_total(total)
            if left is not None:
                items = items[:left]
                left -= len(items)
            if bar is not None:
                bar.advance(len(items))
            yield items
            if left is not None and left <= 0:
                return
    finally:
        await stream.aclose()
