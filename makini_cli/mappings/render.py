"""Terminal views for `makini mappings`: fill-rate tables, the compare heat map, previews.

Only used on a TTY in table format; every other format goes through `Output.emit`. Rich is
imported here, so this module is imported by command bodies only when a table is drawn.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text

from ..output import Column, Output, cell, inert, tables
from ..output.tables import new_table


def pct(rate: float | None) -> str:
    """A rate as a percentage that never rounds a gap away: 0.996 shows 99%, 0.004 shows 1%."""
    if rate is None:
        return "—"
    if rate in (0, 1):
        return f"{rate * 100:.0f}%"
    return f"{min(99, max(1, round(rate * 100)))}%"


# Discrete buckets in named colours: they survive 16- and 256-colour terminals, where a
# gradient degrades to arbitrary neighbours.
HEAT = ((1.0, "black on green"), (0.75, "black on bright_green"), (0.5, "black on yellow"),
        (0.0001, "black on bright_red"), (0.0, "white on red"))


def heat(rate: float | None, color: bool) -> Text:
    text = "—" if rate is None else pct(rate).rstrip("%")
    text = f"{text:>4}"
    if rate is None:
        return Text(text, style="dim")
    if not color:
        return Text(text)
    style = next(s for floor, s in HEAT if rate >= floor)
    return Text(text, style=style)


def fill(rate: float | None, color: bool) -> Text:
    style = "" if not color or rate is None else ("green" if rate == 1 else "red" if rate == 0 else "yellow")
    return Text(pct(rate), style=style)


FIELD_COLUMNS = [Column("field", "FIELD", kind="fixed", priority=100), Column("type", "TYPE", priority=60),
                 Column("fill", "FILL", justify="right", priority=90),
                 Column("example", "EXAMPLE", kind="text", priority=50)]
SOURCE_COLUMNS = [Column("table", "TABLE", kind="text", priority=100), Column("column", "COLUMN", priority=90),
                  Column("feeds", "FEEDS", kind="text", priority=80), Column("match", "MATCH", justify="right",
                                                                            priority=70)]


def _fields_table(out: Output, title: str, rows: list[dict[str, Any]], color: bool):
    cells = [[row["field"], row["type"], fill(row["fill_rate"], color), cell(row["example"])[:60]]
             for row in rows]
    return out.fit_table(FIELD_COLUMNS, cells, title=title)


def show(out: Output, data: dict[str, Any]) -> None:
    color = out.color
    parts: list[Any] = [Text(inert(f"{data['entity']} on connection {data['connection'] or '(token)'} "
                                   f"({data['domain']}): {data['sampled']} records sampled"), style="bold")]
    parts.append(_fields_table(out, "Unified fields", data["fields"], color))
    if data["custom_fields"]:
        parts.append(_fields_table(out, "Beyond the unified model (custom fields)", data["custom_fields"], color))
    else:
        parts.append(Text("No fields beyond the unified model in the sample.", style="dim"))
    if data.get("sources"):
        cells, sections = [], []
        for src in data["sources"]:
            label = src["table"] + (f" — {src['description']}" if src.get("description") else "")
            sections.append(len(cells))
            for i, col in enumerate(src["columns"]):
                feeds = " | ".join([col["field"]] + col.get("also", [])) if col.get("field") else Text("?", style="dim")
                cells.append([label if i == 0 else "", col["column"], feeds,
                              pct(col["match"]) if col.get("match") is not None else ""])
        parts.append(out.fit_table(SOURCE_COLUMNS, cells, title="Source tables (/api/raw/tables)",
                                   sections=sections))
    out.print(Group(*parts))


HEAT_COLUMN = 4  # "100" and "—" right-aligned in four cells


def heatmap(out: Output, entity: str, rows: list[dict[str, Any]], connections: list[str],
            names: dict[str, str], failed: dict[str, str]) -> None:
    """Numbered connection columns with a legend below: ten connections fit 80 columns. When
    more do not fit the terminal, as many tables as it takes, one after the other (no cursor
    tricks: it reads the same in a pager or a file), and a line saying so."""
    field_width = max([len("FIELD")] + [cell_len(inert(r["field"])) for r in rows])
    width = out.width
    fits = len(connections) or 1
    if width is not None:
        fits = max(1, (width - field_width) // (HEAT_COLUMN + 1))
    count = -(-len(connections) // fits) or 1  # tables needed; then spread evenly: 5, 4, 4 not 6, 6, 1
    size = -(-len(connections) // count) or 1
    chunks = [list(range(i, min(i + size, len(connections)))) for i in range(0, len(connections), size)] or [[]]
    if len(chunks) > 1:
        out.aside(f"{len(connections)} connections in {len(chunks)} tables of up to {size}, to fit {width} columns")
    out.print(Text(inert(f"Fill rates of {entity} (% of sampled records)"), style="bold"))
    custom_at = next((n for n, row in enumerate(rows) if row["custom"]), None)
    for chunk in chunks:
        if len(chunks) > 1:
            out.print(Text(f"connections {chunk[0] + 1}–{chunk[-1] + 1} of {len(connections)}"
                           if len(chunk) > 1 else f"connection {chunk[0] + 1} of {len(connections)}", style="bold"))
        table = new_table(padding=0)  # columns one space apart (the box's divider)
        table.add_column("FIELD", no_wrap=True, width=field_width)
        for i in chunk:
            table.add_column(f"{i + 1:>{HEAT_COLUMN}}", justify="right", no_wrap=True, width=HEAT_COLUMN)
        for n, row in enumerate(rows):
            if n == custom_at and n:
                table.add_section()  # the rule between the unified fields and the custom ones
            label = Text(inert(row["field"]), style="italic" if row["custom"] and out.color else "")
            table.add_row(label, *[heat(row.get(connections[i]), out.color) for i in chunk])
        table.total_width = field_width + len(chunk) * (HEAT_COLUMN + 1)
        out.print(table)
    legend = new_table(box=None, show_header=False)
    for _ in range(3):
        legend.add_column(overflow="fold")
    for i, conn in enumerate(connections, 1):
        note = Text(inert(f"failed: {failed[conn]}"), style="red" if out.color else "") if conn in failed else Text("")
        legend.add_row(Text(inert(f"{i:>2} {conn}")), Text(inert(names.get(conn, ""))), note)
    out.print(legend)
    if custom_at:
        out.print(Text("Rows below the line are fields beyond the unified model (custom fields).", style="dim"))


def preview(out: Output, items: list[dict[str, Any]], names: list[str]) -> None:
    for item in items:
        before = tables.record(item["before"].items(), width=out.width,
                               title=f"Record {item['key']}: source values")
        after = out.fit_table([Column(n, n, kind="text") for n in names],
                              [[cell(row.get(n)) for n in names] for row in item["after"]], title="mapped")
        out.print(Group(before, after))
        out.print(Text(""))
