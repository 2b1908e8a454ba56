"""`makini purchase-orders` (alias `po`): list, get, line items, statuses, create, update, status
changes, export. One module per verb; `write.py` holds the three that change an order."""

from __future__ import annotations

import typer

from . import export, get, lines, statuses, write
from . import list as list_

app = typer.Typer(help="Purchase orders: list, inspect, create, update and export.",
                  no_args_is_help=True)

app.command("list", help=list_.HELP)(list_.list_orders)
app.command("get", help=get.HELP)(get.get_order)
app.command("lines", help=lines.HELP)(lines.list_lines)
app.command("statuses", help=statuses.HELP)(statuses.list_statuses)
app.command("create", help=write.CREATE_HELP)(write.create)
app.command("update", help=write.UPDATE_HELP)(write.update)
app.command("set-status", help=write.SET_STATUS_HELP)(write.set_status)
app.command("export", help=export.HELP)(export.export_orders)
