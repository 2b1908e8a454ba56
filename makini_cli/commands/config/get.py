"""`makini config get`: one setting's resolved value."""

from __future__ import annotations

import typer

from .._common import ctx, examples


HELP = ("Print one setting's resolved value (empty when unset)." + examples(
        "makini config get base_url"))


def get(key: str = typer.Argument(..., help="Setting name; see `makini config list`.")) -> None:
    from ...errors import UsageError
    from ...config import KEYS

    c = ctx()
    if key not in KEYS:
        raise UsageError(f"unknown setting {key!r}", hint=f"known settings: {', '.join(KEYS)}")
    value = c.settings.get(key)
    if key == "base_url":
        from ...config import display_url

        value = display_url(value)
    if c.output.explicit:
        c.output.emit({"key": key, "value": value, "source": c.settings.values[key].source})
    else:
        typer.echo("" if value is None else value)
