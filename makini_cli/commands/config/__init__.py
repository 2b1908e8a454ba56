"""`makini config`: read and change settings in config.toml, per profile."""

from __future__ import annotations

import typer

from . import get, path, profiles, unset, use
from . import list as list_
from . import set as set_

app = typer.Typer(help="Read and change settings (precedence: flag > environment > profile > default).",
                  no_args_is_help=True)

app.command("list", help=list_.HELP)(list_.list_settings)
app.command("get", help=get.HELP)(get.get)
app.command("set", help=set_.HELP)(set_.set_)
app.command("unset", help=unset.HELP)(unset.unset)
app.command("use", help=use.HELP)(use.use)
app.command("path", help=path.HELP)(path.path)
app.command("profiles", help=profiles.HELP)(profiles.profiles)
