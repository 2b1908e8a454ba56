"""Purchase orders: list, get, line items, statuses, create, update, status changes, export."""

from __future__ import annotations

import typer

from ._common import check_domain, connection_option, ctx, domain_option, examples

app = typer.Typer(help="Purchase orders: list, inspect, create, update and export.",
                  no_args_is_help=True)

FILTER_HELP = "field=value or field:op=value (op: contains, startsWith, gt, gteq, lt, lteq). Repeatable."


def _status_opt():
    return typer.Option(None, "--status", help="Status key, code, subCode or name (see `po statuses`).")


def _vendor_opt():
    return typer.Option(None, "--vendor", help="Vendor key, code or name.")


def _since_opt():
    return typer.Option(None, "--since", help="Ordered on/after: 2025-01-31, an ISO time, or 7d back.")


def _until_opt():
    return typer.Option(None, "--until", help="Ordered on/before (a date includes that whole day).")


def _updated_opt():
    return typer.Option(None, "--updated-since", help="Updated on/after (date, ISO time or 12h back).")


def _filter_opt():
    return typer.Option(None, "--filter", "-f", help=FILTER_HELP)


def _match_opt():
    return typer.Option(None, "--match", help="all (default) or any: how the filters combine.")


def _sort_opt():
    return typer.Option(None, "--sort", help="field, field:asc or field:desc. Repeatable.")


@app.command("list", help="List purchase orders, filtered and sorted on the server." + examples(
    "makini po list -c 00000100433001",
    "makini po list --status approved --since 2025-01-01 --sort orderDate:desc",
    "makini po list --filter 'totalGrossValue:gt=10000' --all -o csv > big.csv",
    "makini po list --vendor SKF --match all -o json --query '[].orderNo'"))
def list_cmd(connection: str = connection_option(), domain: str = domain_option(),
             status: str = _status_opt(), vendor: str = _vendor_opt(), since: str = _since_opt(),
             until: str = _until_opt(), updated_since: str = _updated_opt(),
             filter: list[str] = _filter_opt(), match: str = _match_opt(),  # noqa: A002
             sort: list[str] = _sort_opt(),
             limit: int = typer.Option(30, "--limit", "-L", min=1, help="At most N orders."),
             all_: bool = typer.Option(False, "--all", help="Every matching order (large sets: `po export`)."),
             mapping: str = typer.Option(None, "--mapping", metavar="FILE",  # issue 7
                                         help="Your own columns from a mapping file (TOML; see "
                                              "`makini mappings --help`)."),
             ) -> None:
    from datetime import datetime, timezone

    from ..api import purchase_orders as po
    from . import _po_views as views
    from ._common import require_connection

    c = ctx()
    check_domain(domain)
    conn = require_connection(connection)
    base = views.base_filters(since=since, until=until, updated_since=updated_since,
                              filters=filter, now=datetime.now(timezone.utc))
    sorts = views.parse_sorts(sort)
    views.check_match(match)
    out = c.output
    # --- issue 7: --mapping FILE decides the columns (makini_cli/mapping.py) ---
    mapped = None
    if mapping:
        from ..mapping import load_for

        mapped = load_for("purchase-orders", mapping, warn=out.warn)
    readable = out.format in ("table", "csv") and not out.query and mapped is None

    async def work(client):
        filters = await views.connection_filters(client, conn, domain, base, status=status,
                                                 vendor=vendor)
        params = po.list_params(filters, match=match, sort=sorts)
        per_page = 500 if all_ else min(limit, 500)
        items = [o async for o in po.iterate(client, conn, domain, params,
                                             limit=None if all_ else limit, per_page=per_page)]
        return items, (await _names(client, conn, domain) if readable else ({}, {}))

    items, (vendors, statuses) = c.run(work)
    if mapped is not None:  # issue 7
        from ..output import Column

        out.emit([row for o in items for row in mapped.rows(o, conn)],
                 columns=[Column(name) for name in mapped.names])
    elif readable:
        out.emit([views.list_row(o, vendors, statuses) for o in items], columns=views.LIST_COLUMNS)
    else:
        out.emit(items)


async def _names(client, conn, domain) -> tuple[dict, dict]:
    """Vendor and status names for readable output; keys stay when a lookup is not allowed."""
    from ..api import purchase_orders as po
    from ..api.errors import MakiniError

    try:
        vendors = await po.vendor_names(client, conn, domain)
    except MakiniError:
        vendors = {}
    try:
        statuses = {str(s.get("key")): str(s.get("name") or s.get("code"))
                    for s in await po.statuses(client, conn, domain)}
    except MakiniError:
        statuses = {}
    return vendors, statuses


@app.command("get", help="Show one purchase order: a detail view on a terminal, JSON otherwise."
             + examples("makini po get 40000100000001 --lines",
                        "makini po get 40000100000001 -o json | jq .totalGrossValue"))
def get_cmd(key: str = typer.Argument(..., help="The order's key (see `po list`)."),
            connection: str = connection_option(), domain: str = domain_option(),
            lines: bool = typer.Option(False, "--lines", help="Show the line items table.")) -> None:
    from ..api import purchase_orders as po
    from ._common import require_connection

    c = ctx()
    check_domain(domain)
    conn = require_connection(connection)
    out = c.output
    detail = out.format == "table" and not out.query

    async def work(client):
        order = await po.get(client, conn, domain, key)
        names = await _names(client, conn, domain) if detail else ({}, {})
        return order, names

    order, (vendors, statuses) = c.run(work)
    if detail:
        from . import _po_views as views

        views.render_detail(out, order, vendor=vendors.get(str(order.get("vendorKey"))),
                            status=statuses.get(str(order.get("statusKey"))), show_lines=lines)
    else:
        out.emit(order)


@app.command("lines", help="List line items: one order's, or across orders with filters." + examples(
    "makini po lines 40000100000001",
    "makini po lines --filter 'code:startsWith=BRG' --all -o csv",
    "makini po lines 40000100000001 -o json --query '[].lineTotalValue'"))
def lines_cmd(po_key: str = typer.Argument(None, metavar="[PO_KEY]", help="An order's key."),
              connection: str = connection_option(), domain: str = domain_option(),
              filter: list[str] = _filter_opt(), match: str = _match_opt(),  # noqa: A002
              sort: list[str] = _sort_opt(),
              limit: int = typer.Option(50, "--limit", "-L", min=1, help="At most N line items."),
              all_: bool = typer.Option(False, "--all", help="Every matching line item.")) -> None:
    from ..api import purchase_orders as po
    from ..api import query
    from ..api.errors import UsageError
    from . import _po_views as views
    from ._common import require_connection

    c = ctx()
    check_domain(domain)
    conn = require_connection(connection)
    if po_key and (filter or sort or match):
        raise UsageError("--filter/--sort/--match apply to line items across orders, not to PO_KEY")
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


@app.command("statuses", help="The purchase order statuses this connection allows." + examples(
    "makini po statuses -c 00000100433001", "makini po statuses -o json --query '[].code'"))
def statuses_cmd(connection: str = connection_option(), domain: str = domain_option()) -> None:
    from ..api import purchase_orders as po
    from . import _po_views as views
    from ._common import require_connection

    c = ctx()
    check_domain(domain)
    conn = require_connection(connection)
    items = c.run(lambda client: po.statuses(client, conn, domain))
    c.output.emit(items, columns=views.STATUS_COLUMNS)


from . import _po_write  # noqa: E402,F401 - registers create, update, set-status, export
