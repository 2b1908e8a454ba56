"""How purchase orders look on a terminal: list and line-item columns, the vendor and status
names they show, the detail view of one order, and the translation of filter options into the
spec's query parameters.

Imported only inside command bodies (it pulls in the API layer); Rich only when drawing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from ...api import query
from ...errors import MakiniError, UsageError
from ...output import Column, Output, cell

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- filters -----------------------------------------------------------------------------------
def _stamp(dt: datetime) -> str:
    from ...timeutil import format_rfc3339

    return format_rfc3339(dt)


def time_bound(text: str, option: str, *, upper: bool, now: datetime) -> tuple[str, str]:
    """(operator, UTC timestamp) for --since/--until/--updated-since values: a date (a whole
    day: --until includes it), an ISO 8601 time, or a duration back from now (`7d`, `12h`)."""
    try:
        return _time_bound(text, option, upper=upper, now=now)
    except OverflowError:  # 9999-12-31 as an --until (the next day), 99999999d back from now
        raise UsageError(f"bad {option} {text!r}: out of the range of dates",
                         hint="use a date between 0001-01-01 and 9999-12-30, or a shorter duration") from None


def _time_bound(text: str, option: str, *, upper: bool, now: datetime) -> tuple[str, str]:
    from ...timeutil import parse_duration, parse_rfc3339

    value = text.strip()
    if _DATE.match(value):
        try:
            day = parse_rfc3339(value, date_ok=True)
        except ValueError:
            raise UsageError(f"bad {option} {text!r}: not a date") from None
        return ("lt", _stamp(day + timedelta(days=1))) if upper else ("gteq", _stamp(day))
    try:
        dt = parse_rfc3339(value, naive_is_utc=True)
    except ValueError:
        try:
            dt = now - timedelta(seconds=parse_duration(value, option))
        except UsageError:
            raise UsageError(f"bad {option} {text!r}",
                             hint="use a date (2025-06-30), a time (2025-06-30T08:00:00Z) or a "
                                  "duration back from now (7d, 12h, 1h30m)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return ("lteq" if upper else "gteq"), _stamp(dt)


def base_filters(*, since: str | None, until: str | None, updated_since: str | None,
                 filters: list[str] | None, now: datetime) -> list[query.Filter]:
    """The filters that need no lookup on the connection (the same for every connection)."""
    out: list[query.Filter] = []
    for value, field, option, upper in ((since, "orderDate", "--since", False),
                                         (until, "orderDate", "--until", True),
                                         (updated_since, "updatedAt", "--updated-since", False)):
        if value:
            op, stamp = time_bound(value, option, upper=upper, now=now)
            out.append(query.Filter(field, op, stamp))
    out.extend(query.parse_filter(f) for f in filters or [])
    return out


def parse_sorts(sorts: list[str] | None) -> list[tuple[str, bool]]:
    return [query.parse_sort(s) for s in sorts or []]


def check_match(match: str | None) -> str | None:
    if match is not None and match not in ("all", "any"):
        raise UsageError(f"bad --match {match!r}: expected all or any")
    return match


async def connection_filters(client, connection, domain: str, base: list[query.Filter], *,
                             status: str | None, vendor: str | None) -> list[query.Filter]:
    """Add the filters whose keys differ per connection (status and vendor keys)."""
    from ...api import purchase_orders as po

    out = list(base)
    if status:
        found = await po.resolve_status(client, connection, domain, status)
        out.insert(0, query.Filter("statusKey", "eq", str(found["key"])))
    if vendor:
        key = await po.resolve_vendor(client, connection, domain, vendor)
        out.insert(0, query.Filter("vendorKey", "eq", key))
    return out


async def names(client, conn, domain) -> tuple[dict, dict]:
    """Vendor and status names for readable output; keys stay when a lookup is not allowed."""
    from ...api import purchase_orders as po

    try:
        vendors = await po.vendor_names(client, conn, domain)
    except MakiniError:
        vendors = {}
    try:
        statuses = {str(s.get("key")): str(s.get("name") or s.get("code"))
                    for s in await po.statuses(client, conn, domain)}
    except MakiniError:
        statuses = {}
    return vendors, statuses


# --- table columns -----------------------------------------------------------------------------
def day(value: Any, _row: dict | None = None) -> str:
    """A timestamp's date part, for narrow table columns (JSON keeps the whole timestamp)."""
    text = cell(value)
    return text[:10] if len(text) >= 10 and text[4:5] == "-" else text


# Too narrow a terminal leaves out the lowest priorities first; the vendor's name shrinks first.
LIST_COLUMNS = [
    Column("orderNo", "ORDER", priority=100), Column("vendor", "VENDOR", kind="text", priority=70),
    Column("status", "STATUS", priority=90), Column("orderDate", "ORDERED", fmt=day, priority=75),
    Column("dueAt", "DUE", fmt=day, priority=40), Column("currencyKey", "CUR", priority=85),
    Column("totalNetValue", "NET", justify="right", priority=50),
    Column("totalGrossValue", "GROSS", justify="right", priority=88),
    Column("lines", "LINES", justify="right", priority=30), Column("key", "KEY", priority=60),
]

LINE_COLUMNS = [
    Column("lineNo", "LINE", priority=100), Column("code", "CODE", priority=90),
    Column("description", "DESCRIPTION", kind="text", priority=70),
    Column("quantity", "QTY", justify="right", priority=85),
    Column("receivedQuantity", "RECEIVED", justify="right", priority=40),
    Column("uomKey", "UOM", priority=80), Column("price", "UNIT PRICE", justify="right", priority=75),
    Column("discount", "DISCOUNT", justify="right", priority=30),
    Column("lineTaxValue", "TAX", justify="right", priority=35),
    Column("lineTotalValue", "TOTAL", justify="right", priority=88),
    Column("deliveryAt", "DELIVERY", fmt=day, priority=50),
]

STATUS_COLUMNS = [Column("key", "KEY"), Column("code", "CODE"), Column("subCode", "SUBCODE"),
                  Column("name", "NAME", kind="text"), Column("isActive", "ACTIVE")]


def list_row(order: dict, vendors: dict[str, str], statuses: dict[str, str]) -> dict:
    lines = order.get("lineItems")
    vendor = order.get("vendorKey")
    status = order.get("statusKey")
    return {"key": order.get("key"), "orderNo": order.get("orderNo"),
            "vendor": vendors.get(str(vendor), vendor), "status": statuses.get(str(status), status),
            "orderDate": order.get("orderDate"), "dueAt": order.get("dueAt"),
            "currencyKey": order.get("currencyKey"), "totalNetValue": order.get("totalNetValue"),
            "totalGrossValue": order.get("totalGrossValue"),
            "lines": len(lines) if isinstance(lines, list) else None}


def line_row(line: dict) -> dict:
    row = dict(line)
    if not row.get("description"):
        row["description"] = row.get("name")
    return row


# --- detail view -------------------------------------------------------------------------------
def _address(addr: Any) -> str:
    from ...output import inert

    if not isinstance(addr, dict):
        return "-"
    parts = [addr.get("addressee"), addr.get("addressLines"),
             " ".join(str(p) for p in (addr.get("postCode"), addr.get("city")) if p),
             " ".join(str(p) for p in (addr.get("state"), addr.get("country")) if p),
             addr.get("phone"), addr.get("email")]
    # one line per part, whatever a part holds
    return "\n".join(inert(cell(p)) for p in parts if p) or "-"


def render_detail(out: Output, order: dict, *, vendor: str | None, status: str | None,
                  show_lines: bool) -> None:
    """A terminal view of one order: header, parties, dates, addresses, totals, lines. Every
    value is the order's own data: shown inert (never markup, controls made visible)."""
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from ...api.po_models import PO_FIELDS
    from ...output import inert
    from ...output.tables import new_table, text

    cur = order.get("currencyKey") or ""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    rows = [("Key", order.get("key")), ("Vendor", vendor or order.get("vendorKey")),
            ("Status", status or order.get("statusKey")), ("Title", order.get("title")),
            ("Ordered", order.get("orderDate")), ("Due", order.get("dueAt")),
            ("Approved", order.get("approvedAt")), ("Completed", order.get("completedAt")),
            ("Shipping", order.get("shippingMethod")), ("Shipped", order.get("shipmentDate")),
            ("Payment terms", order.get("terms")), ("Site", order.get("siteKey")),
            ("Net total", f"{cell(order.get('totalNetValue'))} {cell(cur)}".strip()),
            ("Gross total", f"{cell(order.get('totalGrossValue'))} {cell(cur)}".strip()),
            ("Notes", order.get("notes")), ("Updated", order.get("updatedAt"))]
    for label, value in rows:
        if value not in (None, ""):
            facts.add_row(label, text(cell(value)))
    custom = {k: v for k, v in order.items() if k not in PO_FIELDS and k != "createdAt"}
    for k, v in custom.items():
        facts.add_row(text(f"{k} (custom)"), text(cell(v)))
    addresses = new_table(box=box.SIMPLE_HEAD, expand=False)
    for title in ("SHIP TO", "BILL TO", "DELIVER TO"):
        addresses.add_column(title, overflow="fold")
    addresses.add_row(*[Text(_address(order.get(k))) for k in
                        ("shipmentAddress", "billingAddress", "deliveryAddress")])
    parts: list[Any] = [facts, addresses]
    lines = order.get("lineItems") if isinstance(order.get("lineItems"), list) else []
    if show_lines and lines:
        width = out.width
        cells = []
        for line in lines:
            row = line_row(line) if isinstance(line, dict) else {"description": line}
            cells.append([(col.fmt(row.get(col.key), row) if col.fmt else cell(row.get(col.key)))
                          for col in LINE_COLUMNS])
        # inside the panel: its border and padding take 4 columns
        parts.append(out.fit_table(LINE_COLUMNS, cells, title="Line items",
                                   width=None if width is None else max(20, width - 4)))
    elif lines:
        parts.append(Text(f"{len(lines)} line item(s): add --lines to list them", style="dim"))
    title = Text(inert(f"Purchase order {order.get('orderNo') or order.get('key')}"), style="bold")
    out.print(Panel(Group(*parts), title=title, title_align="left", box=box.ROUNDED, expand=False))


def show(out: Output, order: dict) -> None:
    """An order `po create`/`po update` returned: the detail view on a terminal, else as data."""
    if out.custom_view:
        render_detail(out, order, vendor=None, status=None, show_lines=True)
    else:
        out.emit(order)
