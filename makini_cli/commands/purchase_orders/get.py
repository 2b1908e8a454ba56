"""`makini po get KEY`: one order, as a detail view on a terminal."""

from __future__ import annotations

import typer

from .._common import check_domain, connection_option, ctx, domain_option, examples, require_connection

HELP = ("Show one purchase order: a detail view on a terminal, JSON otherwise. Give its key, or "
        "its order number (the number people quote): a value that is no key is looked up as an "
        "order number, and stderr says so; --order-no looks up the number only."
        + examples("makini po get 40000100000001 --lines",
                   "makini po get 4500000001",
                   "makini po get --order-no 4500000001 -o json | jq .totalGrossValue"))


def get_order(key: str = typer.Argument(None, metavar="KEY", help="The order's key, or its order number."),
              order_no: str = typer.Option(None, "--order-no", help="Find the order by its order number."),
              connection: str = connection_option(), domain: str = domain_option(),
              lines: bool = typer.Option(False, "--lines", help="Show the line items table.")) -> None:
    from ...api import purchase_orders as po
    from . import views

    from ...errors import UsageError

    c = ctx()
    check_domain(domain)
    if (key is None) == (order_no is None):
        raise UsageError("give the order's KEY or --order-no NUMBER (one of them)",
                         hint="`makini po list` shows both")
    conn = require_connection(connection)
    out = c.output
    detail = out.custom_view

    async def work(client):
        order, matched = await _find(po, client, conn, domain, key, order_no)
        names = await views.names(client, conn, domain) if detail else ({}, {})
        return order, matched, names

    order, matched, (vendors, statuses) = c.run(work)
    if matched == "order_no":
        out.note(f"matched by order number {order.get('orderNo')}: key {order.get('key')}")
    if detail:
        views.render_detail(out, order, vendor=vendors.get(str(order.get("vendorKey"))),
                            status=statuses.get(str(order.get("statusKey"))), show_lines=lines)
    else:
        out.emit(order)


async def _find(po, client, conn, domain, key, order_no) -> tuple[dict, str]:
    """(order, "key" or "order_no"): the key first, then the order number it may be."""
    from ...errors import NotFound, UsageError

    if key is not None:
        try:
            return await po.get(client, conn, domain, key), "key"
        except NotFound as exc:
            not_a_key = exc
    number = order_no if order_no is not None else key
    found = await po.by_order_no(client, conn, domain, number)
    if len(found) == 1:
        return found[0], "order_no"
    if len(found) > 1:
        keys = ", ".join(str(o.get("key")) for o in found)
        raise UsageError(f"order number {number!r} matches {len(found)} orders (keys {keys})",
                         hint="give the key of the one you mean")
    if key is not None:
        not_a_key.message = f"purchase order {key!r} not found (neither a key nor an order number)"
        not_a_key.hint = "list them with `makini po list` (it shows both)"
        raise not_a_key
    raise NotFound(f"no purchase order with order number {number!r}",
                   hint="list them with `makini po list`", connection=conn)
