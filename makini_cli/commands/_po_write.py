"""`po create`, `po update`, `po set-status` and `po export` (registered on the `po` group)."""

from __future__ import annotations

import typer

from ._common import check_domain, connection_option, ctx, domain_option, examples
from .purchase_orders import (_filter_opt, _match_opt, _since_opt, _sort_opt, _status_opt,
                              _until_opt, _updated_opt, _vendor_opt, app)

BODY_HELP = ("Fields are the unified model's (`siteKey`, `vendorKey`, `orderNo`, `orderDate`, "
             "`statusKey`, `title`, `dueAt`, `terms`, `currencyKey`, `totalNetValue`, … and "
             "`lineItems`); money and quantities as decimal strings (\"12.50\"). The body is "
             "checked against the model before anything is sent: a bad field exits 2 naming it. "
             "Fields beyond the model are sent as custom fields.")


def _validated(file: str, *, update: bool) -> dict:
    from ..api import po_models
    from ._common import read_json

    body = read_json(file, "--file")
    po_models.validate_input(body, update=update)
    for name, close in po_models.unknown_fields(body):
        if close:
            ctx().output.warn(f"field {name!r} is not in the unified model (did you mean "
                              f"{close!r}?); it is sent as a custom field")
    return body


def _show(order: dict) -> None:
    out = ctx().output
    if out.format == "table" and not out.query:
        from ._po_views import render_detail

        render_detail(out, order, vendor=None, status=None, show_lines=True)
    else:
        out.emit(order)


def _dry_run(method: str, path: str, conn: str | None, body: dict) -> None:
    ctx().output.emit({"dry_run": True, "method": method, "path": path, "connection": conn,
                       "body": body})


@app.command("create", help="Create a purchase order from a JSON body. " + BODY_HELP + examples(
    "makini po create --file po.json", "cat po.json | makini po create --file - -o json",
    "makini po create --file po.json --dry-run"))
def create_cmd(file: str = typer.Option(..., "--file", "-F", help="JSON body: a file, or - for stdin."),
               connection: str = connection_option(), domain: str = domain_option(),
               dry_run: bool = typer.Option(False, "--dry-run", help="Show the request; send nothing.")) -> None:
    from ..api import purchase_orders as po
    from ._common import require_connection

    c = ctx()
    check_domain(domain)
    body = _validated(file, update=False)
    conn = require_connection(connection)
    if dry_run:
        return _dry_run("POST", po.list_path(domain), conn, body)
    _show(c.run(lambda client: po.create(client, conn, domain, body)))


@app.command("update", help="Update a purchase order with the fields of a JSON body. " + BODY_HELP
             + examples("makini po update 40000100000001 --file changes.json",
                        "echo '{\"notes\": \"Deliver to dock 2\"}' | makini po update 40000100000001 --file -"))
def update_cmd(key: str = typer.Argument(..., help="The order's key."),
               file: str = typer.Option(..., "--file", "-F", help="JSON body: a file, or - for stdin."),
               connection: str = connection_option(), domain: str = domain_option(),
               dry_run: bool = typer.Option(False, "--dry-run", help="Show the request; send nothing.")) -> None:
    from ..api import purchase_orders as po
    from ._common import require_connection

    c = ctx()
    check_domain(domain)
    body = _validated(file, update=True)
    conn = require_connection(connection)
    if dry_run:
        return _dry_run("PUT", po.item_path(domain, key), conn, body)
    _show(c.run(lambda client: po.update(client, conn, domain, key, body)))


@app.command("set-status", help="Change an order's status, checked against the connection's "
             "allowed statuses (`po statuses`) first: an unknown one exits 2 listing them." + examples(
                 "makini po set-status 40000100000001 approved",
                 "makini po set-status 40000100000001 CAN --dry-run"))
def set_status_cmd(key: str = typer.Argument(..., help="The order's key."),
                   status: str = typer.Argument(..., help="Status key, code, subCode or name."),
                   connection: str = connection_option(), domain: str = domain_option(),
                   dry_run: bool = typer.Option(False, "--dry-run", help="Check and show; send nothing.")) -> None:
    from ..api import purchase_orders as po
    from ._common import require_connection

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


@app.command("export", help=(
    "Stream every matching purchase order to stdout or a file: NDJSON (default, one order per "
    "line with its lineItems), CSV (one row per line item carrying the order's columns, or one "
    "row per order with --no-lines; stable columns, nested addresses flattened, fields beyond "
    "the model in `customFields`), or a JSON array. Memory stays flat whatever the count; the "
    "next pages are fetched while the current one is written. With --output/-O FILE the file "
    "appears only when complete (temp file + rename) and an interrupted export (Ctrl-C, network "
    "loss, crash) continues with --resume, with no duplicate and no missing order. Several "
    "-c ids, or `-c all`, export concurrently with a `connection` column. Note: -O is the "
    "file; the global -o is a format and is accepted only when it agrees with --format.")
    + examples("makini po export -c 00000100433001 > orders.ndjson",
               "makini po export --format csv -O orders.csv --since 2025-01-01",
               "makini po export --format csv -O orders.csv --resume",
               "makini po export -c all --format csv --no-lines -O all-orders.csv --skip-failed"))
def export_cmd(connection: list[str] = typer.Option(
                   None, "--connection", "-c", help="Connection id; repeat for several, or `all`."),
               domain: str = domain_option(),
               format: str = typer.Option(None, "--format", help="ndjson (default), csv or json."),  # noqa: A002
               output: str = typer.Option(None, "--output", "-O", metavar="FILE",
                                          help="Write to FILE atomically (default: stdout)."),
               no_lines: bool = typer.Option(False, "--no-lines", help="Orders only: no line items."),
               resume: bool = typer.Option(False, "--resume", help="Continue an interrupted export to --output FILE."),
               status: str = _status_opt(), vendor: str = _vendor_opt(), since: str = _since_opt(),
               until: str = _until_opt(), updated_since: str = _updated_opt(),
               filter: list[str] = _filter_opt(), match: str = _match_opt(),  # noqa: A002
               sort: list[str] = _sort_opt(),
               per_page: int = typer.Option(500, "--per-page", min=1, max=1000, help="Orders per request."),
               prefetch: int = typer.Option(2, "--prefetch", min=1, max=16,
                                            help="Pages requested ahead, per connection."),
               skip_failed: bool = typer.Option(False, "--skip-failed",
                                                help="With several connections: finish without the ones that fail."),
               mapping: str = typer.Option(None, "--mapping", metavar="FILE",  # issue 7
                                           help="Your own columns from a mapping file (TOML; see "
                                                "`makini mappings --help`)."),
               ) -> None:
    from . import _po_export
    from ._po_views import check_match

    c = ctx()
    check_domain(domain)
    check_match(match)
    fmt = _po_export.choose_format(format, c.opts.output)
    _po_export.export(c, _po_export.Request(
        connections=list(connection or []), domain=domain, format=fmt, output=output,
        lines=not no_lines, resume=resume, per_page=per_page, prefetch=prefetch,
        skip_failed=skip_failed, status=status, vendor=vendor, since=since, until=until,
        updated_since=updated_since, filters=list(filter or []), match=match,
        sorts=list(sort or []), mapping=mapping))
