"""`makini config use`: make a profile the default."""

from __future__ import annotations

import typer

from .._common import ctx, examples


HELP = "Make a profile the default one." + examples("makini config use staging")


def use(profile: str = typer.Argument(...)) -> None:
    from ...config import ConfigFile

    config = ConfigFile()
    config.data["default_profile"] = profile
    config.save()
    ctx().output.note(f"default profile is now {profile}")
