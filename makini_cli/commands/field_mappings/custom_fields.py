"""`makini field-mappings custom-fields`: a connection's fields beyond the unified model."""

from __future__ import annotations

import typer

from .._common import connection_option, ctx, examples, require_connection
from .options import domain_option, sample_option

HELP = ("Custom fields of a connection: those Makini lists "
        "(/api/eam/work-orders/custom-fields) and those seen in sampled responses beyond the "
        "unified model, with fill rates." + examples(
            "makini mappings custom-fields -c 09000207611898",
            "makini mappings custom-fields -c 09000207611898 --entity purchase-orders -o json"))


def custom_fields(
    connection: str = connection_option(),
    entity: list[str] = typer.Option(None, "--entity", "-e",
                                     help="Entities to sample (repeatable; default work-orders and purchase-orders)."),
    sample: int = sample_option(100),
    domain: str = domain_option(),
) -> None:
    from ...mappings import model as um
    from ...mappings import views
    from ...mappings.render import fill as fill_cell
    from ...output import Column

    c = ctx()
    out = c.output
    connection = require_connection(connection)
    targets = []
    for name in entity or ["work-orders", "purchase-orders"]:
        served = um.entity(name).domains
        targets.append((name, views.pick_domain(name, domain if domain in served else None)))
    rows = c.run(lambda client: views.custom_field_rows(client, connection, targets, sample, out.warn))
    if not rows:
        out.info("no custom fields: none listed, none seen beyond the unified model in the sample")
    out.emit(rows, columns=[Column("entity"), Column("name", kind="fixed"), Column("listed"), Column("seen"),
                            Column("fill_rate", "fill", fmt=lambda v, _r: fill_cell(v, out.color), justify="right"),
                            Column("type"), Column("label"), Column("example")])
