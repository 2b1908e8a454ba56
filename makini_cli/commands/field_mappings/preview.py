"""`makini field-mappings preview`: a mapping file applied to a few records of a connection."""

from __future__ import annotations

import typer

from .._common import connection_option, ctx, examples, require_connection
from .options import domain_option, sample_option

HELP = ("Apply a mapping file to a few records of a connection: the source values "
        "and the mapped rows, before you export." + examples(
            "makini mappings preview mapping.toml -c 09000207611898",
            "makini mappings preview mapping.toml -c 09000207611898 --sample 10 -o json"))


def preview(
    file: str = typer.Argument(..., help="Mapping file (TOML)."),
    connection: str = connection_option(),
    sample: int = sample_option(3),
    domain: str = domain_option(),
) -> None:
    from ...mappings import mapfile, views

    c = ctx()
    out = c.output
    m = mapfile.load_mapping(file)
    for p in m.problems:
        out.warn(str(p))
    connection = require_connection(connection)
    dom = views.pick_domain(m.entity, domain)
    items = c.run(lambda client: views.preview(client, connection, m, dom, sample))
    if out.custom_view and out.stdout_tty:
        from ...mappings import render  # Rich: only when a table is drawn

        render.preview(out, items, m.names)
    else:
        out.emit(items)
