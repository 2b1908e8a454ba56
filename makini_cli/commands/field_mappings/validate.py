"""`makini field-mappings validate`: check mapping files against the unified model."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = ("Check mapping files against the unified model. Problems are printed as "
        "`file:line: message` with the closest valid name; exit 2 on any error." + examples(
            "makini mappings validate mapping.toml",
            "makini mappings validate mappings/*.toml -o json"))


def validate(files: list[str] = typer.Argument(..., help="Mapping files (TOML).")) -> None:
    from ...mappings import mapfile

    out = ctx().output
    reports, failed = [], False
    for file in files:
        m, problems = mapfile.check(file)
        errors = [p for p in problems if p.severity == "error"]
        failed = failed or bool(errors) or m is None
        for p in problems:
            out.note(str(p))
        reports.append({"file": file, "valid": m is not None and not errors,
                        "entity": m.entity if m else None, "columns": m.names if m else [],
                        "expands": m.expands if m else None, "problems": [p.as_dict() for p in problems]})
    if out.format == "table" and not out.query:
        for r in reports:
            if r["valid"]:
                rows = f"one row per item of {r['expands']}" if r["expands"] else "one row per record"
                typer.echo(f"{r['file']}: ok ({len(r['columns'])} columns of {r['entity']}; {rows})")
    else:
        out.emit(reports if len(reports) > 1 else reports[0])
    if failed:
        raise typer.Exit(2)
