"""Tables for people: one house style, and a layout that fits the terminal.

The layout never cuts what a person copies into a ticket or a command (ids, keys, amounts,
dates, states, request ids): free-text columns shrink first, down to a floor, with `…`; when
even that does not fit, whole columns are left out, lowest priority first, and the caller says
which. Every cell is one line. Rich draws the result with the widths decided here (Rich's own
shrinking would cut any column evenly). Imported only when a table is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from .columns import Column
from .untrusted import inert

HEADER_STYLE = "bold"
TITLE_STYLE = "bold"
GAP = 2        # columns are two spaces apart
MIN_TEXT = 10  # free text shrinks to this (or its header's width), not less
# No honest id, key, amount or state is this wide (UUIDs are 36): a longer value in such a
# column is data gone wrong, and may be cut too rather than push every other column out.
MAX_FIXED = 48
# SIMPLE_HEAD with a rule where a section ends (Table.add_section): SIMPLE_HEAD draws none.
RULED = box.Box("    \n"
                "    \n"
                " ── \n"
                "    \n"
                " ── \n"
                " ── \n"
                "    \n"
                "    \n")


def text(value: Any, style: str = "") -> Text:
    """A cell or a line of untrusted text: inert, never markup."""
    if isinstance(value, Text):
        return value
    return Text(inert(value), style=style)


def fit(natural: Sequence[int], minimum: Sequence[int], priority: Sequence[float],
        width: int | None, shrinks: Sequence[bool] | None = None) -> tuple[list[int], list[int]]:
    """(content width per column, indexes of the columns left out) for `width` cells of screen,
    or the natural widths when width is None. What is left over after every minimum goes to the
    columns that do not shrink first (an over-long "id"), then to free text."""
    widths = list(natural)
    if width is None:
        return widths, []
    shown = list(range(len(natural)))

    def need(cols: list[int], size: Sequence[int]) -> int:
        return sum(size[i] for i in cols) + GAP * (len(cols) - 1)

    dropped: list[int] = []
    while len(shown) > 1 and need(shown, minimum) > width:
        victim = min(shown, key=lambda i: (priority[i], -i))
        shown.remove(victim)
        dropped.append(victim)
    if need(shown, natural) > width:
        spare = width - need(shown, minimum)
        for i in shown:
            widths[i] = minimum[i]
        text = shrinks or [True] * len(natural)
        for phase in (False, True):
            growable = [i for i in shown if natural[i] > minimum[i] and text[i] == phase]
            while spare > 0 and growable:  # hand out what is left in proportion to what each lacks
                lack = sum(natural[i] - widths[i] for i in growable)
                given = 0
                for i in growable:
                    share = max(1, spare * (natural[i] - widths[i]) // lack)
                    share = min(share, natural[i] - widths[i], spare - given)
                    widths[i] += share
                    given += share
                spare -= given
                growable = [i for i in growable if widths[i] < natural[i]]
                if given == 0:
                    break
    return widths, sorted(dropped)


def priorities(columns: Sequence[Column]) -> list[float]:
    """Declared priorities; undeclared columns go first, the rightmost first, except the first."""
    out = []
    for i, col in enumerate(columns):
        if col.priority is not None:
            out.append(float(col.priority))
        else:
            out.append(float("inf") if i == 0 else -float(i))
    return out


def build(columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, width: int | None,
          title: str | None = None, sections: Iterable[int] = ()) -> tuple[Table, list[Column], int]:
    """A table of `rows` (cells as str or Text) fitted to `width` (None: every column at full
    width). Returns the table, the columns left out, and the width it takes."""
    cells = [[text(v) for v in row] for row in rows]
    heads = [Text(inert(c.title)) for c in columns]
    natural = [max([heads[i].cell_len] + [row[i].cell_len for row in cells]) for i in range(len(columns))]
    minimum = [min(natural[i], max(heads[i].cell_len, MIN_TEXT if col.shrinks else MAX_FIXED))
               for i, col in enumerate(columns)]
    widths, dropped = fit(natural, minimum, priorities(columns), width, [c.shrinks for c in columns])
    shown = [i for i in range(len(columns)) if i not in dropped]
    table = new_table(title)
    for i in shown:
        col = columns[i]
        table.add_column(heads[i], justify=col.justify, no_wrap=True, width=max(1, widths[i]),
                         overflow="ellipsis")
    starts = set(sections)
    for n, row in enumerate(cells):
        if n in starts and n:
            table.add_section()
        table.add_row(*[row[i] for i in shown])
    total = sum(max(1, widths[i]) for i in shown) + GAP * (len(shown) - 1)
    return table, [columns[i] for i in dropped], total


def new_table(title: str | None = None, **kw: Any) -> Table:
    """An empty table in the house style (headers bold and upper case, two spaces apart)."""
    options: dict[str, Any] = {"box": RULED, "show_edge": False, "pad_edge": False, "padding": (0, 1, 0, 0),
                               "header_style": HEADER_STYLE, "title_justify": "left"}
    options.update(kw)
    return Table(title=Text(inert(title), style=TITLE_STYLE) if title else None, **options)


def record(pairs: Iterable[tuple[str, Any]], *, width: int | None, title: str | None = None) -> Table:
    """One record as FIELD / VALUE lines; long values wrap at word boundaries."""
    pairs = [(text(k, "bold"), text(v)) for k, v in pairs]
    table = new_table(title, show_header=False)
    key_width = max([k.cell_len for k, _ in pairs] or [1])
    table.add_column(no_wrap=True, width=key_width)
    value_width = None if width is None else max(MIN_TEXT, width - key_width - GAP)
    if value_width is None:
        table.add_column(no_wrap=True)
    else:
        table.add_column(overflow="fold", width=value_width)
    for k, v in pairs:
        table.add_row(k, v)
    return table
