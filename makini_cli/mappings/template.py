"""A starter mapping file for an entity: every top-level field as a column (snake_case names),
nested objects and lists as commented examples, so a user trims rather than types."""

from __future__ import annotations

import json
import re

from . import model as um


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def render(entity: str) -> str:
    ent = um.entity(entity)
    q = json.dumps
    lines = [f"# Mapping of {entity} onto your own columns. Check it with",
             "#   makini mappings validate FILE",
             "# and use it with `makini po export --mapping FILE` (purchase orders).",
             "# Valid field paths: makini mappings fields " + entity + " --nested", "",
             "version = 1", f"entity = {q(entity)}", ""]
    examples: list[str] = []
    for f in ent.fields:
        if f.body_only:
            continue
        if f.of:
            sub = next(iter(um.schema_fields(f.of)), None)
            if sub is None:
                continue
            path = f"{f.name}[].{sub.name}" if f.type == "array" else f"{f.name}.{sub.name}"
            examples += [f"# [columns.{snake(f.name)}_{snake(sub.name)}]", f"# field = {q(path)}", ""]
            continue
        lines += [f"[columns.{snake(f.name)}]", f"field = {q(f.name)}", ""]
    if examples:
        lines += ["# Nested objects and lists (a `[]` path gives one row per list item):", ""] + examples
    lines += ["# A constant, a custom field (beyond the unified model), a default when empty:",
              "# [columns.source]", '# const = "makini"', "# [columns.cost_center]",
              '# custom = "ZZ_COST_CENTER"', '# default = ""', "",
              "# Per-connection overrides replace a column's source for one connection:",
              '# [connections."09000207611898".columns.' + (snake(ent.fields[0].name) if ent.fields else "key") + "]",
              f"# field = {q(ent.fields[0].name if ent.fields else 'key')}", ""]
    return "\n".join(lines)
