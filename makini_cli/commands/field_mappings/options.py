"""Options shared by the `makini field-mappings` verbs that sample a connection."""

from __future__ import annotations

import typer


def sample_option(default: int):
    return typer.Option(default, "--sample", "-n", min=1, max=10_000, help="Records to sample.")


def domain_option():
    return typer.Option(None, "--domain", help="erp, eam or wms (default: erp when the entity is served there).")
