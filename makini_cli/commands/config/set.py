"""`makini config set`: save a setting in the current profile."""

from __future__ import annotations

import typer

from .._common import ctx, examples


HELP = ("Save a setting in the current profile (config.toml, written atomically)." + examples(
        "makini config set base_url https://api.makini.io",
        "makini --profile staging config set connection 09000207611898",
        "makini config set output json"))


def set_(key: str = typer.Argument(...), value: str = typer.Argument(...)) -> None:
    from ...config import ConfigFile, coerce

    c = ctx()
    coerced = coerce(key, value, "value")
    config = ConfigFile()
    config.set(c.profile, key, coerced)
    config.save()
    c.output.note(f"{key} = {coerced} saved in profile {c.profile} ({config.path})")
