"""`makini field-mappings show`: how one connection fills an entity."""

from __future__ import annotations

import typer

from .._common import connection_option, ctx, examples, require_connection
from .options import domain_option, sample_option

HELP = ("How one connection fills an entity: each unified field's fill rate over a "
        "sample with an example value, the fields beyond the model (custom fields), and the "
        "source tables and columns behind it." + examples(
            "makini mappings show purchase-orders -c 09000207611898",
            "makini mappings show purchase-orders -c 09000207611898 --sample 500 --nested",
            "makini mappings show work-orders -c 09000207611898 -o json"))


def show(
    entity: str = typer.Argument(..., help="Entity, e.g. purchase-orders."),
    connection: str = connection_option(),
    sample: int = sample_option(100),
    domain: str = domain_option(),
    nested: bool = typer.Option(False, "--nested", help="Fill rates of sub-fields too (addresses, line items)."),
    no_sources: bool = typer.Option(False, "--no-sources", help="Skip the source tables (/api/raw/*)."),
) -> None:
    from ...mappings import views
    from ...output import Column

    c = ctx()
    out = c.output
    connection = require_connection(connection)
    dom = views.pick_domain(entity, domain)
    data = c.run(lambda client: views.show(client, connection, entity, dom, sample, nested=nested,
                                           with_sources=not no_sources, warn=out.warn))
    if out.custom_view and out.stdout_tty:
        from ...mappings import render  # Rich: only when a table is drawn

        render.show(out, data)
    elif out.format in ("csv", "ndjson", "table"):
        rows = data["fields"] + data["custom_fields"]
        out.emit(rows, columns=[Column("field"), Column("type"), Column("custom"), Column("fill_rate"),
                                Column("filled"), Column("sampled"), Column("example")])
    else:
        out.emit(data)
