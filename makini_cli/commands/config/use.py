"""`makini config use`: make a profile the default."""

from __future__ import annotations

import typer

from .._common import ctx, examples


HELP = ("Make a profile the default one (a name of letters, digits, `_`, `.` and `-`)." + examples(
        "makini config use staging"))


def use(profile: str = typer.Argument(...)) -> None:
    from ...config import ConfigFile

    config = ConfigFile()
    config.set_default_profile(profile)  # refuses "" and names such as a/b (exit 2)
    config.save()
    ctx().output.note(f"default profile is now {profile}")
