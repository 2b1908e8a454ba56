"""`makini field-mappings template`: a starter mapping file, offline."""

from __future__ import annotations

import typer

from .._common import examples

HELP = ("Print a starter mapping file for an entity: every top-level field as "
        "a column, ready to trim, rename and validate." + examples(
            "makini mappings template purchase-orders > mapping.toml",
            "makini mappings template work-orders"))


def template(entity: str = typer.Argument("purchase-orders", help="Entity, e.g. purchase-orders.")) -> None:
    from ...mappings.template import render

    typer.echo(render(entity), nl=False)
