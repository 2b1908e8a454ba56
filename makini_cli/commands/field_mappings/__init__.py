"""`makini field-mappings` (alias `mappings`): the unified model, how each connection fills it,
custom fields, and mapping files that map the model onto your own columns for exports."""

from __future__ import annotations

import typer

from . import compare, custom_fields, diff, fields, preview, show, template, validate

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

app.command("fields", help=fields.HELP)(fields.fields)
app.command("show", help=show.HELP)(show.show)
app.command("compare", help=compare.HELP)(compare.compare)
app.command("custom-fields", help=custom_fields.HELP)(custom_fields.custom_fields)
app.command("validate", help=validate.HELP)(validate.validate)
app.command("diff", help=diff.HELP)(diff.diff)
app.command("preview", help=preview.HELP)(preview.preview)
app.command("template", help=template.HELP)(template.template)
