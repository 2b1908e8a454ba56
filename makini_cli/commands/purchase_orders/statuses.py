"""`makini po statuses`: the statuses a connection allows."""

from __future__ import annotations

from .._common import check_domain, connection_option, ctx, domain_option, examples, require_connection

HELP = "The purchase order statuses this connection allows." + examples(
    "makini po statuses -c 00000100433001", "makini po statuses -o json --query '[].code'")


def list_statuses(connection: str = connection_option(), domain: str = domain_option()) -> None:
    from ...api import purchase_orders as po
    from . import views

    c = ctx()
    check_domain(domain)
    conn = require_connection(connection)
    items = c.run(lambda client: po.statuses(client, conn, domain))
    c.output.emit(items, columns=views.STATUS_COLUMNS)
