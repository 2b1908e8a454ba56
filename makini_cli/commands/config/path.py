"""`makini config path`: where makini keeps its files."""

from __future__ import annotations

import typer

from .._common import ctx, examples


HELP = "Print where makini keeps its files." + examples("makini config path", "cat \"$(makini config path)\"")


def path(
    all_: bool = typer.Option(False, "--all", help="Every location: config, credentials, state, data, logs."),
) -> None:
    from ... import paths

    c = ctx()
    if not all_:
        typer.echo(str(paths.config_file()))
        return
    c.output.emit({"config": str(paths.config_file()), "credentials": str(paths.credentials_file()),
                   "state": str(paths.state_dir()), "data": str(paths.data_dir()), "logs": str(paths.log_dir()),
                   "sandbox_db": str(paths.sandbox_db())})
