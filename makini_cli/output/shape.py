"""The shape of what is written: `--columns` picks fields (in every format), and the rows a
`--query` makes (lists, scalars) become records with named fields."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from .columns import Column, pick, select
from .data import query_names


def choose(names: list[str], data: Any, columns: list[Column] | None, *,
           keep_rows: bool) -> tuple[Any, list[Column] | None]:
    """--columns on a record or a list of records: the chosen columns, and the data reduced to
    those keys (unless `keep_rows`: a table or CSV picks the cells itself)."""
    if isinstance(data, dict):
        chosen = select(names, columns, [data])
        return {c.key: pick(data, c.key) for c in chosen}, chosen
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        chosen = select(names, columns, data)
        if keep_rows:
            return data, chosen
        return [{c.key: pick(r, c.key) for c in chosen} for r in data], chosen
    return data, columns  # a query's lists or scalars: no fields to pick


def choose_stream(names: list[str], items: Iterator[Any], columns: list[Column] | None, *,
                  keep_rows: bool) -> tuple[Iterator[Any], list[Column]]:
    """The same for a stream: the first rows tell which fields there are."""
    head = list(itertools.islice(items, 50))
    chosen = select(names, columns, [r for r in head if isinstance(r, dict)])
    rows = itertools.chain(head, items)
    if keep_rows:
        return rows, chosen
    return ({c.key: pick(r, c.key) for c in chosen} if isinstance(r, dict) else r for r in rows), chosen


def records(rows: list[Any], parsed_query: dict | None) -> tuple[list[dict], list[Column] | None]:
    """Rows as records: a query's lists become one field per value (named after the query's
    fields where it names them), its scalars one field; records stay as they are."""
    if not rows or all(isinstance(r, dict) for r in rows):
        return rows, None
    width = max(len(r) if isinstance(r, list) else 1 for r in rows if not isinstance(r, dict))
    names = query_names(parsed_query, width)
    out = []
    for r in rows:
        if isinstance(r, dict):
            out.append(r)
        elif isinstance(r, list):
            out.append(dict(zip(names, r)))
        else:
            out.append({names[0]: r})
    return out, [Column(n) for n in names]
