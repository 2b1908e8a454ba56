"""`makini field-mappings compare`: fill rates, fields by connections."""

from __future__ import annotations

import typer

from .._common import ctx, examples
from .options import domain_option, sample_option

HELP = ("A matrix of fill rates, fields by connections: a heat map on a terminal, "
        "CSV or JSON when piped. Connections are sampled concurrently; one that fails is "
        "reported and the command exits 1 after printing the rest." + examples(
            "makini mappings compare purchase-orders --all",
            "makini mappings compare purchase-orders 09000207611898 09000207611899",
            "makini mappings compare purchase-orders --all --differing -o csv > fill.csv"))


def compare(
    entity: str = typer.Argument(..., help="Entity, e.g. purchase-orders."),
    connections: list[str] = typer.Argument(None, help="Connection ids (or use --all)."),
    all_: bool = typer.Option(False, "--all", help="Every connection of the application."),
    sample: int = sample_option(100),
    domain: str = domain_option(),
    nested: bool = typer.Option(False, "--nested", help="Sub-fields too (addresses, line items)."),
    differing: bool = typer.Option(False, "--differing", help="Only fields whose fill rate differs between connections."),
) -> None:
    from ...api import connections as conn_api
    from ...api.http import RetryPolicy
    from ...errors import MakiniError, UsageError
    from ...mappings import views
    from ...output import Column

    c = ctx()
    out = c.output
    if all_ and connections:
        raise UsageError("give connection ids or --all, not both")
    if not all_ and not connections:
        raise UsageError("no connections to compare", hint="name connection ids, or use --all")
    dom = views.pick_domain(entity, domain)
    ids = list(dict.fromkeys(connections or []))

    async def work(client):
        names: dict[str, str] = {}
        try:
            listed = await conn_api.list_connections(client)
            names = {x.id: x.name or x.integration_name or "" for x in listed}
        except MakiniError:
            if all_:
                raise  # --all needs the list; named ids work without admin access
        targets = [x.id for x in listed] if all_ else ids
        reports, errors = await views.compare(client, targets, entity, dom, sample, nested=nested)
        return targets, names, reports, errors

    # A dead connection must not hold the whole matrix for a minute of retries.
    targets, names, reports, errors = c.run(work, retry=RetryPolicy(max_attempts=3, max_total_wait=10))
    if targets and len(errors) == len(targets):
        raise next(iter(errors.values()))
    rows = views.matrix(targets, reports)
    if differing:
        rows = [r for r in rows if len({r.get(t) for t in targets if t in reports}) > 1]
    for conn, exc in errors.items():
        out.warn(f"connection {conn}: {exc.message}")
    if out.custom_view and out.stdout_tty:
        from ...mappings import render  # Rich: only when a table is drawn

        render.heatmap(out, entity, rows, targets, names, {k: v.message for k, v in errors.items()})
    else:
        out.emit(rows, columns=[Column("field"), Column("type"), Column("custom")]
                 + [Column(t) for t in targets])
    if errors:
        raise typer.Exit(1)
