"""`makini sandbox`: serve the local Makini over HTTP, show its credentials, rebuild its data.

The sandbox's client id and secret are not secrets: they are derived from the seed and printed
on purpose, so scripts and tests can log in to a served sandbox."""

from __future__ import annotations

import typer

from . import admin, serve

app = typer.Typer(help="The local Makini sandbox: serve it, show its credentials, rebuild its data.",
                  no_args_is_help=True)

app.command("serve", help=serve.HELP)(serve.serve)
app.command("info", help=admin.INFO_HELP)(admin.info)
app.command("reset", help=admin.RESET_HELP)(admin.reset)
