"""`makini field-mappings fields`: the unified model, offline."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = ("The unified model: its entities, or one entity's fields (name, type, "
        "description, nested objects such as addresses and line items). Works offline." + examples(
            "makini mappings fields",
            "makini mappings fields purchase-orders",
            "makini mappings fields purchase-orders --nested -o csv"))


def fields(
    entity: str = typer.Argument(None, help="Entity, e.g. purchase-orders (omit to list entities)."),
    nested: bool = typer.Option(False, "--nested", help="Also list sub-fields: shipmentAddress.city, lineItems[].price."),
) -> None:
    from ...mappings import model as um
    from ...output import Column

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
