"""`makini field-mappings` (alias `mappings`): the unified model, how each connection fills it,
custom fields, and mapping files that map the model onto your own columns for exports."""

from __future__ import annotations

import typer

from ._common import connection_option, ctx, examples

# `\b` keeps click from re-wrapping the example (each blank-line paragraph needs its own).
FORMAT_HELP = """Mapping files are TOML, one table per output column, in output order:

\b
  entity = "purchase-orders"      # the unified entity (the default)
  description = "Finance export"  # optional, for reviewers
  [columns.order_number]
  field = "orderNo"               # a unified field path
  [columns.city]
  field = ["deliveryAddress.city", "shipmentAddress.city"]  # first non-empty wins
  default = "unknown"             # when the value is missing or empty
  [columns.price]
  field = "lineItems[].price"     # []: one row per line item
  [columns.source]
  const = "makini"                # a constant
  [columns.cost_center]
  custom = "ZZ_COST_CENTER"       # a custom field, beyond the unified model
  [connections."09000207611898".columns.city]
  field = "billingAddress.city"   # override for one connection (keeps the default)

Each column has exactly one of field, custom or const, and optionally default and description.
Field paths: `name`, `object.name`, `list[].name` (one row per item; an order without lines
keeps one row) or `list[0].name`. Values pass through unchanged: decimal strings keep their
digits. Valid paths: `makini mappings fields ENTITY --nested`; a starter file: `makini mappings
template ENTITY`."""

app = typer.Typer(
    help="See the unified model, how each connection fills it and its custom fields; "
         "check, diff and preview mapping files (TOML) used by `po list|export --mapping`.\n\n" + FORMAT_HELP,
    no_args_is_help=True)


def _sample_option(default: int):
    return typer.Option(default, "--sample", "-n", min=1, max=10_000, help="Records to sample.")


def _domain_option():
    return typer.Option(None, "--domain", help="erp, eam or wms (default: erp when the entity is served there).")


@app.command("fields", help="The unified model: its entities, or one entity's fields (name, type, "
             "description, nested objects such as addresses and line items). Works offline." + examples(
                 "makini mappings fields",
                 "makini mappings fields purchase-orders",
                 "makini mappings fields purchase-orders --nested -o csv"))
def fields_cmd(
    entity: str = typer.Argument(None, help="Entity, e.g. purchase-orders (omit to list entities)."),
    nested: bool = typer.Option(False, "--nested", help="Also list sub-fields: shipmentAddress.city, lineItems[].price."),
) -> None:
    from .. import unified_model as um
    from ..output import Column

    out = ctx().output
    if entity is None:
        rows = []
        for name in um.entity_names():
            ent = um.entity(name)
            rows.append({"entity": name, "schema": ent.schema, "domains": list(ent.domains),
                         "fields": len(ent.fields), "description": ent.description})
        out.emit(rows, columns=[Column("entity"), Column("schema"), Column("domains"),
                                Column("fields", justify="right"), Column("description")])
        return
    ent = um.entity(entity)
    paths = um.field_paths(entity, depth=2 if nested else 1)
    rows = [{"field": path, "type": f.type + (f" of {f.of}" if f.of else ""),
             "description": f.description + (" (request bodies only)" if f.body_only else "")}
            for path, f in paths.items()]
    out.emit(rows, columns=[Column("field"), Column("type"), Column("description")],
             title=f"{entity} ({ent.schema}; {', '.join(ent.domains)})")


@app.command("show", help="How one connection fills an entity: each unified field's fill rate over a "
             "sample with an example value, the fields beyond the model (custom fields), and the "
             "source tables and columns behind it." + examples(
                 "makini mappings show purchase-orders -c 09000207611898",
                 "makini mappings show purchase-orders -c 09000207611898 --sample 500 --nested",
                 "makini mappings show work-orders -c 09000207611898 -o json"))
def show_cmd(
    entity: str = typer.Argument(..., help="Entity, e.g. purchase-orders."),
    connection: str = connection_option(),
    sample: int = _sample_option(100),
    domain: str = _domain_option(),
    nested: bool = typer.Option(False, "--nested", help="Fill rates of sub-fields too (addresses, line items)."),
    no_sources: bool = typer.Option(False, "--no-sources", help="Skip the source tables (/api/raw/*)."),
) -> None:
    from .. import mapping_views as views
    from ..output import Column
    from ._common import require_connection

    c = ctx()
    out = c.output
    connection = require_connection(connection)
    dom = views.pick_domain(entity, domain)
    data = c.run(lambda client: views.show(client, connection, entity, dom, sample, nested=nested,
                                           with_sources=not no_sources, warn=out.warn))
    if out.format == "table" and not out.query and out.stdout_tty:
        from .. import mapping_render

        mapping_render.show(out, data)
    elif out.format in ("csv", "ndjson", "table"):
        rows = data["fields"] + data["custom_fields"]
        out.emit(rows, columns=[Column("field"), Column("type"), Column("custom"), Column("fill_rate"),
                                Column("filled"), Column("sampled"), Column("example")])
    else:
        out.emit(data)


@app.command("compare", help="A matrix of fill rates, fields by connections: a heat map on a terminal, "
             "CSV or JSON when piped. Connections are sampled concurrently; one that fails is "
             "reported and the command exits 1 after printing the rest." + examples(
                 "makini mappings compare purchase-orders --all",
                 "makini mappings compare purchase-orders 09000207611898 09000207611899",
                 "makini mappings compare purchase-orders --all --differing -o csv > fill.csv"))
def compare_cmd(
    entity: str = typer.Argument(..., help="Entity, e.g. purchase-orders."),
    connections: list[str] = typer.Argument(None, help="Connection ids (or use --all)."),
    all_: bool = typer.Option(False, "--all", help="Every connection of the application."),
    sample: int = _sample_option(100),
    domain: str = _domain_option(),
    nested: bool = typer.Option(False, "--nested", help="Sub-fields too (addresses, line items)."),
    differing: bool = typer.Option(False, "--differing", help="Only fields whose fill rate differs between connections."),
) -> None:
    from .. import mapping_views as views
    from ..api.errors import UsageError
    from ..output import Column

    c = ctx()
    out = c.output
    if all_ and connections:
        raise UsageError("give connection ids or --all, not both")
    if not all_ and not connections:
        raise UsageError("no connections to compare", hint="name connection ids, or use --all")
    dom = views.pick_domain(entity, domain)
    ids = list(dict.fromkeys(connections or []))

    async def work(client):
        from ..api import connections as conn_api
        from ..api.errors import MakiniError

        names: dict[str, str] = {}
        try:
            listed = await conn_api.list_connections(client)
            names = {x.id: x.name or x.integration_name or "" for x in listed}
        except MakiniError:
            if all_:
                raise  # --all needs the list; named ids work without admin access
        targets = [x.id for x in listed] if all_ else ids
        reports, errors = await views.compare(client, targets, entity, dom, sample, nested=nested)
        return targets, names, reports, errors

    from ..api.http import RetryPolicy

    # A dead connection must not hold the whole matrix for a minute of retries.
    targets, names, reports, errors = c.run(work, retry=RetryPolicy(max_attempts=3, max_total_wait=10))
    if targets and len(errors) == len(targets):
        raise next(iter(errors.values()))
    rows = views.matrix(targets, reports)
    if differing:
        rows = [r for r in rows if len({r.get(t) for t in targets if t in reports}) > 1]
    for conn, exc in errors.items():
        out.warn(f"connection {conn}: {exc.message}")
    if out.format == "table" and not out.query and out.stdout_tty:
        from .. import mapping_render

        mapping_render.heatmap(out, entity, rows, targets, names, {k: v.message for k, v in errors.items()})
    else:
        out.emit(rows, columns=[Column("field"), Column("type"), Column("custom")]
                 + [Column(t) for t in targets])
    if errors:
        raise typer.Exit(1)


@app.command("custom-fields", help="Custom fields of a connection: those Makini lists "
             "(/api/eam/work-orders/custom-fields) and those seen in sampled responses beyond the "
             "unified model, with fill rates." + examples(
                 "makini mappings custom-fields -c 09000207611898",
                 "makini mappings custom-fields -c 09000207611898 --entity purchase-orders -o json"))
def custom_fields_cmd(
    connection: str = connection_option(),
    entity: list[str] = typer.Option(None, "--entity", "-e",
                                     help="Entities to sample (repeatable; default work-orders and purchase-orders)."),
    sample: int = _sample_option(100),
    domain: str = _domain_option(),
) -> None:
    from .. import mapping_views as views
    from .. import unified_model as um
    from ..output import Column
    from ._common import require_connection

    c = ctx()
    out = c.output
    connection = require_connection(connection)
    targets = []
    for name in entity or ["work-orders", "purchase-orders"]:
        served = um.entity(name).domains
        targets.append((name, views.pick_domain(name, domain if domain in served else None)))
    rows = c.run(lambda client: views.custom_field_rows(client, connection, targets, sample, out.warn))
    if not rows:
        out.info("no custom fields: none listed, none seen beyond the unified model in the sample")
    from ..mapping_render import fill as fill_cell

    out.emit(rows, columns=[Column("entity"), Column("name"), Column("listed"), Column("seen"),
                            Column("fill_rate", "fill", fmt=lambda v, _r: fill_cell(v, out.color), justify="right"),
                            Column("type"), Column("label"), Column("example")])


@app.command("validate", help="Check mapping files against the unified model. Problems are printed as "
             "`file:line: message` with the closest valid name; exit 2 on any error." + examples(
                 "makini mappings validate mapping.toml",
                 "makini mappings validate mappings/*.toml -o json"))
def validate_cmd(files: list[str] = typer.Argument(..., help="Mapping files (TOML).")) -> None:
    from .. import mapping

    out = ctx().output
    reports, failed = [], False
    for file in files:
        m, problems = mapping.check(file)
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


@app.command("diff", help="What changed between two mapping files: entity, columns added, removed, "
             "changed or moved, and per-connection overrides." + examples(
                 "makini mappings diff old.toml new.toml",
                 "git show HEAD~1:mapping.toml > /tmp/old.toml && makini mappings diff /tmp/old.toml mapping.toml --exit-code"))
def diff_cmd(
    a: str = typer.Argument(..., help="The old mapping file."),
    b: str = typer.Argument(..., help="The new mapping file."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 3 when the files differ."),
) -> None:
    from .. import mapping
    from ..mapping_diff import diff
    from ..output import Column

    out = ctx().output
    loaded = []
    for file in (a, b):
        m, problems = mapping.check(file)
        if m is None:
            raise mapping.MappingError(problems)
        for p in problems:  # unknown field names do not stop a diff; they are worth knowing
            out.warn(str(p))
        loaded.append(m)
    changes = diff(*loaded)
    if not changes and out.format == "table" and not out.query:
        out.note("no differences")
    else:
        import json

        # as the file would say it: field = "x", default = "y" (JSON strings read as TOML ones)
        spec = lambda v, _r: "" if v is None else (  # noqa: E731
            ", ".join(f"{k} = {json.dumps(v[k], ensure_ascii=False, default=str)}" for k in v)
            if isinstance(v, dict) else str(v))
        out.emit(changes, columns=[Column("change"), Column("scope"), Column("column"),
                                   Column("before", fmt=spec), Column("after", fmt=spec)])
    if changes and exit_code:
        raise typer.Exit(3)


@app.command("preview", help="Apply a mapping file to a few records of a connection: the source values "
             "and the mapped rows, before you export." + examples(
                 "makini mappings preview mapping.toml -c 09000207611898",
                 "makini mappings preview mapping.toml -c 09000207611898 --sample 10 -o json"))
def preview_cmd(
    file: str = typer.Argument(..., help="Mapping file (TOML)."),
    connection: str = connection_option(),
    sample: int = _sample_option(3),
    domain: str = _domain_option(),
) -> None:
    from .. import mapping
    from .. import mapping_views as views
    from ._common import require_connection

    c = ctx()
    out = c.output
    m = mapping.load_mapping(file)
    for p in m.problems:
        out.warn(str(p))
    connection = require_connection(connection)
    dom = views.pick_domain(m.entity, domain)
    items = c.run(lambda client: views.preview(client, connection, m, dom, sample))
    if out.format == "table" and not out.query and out.stdout_tty:
        from .. import mapping_render

        mapping_render.preview(out, items, m.names)
    else:
        out.emit(items)


@app.command("template", help="Print a starter mapping file for an entity: every top-level field as "
             "a column, ready to trim, rename and validate." + examples(
                 "makini mappings template purchase-orders > mapping.toml",
                 "makini mappings template work-orders"))
def template_cmd(entity: str = typer.Argument("purchase-orders", help="Entity, e.g. purchase-orders.")) -> None:
    from ..mapping_template import render

    typer.echo(render(entity), nl=False)
