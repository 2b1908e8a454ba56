"""`makini po get KEY`: one order, as a detail view on a terminal."""

from __future__ import annotations

import typer

from .._common import check_domain, connection_option, ctx, domain_option, examples, require_connection

HELP = ("Show one purchase order: a detail view on a terminal, JSON otherwise."
        + examples("makini po get 40000100000001 --lines",
                   "makini po get 40000100000001 -o json | jq .totalGrossValue"))


def get_order(key: str = typer.Argument(..., help="The order's key (see `po list`)."),
              connection: str = connection_option(), domain: str = domain_option(),
              lines: bool = typer.Option(False, "--lines", help="Show the line items table.")) -> None:
    from ...api import purchase_orders as po
    from . import views

    c = ctx()
    check_domain(domain)
    conn = require_connection(connection)
    out = c.output
    detail = out.custom_view

    async def work(client):
        order = await po.get(client, conn, domain, key)
        names = await views.names(client, conn, domain) if detail else ({}, {})
        return order, names

    order, (vendors, statuses) = c.run(work)
    if detail:
        views.render_detail(out, order, vendor=vendors.get(str(order.get("vendorKey"))),
                            status=statuses.get(str(order.get("statusKey"))), show_lines=lines)
    else:
        out.emit(order)
