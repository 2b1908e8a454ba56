"""`makini po lines [KEY]`: one order's line items, or line items across orders."""

from __future__ import annotations

import typer

from .._common import check_domain, connection_option, ctx, domain_option, examples, require_connection
from .options import filter_option, match_option, sort_option

HELP = "List line items: one order's, or across orders with filters." + examples(
    "makini po lines 40000100000001",
    "makini po lines --filter 'code:startsWith=BRG' --all -o csv",
    "makini po lines 40000100000001 -o json --query '[].lineTotalValue'")


def list_lines(po_key: str = typer.Argument(None, metavar="KEY", help="An order's key."),
               connection: str = connection_option(), domain: str = domain_option(),
               filter: list[str] = filter_option(), match: str = match_option(),  # noqa: A002
               sort: list[str] = sort_option(),
               limit: int = typer.Option(50, "--limit", "-L", min=1, help="At most N line items."),
               all_: bool = typer.Option(False, "--all", help="Every matching line item.")) -> None:
    from ...api import purchase_orders as po
    from ...api import query
    from ...errors import UsageError
    from . import views

    c = ctx()
    check_domain(domain)
    conn = require_connection(connection)
    if po_key and (filter or sort or match):
        raise UsageError("--filter/--sort/--match apply to line items across orders, not to one order's KEY")
    params = query.build([query.parse_filter(f) for f in filter or []],
                         match=views.check_match(match), sort=views.parse_sorts(sort))

    async def work(client):
        if po_key:
            return await po.lines_of(client, conn, domain, po_key)
        return [li async for li in po.iterate_lines(client, conn, domain, params,
                                                    limit=None if all_ else limit,
                                                    per_page=500 if all_ else min(limit, 500))]

    items = c.run(work)
    out = c.output
    if out.format in ("table", "csv") and not out.query:
        out.emit([views.line_row(li) for li in items], columns=views.LINE_COLUMNS)
    else:
        out.emit(items)
