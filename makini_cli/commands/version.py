"""`makini version`: the same facts as `makini --version`, as data."""

from __future__ import annotations

from ._common import ctx, examples

HELP = ("Print makini's version, the Python version and the platform (JSON when piped)."
        + examples("makini version", "makini version -o json | jq -r .python"))


def command() -> None:
    from ..version import version_info, version_line

    out = ctx().output
    if out.format == "table" and not out.query:
        import typer

        typer.echo(version_line())
        return
    out.emit(version_info())
