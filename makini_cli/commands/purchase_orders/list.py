"""`makini po list`: orders filtered and sorted on the server."""

from __future__ import annotations

import typer

from .._common import check_domain, connection_option, ctx, domain_option, examples, require_connection
from .options import (filter_option, mapping_option, match_option, since_option, sort_option,
                      status_option, until_option, updated_since_option, vendor_option)

HELP = "List purchase orders, filtered and sorted on the server." + examples(
    "makini po list -c 00000100433001",
    "makini po list --status approved --since 2025-01-01 --sort orderDate:desc",
    "makini po list --filter 'totalGrossValue:gt=10000' --all -o csv > big.csv",
    "makini po list --vendor SKF --match all -o json --query '[].orderNo'")


def list_orders(connection: str = connection_option(), domain: str = domain_option(),
                status: str = status_option(), vendor: str = vendor_option(), since: str = since_option(),
                until: str = until_option(), updated_since: str = updated_since_option(),
                filter: list[str] = filter_option(), match: str = match_option(),  # noqa: A002
                sort: list[str] = sort_option(),
                limit: int = typer.Option(30, "--limit", "-L", min=1, help="At most N orders."),
                all_: bool = typer.Option(False, "--all", help="Every matching order (large sets: `po export`)."),
                mapping: str = mapping_option(),
                ) -> None:
    from datetime import datetime, timezone

    from ...api import purchase_orders as po
    from ...output import Column
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

    async def work(client):
        filters = await views.connection_filters(client, conn, domain, base, status=status,
                                                 vendor=vendor)
        params = po.list_params(filters, match=match, sort=sorts)
        per_page = 500 if all_ else min(limit, 500)
        items = [o async for o in po.iterate(client, conn, domain, params,
                                             limit=None if all_ else limit, per_page=per_page)]
        return items, (await views.names(client, conn, domain) if readable else ({}, {}))

    items, (vendors, statuses) = c.run(work)
    if mapped is not None:  # issue 7
        out.emit([row for o in items for row in mapped.rows(o, conn)],
                 columns=[Column(name) for name in mapped.names])
    elif readable:
        rows = [views.list_row(o, vendors, statuses) for o in items]
        if out.columns:  # --columns may name any field of the order, besides the readable ones
            rows = [{**o, **row} for o, row in zip(items, rows)]
        out.emit(rows, columns=views.LIST_COLUMNS)
    else:
        out.emit(items)
