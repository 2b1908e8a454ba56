"""Terminal views for `makini mappings`: fill-rate tables, the compare heat map, previews.

Only used on a TTY in table format; every other format goes through `Output.emit`. Rich is
imported here, so this module is imported by command bodies only when a table is drawn.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..output import Output, cell


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


def _fields_table(title: str, rows: list[dict[str, Any]], color: bool) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", show_edge=False)
    for name, justify in (("field", "left"), ("type", "left"), ("fill", "right"), ("example", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for row in rows:
        table.add_row(row["field"], row["type"], fill(row["fill_rate"], color),
                      Text(cell(row["example"])[:60]))
    return table


def show(out: Output, data: dict[str, Any]) -> None:
    color = out.color
    parts: list[Any] = [Text(f"{data['entity']} on connection {data['connection'] or '(token)'} "
                             f"({data['domain']}): {data['sampled']} records sampled", style="bold")]
    parts.append(_fields_table("Unified fields", data["fields"], color))
    if data["custom_fields"]:
        parts.append(_fields_table("Beyond the unified model (custom fields)", data["custom_fields"], color))
    else:
        parts.append(Text("No fields beyond the unified model in the sample.", style="dim"))
    if data.get("sources"):
        table = Table(box=box.SIMPLE_HEAD, title="Source tables (/api/raw/tables)",
                      title_justify="left", show_edge=False)
        for name in ("table", "column", "feeds", "match"):
            table.add_column(name, overflow="fold")
        for src in data["sources"]:
            label = src["table"] + (f" — {src['description']}" if src.get("description") else "")
            for i, col in enumerate(src["columns"]):
                feeds = " | ".join([col["field"]] + col.get("also", [])) if col.get("field") else Text("?", style="dim")
                table.add_row(label if i == 0 else "", col["column"], feeds,
                              pct(col["match"]) if col.get("match") is not None else "")
            table.add_section()
        parts.append(table)
    out.console().print(Group(*parts))


def heatmap(out: Output, entity: str, rows: list[dict[str, Any]], connections: list[str],
            names: dict[str, str], failed: dict[str, str]) -> None:
    """Numbered connection columns with a legend below: ten connections still fit 80 columns."""
    console = out.console()
    table = Table(box=box.SIMPLE_HEAD, title=f"Fill rates of {entity} (% of sampled records)",
                  title_justify="left", show_edge=False, padding=(0, 0))
    table.add_column("field", no_wrap=True, max_width=32, overflow="ellipsis")
    for i, conn in enumerate(connections, 1):
        table.add_column(f"{i:>4}", justify="right", no_wrap=True, min_width=4)
    custom_started = False
    for row in rows:
        if row["custom"] and not custom_started:
            table.add_section()
            custom_started = True
        label = Text(row["field"], style="italic" if row["custom"] and out.color else "")
        table.add_row(label, *[heat(row.get(c), out.color) for c in connections])
    console.print(table)
    legend = Table(box=None, show_header=False, pad_edge=False)
    for _ in range(3):
        legend.add_column(overflow="fold")
    for i, conn in enumerate(connections, 1):
        note = Text(f"failed: {failed[conn]}", style="red" if out.color else "") if conn in failed else Text("")
        legend.add_row(f"{i:>2} {conn}", names.get(conn, ""), note)
    console.print(legend)
    if custom_started:
        console.print(Text("Rows below the line are fields beyond the unified model (custom fields).",
                           style="dim"))


def preview(out: Output, items: list[dict[str, Any]], names: list[str]) -> None:
    console = out.console()
    for item in items:
        before = Table(box=box.SIMPLE_HEAD, show_edge=False, title=f"Record {item['key']}: source values",
                       title_justify="left")
        before.add_column("field")
        before.add_column("value", overflow="fold")
        for path, value in item["before"].items():
            before.add_row(path, cell(value))
        after = Table(box=box.SIMPLE_HEAD, show_edge=False, title="mapped", title_justify="left")
        for name in names:
            after.add_column(name, overflow="fold")
        for row in item["after"]:
            after.add_row(*[cell(row.get(n)) for n in names])
        console.print(Group(before, after))
        console.print()
