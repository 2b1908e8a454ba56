"""`makini field-mappings diff`: what changed between two mapping files."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = ("What changed between two mapping files: entity, columns added, removed, "
        "changed or moved, and per-connection overrides." + examples(
            "makini mappings diff old.toml new.toml",
            "git show HEAD~1:mapping.toml > /tmp/old.toml && makini mappings diff /tmp/old.toml mapping.toml --exit-code"))


def diff(
    a: str = typer.Argument(..., help="The old mapping file."),
    b: str = typer.Argument(..., help="The new mapping file."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 3 when the files differ."),
) -> None:
    import json

    from ...mappings import mapfile
    from ...mappings.diff import diff as diff_mappings
    from ...output import Column

    out = ctx().output
    loaded = []
    for file in (a, b):
        m, problems = mapfile.check(file)
        if m is None:
            raise mapfile.MappingError(problems)
        for p in problems:  # unknown field names do not stop a diff; they are worth knowing
            out.warn(str(p))
        loaded.append(m)
    changes = diff_mappings(*loaded)
    if not changes and out.format == "table" and not out.query:
        out.note("no differences")
    else:
        # as the file would say it: field = "x", default = "y" (JSON strings read as TOML ones)
        spec = lambda v, _r: "" if v is None else (  # noqa: E731
            ", ".join(f"{k} = {json.dumps(v[k], ensure_ascii=False, default=str)}" for k in v)
            if isinstance(v, dict) else str(v))
        out.emit(changes, columns=[Column("change"), Column("scope"), Column("column"),
                                   Column("before", fmt=spec), Column("after", fmt=spec)])
    if changes and exit_code:
        raise typer.Exit(3)
