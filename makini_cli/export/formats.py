"""Encoders for exported rows: NDJSON, a JSON array, and CSV with a stable column order.

Each encoder turns one page of rows into one string, so the engine writes a page with a single
call and can record exactly how many bytes a page took (that is what `--resume` truncates to).
The hot path stays in C where it can: one reused JSONEncoder, one csv.writer per page.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

FORMATS = ("ndjson", "csv", "json")
CUSTOM = "customFields"
LINE_PREFIX = "line."


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)  # the same digits; money never passes through a float
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


# UTF-8 text as is, like the rest of the CLI's JSON. Records written unchanged never get here
# (rawpage keeps the server's own text), so this is off the hot path of a plain export.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default).encode
encode = _encode


class Raw(str):
    """A record's JSON text, written as it is."""


def cell(value: Any) -> Any:
    """A CSV cell: strings as given, nested values as compact JSON, booleans as JSON does."""
    if value is None or type(value) is str:
        return value  # csv writes None as an empty cell
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (dict, list)):
        return _encode(value)
    return str(value)


# --- column layout -------------------------------------------------------------------------
# Order scalars in the spec's order, each address flattened in place, then createdAt (in the
# request body, not the PurchaseOrder schema, but servers send it) and one JSON column holding
# whatever a system adds beyond the model, so the header never depends on the data.
# Built on first use: the field lists live beside the pydantic models, which NDJSON never needs.
@lru_cache(maxsize=1)
def _layout() -> tuple[list[tuple[str, str | None]], frozenset, tuple[str, ...], frozenset]:
    from ..api.po_models import ADDRESS_FIELDS, ADDRESS_OBJECTS, LINE_FIELDS, PO_FIELDS

    order: list[tuple[str, str | None]] = []
    for name in PO_FIELDS:
        if name == "lineItems":
            continue
        if name in ADDRESS_OBJECTS:
            order.extend((name, sub) for sub in ADDRESS_FIELDS)
        else:
            order.append((name, None))
    order.append(("createdAt", None))
    known = frozenset(name for name, _ in order) | {"lineItems"}
    return order, known, LINE_FIELDS, frozenset(LINE_FIELDS)


def order_columns(connection: bool) -> list[str]:
    cols = ["connection"] if connection else []
    cols += [name if sub is None else f"{name}.{sub}" for name, sub in _layout()[0]]
    return cols + [CUSTOM]


def line_columns() -> list[str]:
    return [LINE_PREFIX + f for f in _layout()[2]] + [LINE_PREFIX + CUSTOM]


def _custom(record: dict, known: frozenset, skip: dict | None = None) -> str | None:
    extra = {k: v for k, v in record.items() if k not in known
             and not (skip and skip.get(k) == v)}
    return _encode(extra) if extra else None


def order_cells(order: dict, connection: str | None) -> list:
    layout, known, _, _ = _layout()
    row: list = [] if connection is None else [connection]
    get = order.get
    for name, sub in layout:
        if sub is None:
            row.append(cell(get(name)))
        else:
            obj = get(name)
            row.append(cell(obj.get(sub)) if isinstance(obj, dict) else None)
    row.append(_custom(order, known))
    return row


def line_cells(line: dict, order_key: Any) -> list:
    _, _, fields, known = _layout()
    if not isinstance(line, dict):
        return [None] * len(fields) + [_encode(line)]
    row = [cell(line.get(f)) for f in fields]
    # `purchaseOrderKey` repeats the order's key: not worth a custom column entry when it does
    row.append(_custom(line, known, {"purchaseOrderKey": order_key}))
    return row


# --- encoders ------------------------------------------------------------------------------
class Encoder:
    """Turns pages of rows into text. `header()` once at the start, `page(rows)` per page,
    `footer()` at the end; `page` must know whether anything was written before (JSON commas)."""

    def header(self) -> str:
        return ""

    def page(self, rows: Iterable[Any], first: bool) -> tuple[str, int]:
        raise NotImplementedError

    def footer(self, wrote_any: bool) -> str:
        return ""


def _texts(rows: Iterable[Any]) -> list[str]:
    # strings are records' own JSON text (rawpage); anything else is encoded here
    return [r if isinstance(r, str) else _encode(r) for r in rows]


class NdjsonEncoder(Encoder):
    def page(self, rows: Iterable[Any], first: bool) -> tuple[str, int]:
        parts = _texts(rows)
        return ("\n".join(parts) + "\n" if parts else ""), len(parts)


class JsonEncoder(Encoder):
    def header(self) -> str:
        return "["

    def page(self, rows: Iterable[Any], first: bool) -> tuple[str, int]:
        parts = _texts(rows)
        if not parts:
            return "", 0
        return ("\n" if first else ",\n") + ",\n".join(parts), len(parts)

    def footer(self, wrote_any: bool) -> str:
        return "\n]\n" if wrote_any else "]\n"


class CsvEncoder(Encoder):
    """Rows are lists of cells already (see `order_rows`); the header is the column list.
    `safe` (--csv-safe) neutralises cells a spreadsheet would run as formulas."""

    def __init__(self, columns: list[str], *, safe: bool = False) -> None:
        self.columns = columns
        self.safe = safe

    def _dump(self, rows: Iterable[list], safe: bool = False) -> tuple[str, int]:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        before = buf.tell()
        count = 0
        if safe:
            from ..output.untrusted import csv_safe

            rows = ([csv_safe(v) for v in row] for row in rows)
        for row in rows:
            writer.writerow(row)
            count += 1
        return (buf.getvalue() if buf.tell() != before else ""), count

    def header(self) -> str:
        return self._dump([self.columns])[0]

    def page(self, rows: Iterable[Any], first: bool) -> tuple[str, int]:
        return self._dump(rows, self.safe)


# --- orders to rows ------------------------------------------------------------------------
Transform = Callable[[dict], "dict | list[dict] | None"]


def csv_order_rows(order: dict, connection: str | None, lines: bool) -> list[list]:
    """One CSV row per line item carrying the order's columns (an order without lines still
    gets one row, so no order disappears), or one row per order with lines off."""
    head = order_cells(order, connection)
    if not lines:
        return [head]
    items = order.get("lineItems")
    if not isinstance(items, list) or not items:
        return [head + [None] * (len(_layout()[2]) + 1)]
    key = order.get("key")
    return [head + line_cells(li, key) for li in items]


def mapped_csv_rows(records: Iterable[dict], columns: list[str]) -> list[list]:
    return [[cell(r.get(c)) for c in columns] for r in records]
