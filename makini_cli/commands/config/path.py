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
    # Unchecked: saying where the files are still works while a folder is refused as too open.
    if not all_:
        typer.echo(str(paths.config_file(check=False)))
        return
    c.output.emit({"config": str(paths.config_file(check=False)),
                   "credentials": str(paths.credentials_file(check=False)),
                   "state": str(paths.state_dir(check=False)), "data": str(paths.data_dir()),
                   "logs": str(paths.log_dir(check=False)), "sandbox_db": str(paths.sandbox_db())})
