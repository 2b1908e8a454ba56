"""`makini po create`, `po update` and `po set-status`: the commands that change an order."""

from __future__ import annotations

import typer

from .._common import (check_domain, connection_option, ctx, domain_option, examples, read_json,
                       require_connection)

BODY_HELP = ("Fields are the unified model's (`siteKey`, `vendorKey`, `orderNo`, `orderDate`, "
             "`statusKey`, `title`, `dueAt`, `terms`, `currencyKey`, `totalNetValue`, … and "
             "`lineItems`); money and quantities as decimal strings (\"12.50\"). The body is "
             "checked against the model before anything is sent: a bad field exits 2 naming it. "
             "Fields beyond the model are sent as custom fields.")


def _validated(file: str, *, update: bool, po_models) -> dict:
    """The body of --file, checked against the unified model (`po_models`, imported by the caller)."""
    body = read_json(file, "--file")
    po_models.validate_input(body, update=update)
    for name, close in po_models.unknown_fields(body):
        if close:
            ctx().output.warn(f"field {name!r} is not in the unified model (did you mean "
                              f"{close!r}?); it is sent as a custom field")
    return body


def _dry_run(method: str, path: str, conn: str | None, body: dict) -> None:
    ctx().output.emit({"dry_run": True, "method": method, "path": path, "connection": conn,
                       "body": body})


CREATE_HELP = "Create a purchase order from a JSON body. " + BODY_HELP + examples(
    "makini po create --file po.json", "cat po.json | makini po create --file - -o json",
    "makini po create --file po.json --dry-run")


def create(file: str = typer.Option(..., "--file", "-F", help="JSON body: a file, or - for stdin."),
           connection: str = connection_option(), domain: str = domain_option(),
           dry_run: bool = typer.Option(False, "--dry-run", help="Show the request; send nothing.")) -> None:
    from ...api import po_models
    from ...api import purchase_orders as po
    from . import views

    c = ctx()
    check_domain(domain)
    body = _validated(file, update=False, po_models=po_models)
    conn = require_connection(connection)
    if dry_run:
        return _dry_run("POST", po.list_path(domain), conn, body)
    views.show(c.output, c.run(lambda client: po.create(client, conn, domain, body)))


UPDATE_HELP = ("Update a purchase order with the fields of a JSON body. " + BODY_HELP
               + examples("makini po update 40000100000001 --file changes.json",
                          "echo '{\"notes\": \"Deliver to dock 2\"}' | makini po update 40000100000001 --file -"))


def update(key: str = typer.Argument(..., help="The order's key."),
           file: str = typer.Option(..., "--file", "-F", help="JSON body: a file, or - for stdin."),
           connection: str = connection_option(), domain: str = domain_option(),
           dry_run: bool = typer.Option(False, "--dry-run", help="Show the request; send nothing.")) -> None:
    from ...api import po_models
    from ...api import purchase_orders as po
    from . import views

    c = ctx()
    check_domain(domain)
    body = _validated(file, update=True, po_models=po_models)
    conn = require_connection(connection)
    if dry_run:
        return _dry_run("PUT", po.item_path(domain, key), conn, body)
    views.show(c.output, c.run(lambda client: po.update(client, conn, domain, key, body)))


SET_STATUS_HELP = ("Change an order's status, checked against the connection's allowed statuses "
                   "(`po statuses`) first: an unknown one exits 2 listing them." + examples(
                       "makini po set-status 40000100000001 approved",
                       "makini po set-status 40000100000001 CAN --dry-run"))


def set_status(key: str = typer.Argument(..., help="The order's key."),
               status: str = typer.Argument(..., help="Status key, code, subCode or name."),
               connection: str = connection_option(), domain: str = domain_option(),
               dry_run: bool = typer.Option(False, "--dry-run", help="Check and show; send nothing.")) -> None:
    from ...api import purchase_orders as po

    c = ctx()
    check_domain(domain)
    conn = require_connection(connection)

    async def work(client):
        found = await po.resolve_status(client, conn, domain, status)
        if dry_run:
            return found, None
        return found, await po.set_status(client, conn, domain, key, found)

    found, order = c.run(work)
    if dry_run:
        return _dry_run("PUT", po.item_path(domain, key) + "/status", conn, po.status_body(found))
    out = c.output
    if out.format == "table" and not out.query:
        out.info(f"{order.get('orderNo') or key}: status is now {found.get('name') or found['key']}")
    else:
        out.emit(order)
