"""`makini config unset`: remove a setting from the current profile."""

from __future__ import annotations

import typer

from .._common import ctx, examples


HELP = "Remove a setting from the current profile." + examples("makini config unset connection")


def unset(key: str = typer.Argument(...)) -> None:
    from ...config import ConfigFile, coerce

    c = ctx()
    coerce(key, None, "value")  # validates the key name
    config = ConfigFile()
    if config.unset(c.profile, key):
        config.save()
        c.output.note(f"{key} removed from profile {c.profile}")
    else:
        c.output.note(f"{key} was not set in profile {c.profile}")
