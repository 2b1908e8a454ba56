"""Creating and updating records (POST/PUT on purchase orders, work orders, assets).

Validation follows the spec's request bodies loosely, as Laravel would: known fields are
type-checked, unknown ones ignored, references (vendorKey, siteKey, statusKey) must exist in
the connection. Money arrives as strings or JSON numbers (parsed as Decimal, never float);
order totals are recomputed from line items when lines are given.
"""

from __future__ import annotations

from ..timeutil import format_rfc3339, parse_rfc3339

import json
from decimal import Decimal, InvalidOperation

from . import store
from .catalog import PLATFORMS_BY_PROVIDER
from .errors import validation
from .fields import LINE_ITEM, PURCHASE_ORDER, STATUS, Entity
from .generate import money, ts
from .seed import record_key

_REFS = {"vendorKey": "vendors", "siteKey": "sites", "statusKey": "statuses",
         "assetKey": "assets"}
_LINE_FIELDS = ("code", "name", "description", "quantity", "price", "discount",
                "lineTaxValue", "uomKey", "materialKey", "productKey", "lineNo", "dueAt", "notes")


def _decimal(field: str, value) -> str:
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise InvalidOperation
        number = Decimal(str(value))
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise validation(field, f"The {field} field must be a decimal number "
                         "(a string such as \"12.50\").") from None
    return str(number)


def _timestamp(field: str, value) -> str:
    if not isinstance(value, str):
        raise validation(field, f"The {field} field must be an ISO 8601 date-time string.")
    try:
        dt = parse_rfc3339(value, naive_is_utc=True, date_ok=True)
    except ValueError:
        raise validation(field, f"The {field} field must be an ISO 8601 date-time.") from None
    return format_rfc3339(dt)


def _clean(e: Entity, body: dict, custom: tuple[str, ...]) -> tuple[dict, dict]:
    """(scalar column values, nested/custom values) from a request body."""
    cols, extra = {}, {}
    for name, kind in e.props:
        if name not in body or name in ("key", "createdAt", "updatedAt"):
            continue
        value = body[name]
        if value is None:
            (extra if kind == "j" else cols)[name] = None
        elif kind == "j":
            if not isinstance(value, (dict, list)):
                raise validation(name, f"The {name} field must be an object or an array.")
            extra[name] = value
        elif kind == "d":
            cols[name] = _decimal(name, value)
        elif kind == "t":
            cols[name] = _timestamp(name, value)
        elif kind == "b":
            if not isinstance(value, bool):
                raise validation(name, f"The {name} field must be true or false.")
            cols[name] = value
        else:
            if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
                raise validation(name, f"The {name} field must be a string.")
            cols[name] = str(value)
    for name in custom:
        if name in body:
            extra[name] = body[name]
    return cols, extra


def _check_refs(sb, conn_key: str, cols: dict, scope: str | None) -> None:
    for field, entity in _REFS.items():
        value = cols.get(field)
        if value is None or field not in cols:
            continue
        table = {"vendors": "vendors", "sites": "sites", "statuses": "statuses",
                 "assets": "assets"}[entity]
        sql, args = f"SELECT 1 FROM {table} WHERE conn = ? AND key = ?", [conn_key, value]
        if entity == "statuses" and scope:
            sql += " AND scope = ?"
            args.append(scope)
        if not sb.query(sql, args):
            raise validation(field, f"The selected {field} '{value}' does not exist.")


def _next_key(db, e: Entity, conn: dict) -> str:
    n = db.execute(f"SELECT COUNT(*) FROM {e.table} WHERE conn = ?", (conn["key"],)).fetchone()[0]
    return record_key(e.name, conn["idx"], n + 1)


def _custom(e: Entity, conn: dict) -> tuple[str, ...]:
    p = PLATFORMS_BY_PROVIDER[conn["provider"]]
    return {"purchase-orders": p.po_custom, "work-orders": p.wo_custom}.get(e.name, ())


def _lines(body: dict, order: dict) -> list[dict]:
    lines = body.get("lineItems")
    if lines is None:
        return []
    if not isinstance(lines, list):
        raise validation("lineItems", "The lineItems field must be an array.")
    out = []
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise validation(f"lineItems.{i}", f"Line item {i} must be an object.")
        rec = {k: line.get(k) for k in _LINE_FIELDS if line.get(k) is not None}
        for f in ("quantity", "price"):
            if line.get(f) is None:
                raise validation(f"lineItems.{i}.{f}", f"Line item {i}: {f} is required.")
            rec[f] = _decimal(f"lineItems.{i}.{f}", line[f])
        for f in ("discount", "lineTaxValue"):
            value = line.get(f)
            rec[f] = _decimal(f"lineItems.{i}.{f}", "0" if value is None else value)
        qty, price = Decimal(rec["quantity"]), Decimal(rec["price"])
        disc, tax = Decimal(rec["discount"]), Decimal(rec["lineTaxValue"])
        rec["lineTotalValue"] = money(qty * price - disc + tax)
        rec["cost"] = money(qty * price - disc)
        rec.setdefault("lineNo", str(i + 1))
        rec["receivedQuantity"] = "0"
        out.append(rec)
    return out


def create_record(sb, e: Entity, conn: dict, body: dict) -> str:
    scope = "work-orders" if e.name == "work-orders" else "purchase-orders"
    cols, extra = _clean(e, body, _custom(e, conn))
    _check_refs(sb, conn["key"], cols, scope if e.name != "assets" else None)
    now = ts(sb.clock())
    lines = _lines(body, cols) if e is PURCHASE_ORDER else []
    with sb.tx() as db:
        key = _next_key(db, e, conn)
        rec = {**cols, "key": key, "createdAt": now, "updatedAt": now}
        if e is PURCHASE_ORDER:
            if "statusKey" not in rec:
                rec["statusKey"] = db.execute(
                    "SELECT key FROM statuses WHERE conn = ? AND scope = 'purchase-orders' "
                    "AND subCode = 'draft'", (conn["key"],)).fetchone()[0]
            n = db.execute("SELECT COUNT(*) FROM purchase_orders WHERE conn = ?",
                           (conn["key"],)).fetchone()[0] + 1
            rec.setdefault("orderNo", PLATFORMS_BY_PROVIDER[conn["provider"]].order_no.format(
                n=n))
            rec.setdefault("orderDate", now)
            if lines:
                rec["totalNetValue"] = money(sum(Decimal(x["cost"]) for x in lines))
                rec["totalGrossValue"] = money(
                    sum(Decimal(x["lineTotalValue"]) for x in lines))
            rec.setdefault("totalNetValue", "0.00")
            rec.setdefault("totalGrossValue", rec["totalNetValue"])
        db.execute(store.insert_sql(e), store.row_values(
            e, conn["key"], rec, json.dumps(extra) if extra else None))
        if lines:
            seq = db.execute("SELECT seq FROM purchase_orders WHERE conn = ? AND key = ?",
                             (conn["key"], key)).fetchone()[0]
            for line in lines:
                line.update({"key": _next_key(db, LINE_ITEM, conn), "purchaseOrderKey": key,
                             "po_seq": seq, "poOrderNo": rec["orderNo"],
                             "statusKey": rec["statusKey"], "vendorKey": rec.get("vendorKey"),
                             "currencyKey": rec.get("currencyKey"), "createdAt": now,
                             "updatedAt": now})
                db.execute(store.insert_sql(LINE_ITEM),
                           store.row_values(LINE_ITEM, conn["key"], line, None))
        if e.event:
            sb.emit(f"{e.event}.inserted", [key])
    return key


def update_record(sb, e: Entity, conn: dict, key: str, body: dict) -> None:
    cols, extra = _clean(e, body, _custom(e, conn))
    scope = "work-orders" if e.name == "work-orders" else "purchase-orders"
    _check_refs(sb, conn["key"], cols, scope if e.name != "assets" else None)
    cols["updatedAt"] = ts(sb.clock())
    sets, args = [], []
    for name, value in cols.items():
        kind = e.types[name]
        sets.append(f"{store.qi(name)} = ?")
        args.append((1 if value else 0) if kind == "b" and value is not None else value)
        if kind == "d":
            sets.append(f"{store.qi(name + '__n')} = ?")
            args.append(store.scaled(value))
    with sb.tx() as db:
        if extra:
            row = db.execute(f"SELECT extra FROM {e.table} WHERE conn = ? AND key = ?",
                             (conn["key"], key)).fetchone()
            merged = {**json.loads(row[0] or "{}"), **extra}
            sets.append("extra = ?")
            args.append(json.dumps(merged))
        db.execute(f"UPDATE {e.table} SET {', '.join(sets)} WHERE conn = ? AND key = ?",
                   args + [conn["key"], key])
        if e.event:
            sb.emit(f"{e.event}.updated", [key])


def set_po_status(sb, conn: dict, key: str, body: dict) -> None:
    """PUT …/purchase-orders/{key}/status {"status": …}: a status key, code, name or
    canonical subCode (draft, approved, partially_received, completed, cancelled)."""
    wanted = body.get("status")
    if not isinstance(wanted, str) or not wanted.strip():
        raise validation("status", "The status field is required.")
    rows = sb.query(f"SELECT {store.select_list(STATUS)} FROM statuses WHERE conn = ? AND "
                    "scope = 'purchase-orders'", (conn["key"],))
    statuses = [store.decode(STATUS, r) for r in rows]
    low = wanted.strip().lower()
    match = next((s for s in statuses if low in (s["key"].lower(), s["code"].lower(),
                                                 s["name"].lower(), s["subCode"].lower())), None)
    if match is None:
        names = ", ".join(s["subCode"] for s in statuses)
        raise validation("status", f"Unknown purchase order status '{wanted}'. One of: {names} "
                         "(or a status key, code or name).")
    now = ts(sb.clock())
    sets = {"statusKey": match["key"], "updatedAt": now}
    if match["subCode"] == "approved":
        sets["approvedAt"] = now
    elif match["subCode"] == "completed":
        sets["completedAt"] = now
    with sb.tx() as db:
        db.execute("UPDATE purchase_orders SET " + ", ".join(f"{store.qi(k)} = ?" for k in sets)
                   + " WHERE conn = ? AND key = ?", [*sets.values(), conn["key"], key])
        db.execute("UPDATE line_items SET statusKey = ?, updatedAt = ? WHERE conn = ? AND "
                   "purchaseOrderKey = ?", (match["key"], now, conn["key"], key))
        sb.emit("purchase-orders.updated", [key])
