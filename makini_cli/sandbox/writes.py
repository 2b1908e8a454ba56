"""Creating and updating records, and changing their status, for every entity the contract lets
a client write. Bodies are checked by `validation.py`; references (`vendorKey`, `siteKey`,
`statusKey`, …) must name a record of the same connection; money arrives as strings or JSON
numbers (parsed as Decimal, never float) and document totals are recomputed from line items when
lines are given. Each write emits the webhook event the catalog names for its entity.
"""

from __future__ import annotations

import json
from decimal import Decimal

from . import contract, store
from .catalog import PLATFORMS_BY_PROVIDER
from .errors import ApiError, validation
from .fields import ENTITIES, LINE_ITEM, PURCHASE_ORDER, REFS, STATUS, WORK_ORDER, Entity
from .seed import record_key
from .validation import Invalid, by_kind, clean, failed
from .values import money, ts

_LINE_FIELDS = ("code", "name", "description", "quantity", "price", "discount",
                "lineTaxValue", "uomKey", "materialKey", "productKey", "lineNo", "dueAt", "notes")
_DEFAULT_STATUS = ("draft", "new", "pending", "requested", "planned", "open")


def platform(conn: dict):
    return PLATFORMS_BY_PROVIDER[conn["provider"]]


def require_kept(e: Entity, conn: dict) -> None:
    p = platform(conn)
    if not p.has(e.name):
        raise ApiError(422, f"{p.name} does not keep {e.name}: this connection cannot write them.",
                       "NOT_SUPPORTED")


def check_refs(sb, conn_key: str, e: Entity, values: dict) -> None:
    """Every reference names a record of this connection (statuses: of this entity's scope)."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        target = ENTITIES.get(REFS.get(name, ""))
        if target is None or value is None or (name == "parentKeys" and e.name != "materials"):
            continue
        keys = value if isinstance(value, list) else (
            [k for k in value.split(",") if k] if name.endswith("Keys") else [value])
        for key in keys:
            sql, args = f"SELECT 1 FROM {target.table} WHERE conn = ? AND key = ?", [conn_key, key]
            if target is STATUS and e.name in contract.status_scopes():
                sql, args = sql + " AND scope = ?", args + [e.name]
            if not isinstance(key, str) or not sb.query(sql, args):
                errors[name] = [f"The selected {name} '{key}' does not exist."]
                break
    if errors:
        raise failed(errors)


def next_key(db, e: Entity, conn: dict) -> str:
    n = db.execute(f"SELECT COUNT(*) FROM {e.table} WHERE conn = ?", (conn["key"],)).fetchone()[0]
    return record_key(e.name, conn["idx"], n + 1)


def _status_row(db, conn_key: str, scope: str, *, sub: str | None = None) -> tuple | None:
    rows = db.execute("SELECT key, name, subCode FROM statuses WHERE conn = ? AND scope = ? "
                      "ORDER BY seq", (conn_key, scope)).fetchall()
    for row in rows:
        if (sub and row[2] == sub) or (sub is None and row[2] in _DEFAULT_STATUS):
            return row
    return rows[0] if rows and sub is None else None


def _po_lines(body: dict) -> list[dict]:
    """Purchase-order lines of a create body (an extension: the spec's body has none)."""
    lines = body.get("lineItems")
    if lines is None:
        return []
    if not isinstance(lines, list):
        raise validation("lineItems", "The lineItems field must be an array.")
    out, errors = [], {}
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise validation(f"lineItems.{i}", f"Line item {i} must be an object.")
        rec = {k: line.get(k) for k in _LINE_FIELDS if line.get(k) is not None}
        for f in ("quantity", "price", "discount", "lineTaxValue", "dueAt"):
            value = line.get(f, "0" if f in ("discount", "lineTaxValue") else None)
            try:
                if value is None and f != "dueAt":
                    raise Invalid(f"Line item {i}: {f} is required.")
                if value is not None:
                    rec[f] = by_kind(f"lineItems.{i}.{f}", value, LINE_ITEM.types[f])
            except Invalid as exc:
                errors[f"lineItems.{i}.{f}"] = [exc.message]
        if errors:
            continue
        qty, price = Decimal(rec["quantity"]), Decimal(rec["price"])
        disc, tax = Decimal(rec["discount"]), Decimal(rec["lineTaxValue"])
        rec["lineTotalValue"] = money(qty * price - disc + tax)
        rec["cost"] = money(qty * price - disc)
        rec.setdefault("lineNo", str(i + 1))
        rec["receivedQuantity"] = "0"
        out.append(rec)
    if errors:
        raise failed(errors)
    return out


def create_record(sb, e: Entity, conn: dict, body: dict, rules=None) -> str:
    require_kept(e, conn)
    rules = contract.body_rules(e.name, "create") if rules is None else rules
    cols, extra = clean(e, rules, body, platform(conn).custom_fields(e.name), creating=True,
                        skip=("lineItems",) if e is PURCHASE_ORDER else ())
    check_refs(sb, conn["key"], e, {**cols, **extra})
    lines = _po_lines(body) if e is PURCHASE_ORDER else []
    check_refs(sb, conn["key"], LINE_ITEM, {k: v for line in lines for k, v in line.items()
                                            if k in ("materialKey", "productKey", "uomKey")})
    now = ts(sb.clock())
    with sb.tx() as db:
        key = next_key(db, e, conn)
        rec = {**cols, "key": key, "createdAt": now, "updatedAt": now}
        if "organizationKey" in e.types:
            rec.setdefault("organizationKey", record_key("organizations", conn["idx"], 1))
        if "statusKey" in e.types and e.name in contract.status_scopes() and "statusKey" not in rec:
            row = _status_row(db, conn["key"], e.name)
            rec["statusKey"] = row[0] if row else None
            if e is WORK_ORDER and row:
                rec.setdefault("status", row[1])
        if e is PURCHASE_ORDER:
            n = db.execute("SELECT COUNT(*) FROM purchase_orders WHERE conn = ?",
                           (conn["key"],)).fetchone()[0] + 1
            rec.setdefault("orderNo", platform(conn).order_no.format(n=n))
            rec.setdefault("orderDate", now)
            if lines:
                rec["totalNetValue"] = money(sum(Decimal(x["cost"]) for x in lines))
                rec["totalGrossValue"] = money(sum(Decimal(x["lineTotalValue"]) for x in lines))
            rec.setdefault("totalNetValue", "0.00")
            rec.setdefault("totalGrossValue", rec["totalNetValue"])
        db.execute(store.insert_sql(e), store.row_values(
            e, conn["key"], rec, json.dumps(extra, default=str) if extra else None))
        if lines:
            seq = db.execute("SELECT seq FROM purchase_orders WHERE conn = ? AND key = ?",
                             (conn["key"], key)).fetchone()[0]
            for line in lines:
                line.update({"key": next_key(db, LINE_ITEM, conn), "purchaseOrderKey": key,
                             "po_seq": seq, "poOrderNo": rec["orderNo"],
                             "statusKey": rec["statusKey"], "vendorKey": rec.get("vendorKey"),
                             "currencyKey": rec.get("currencyKey"), "createdAt": now,
                             "updatedAt": now})
                db.execute(store.insert_sql(LINE_ITEM),
                           store.row_values(LINE_ITEM, conn["key"], line, None))
        if e.event:
            sb.emit(f"{e.event}.inserted", [key])
    return key


def update_record(sb, e: Entity, conn: dict, key: str, body: dict, rules=None) -> None:
    rules = contract.body_rules(e.name, "update") if rules is None else rules
    cols, extra = clean(e, rules, body, platform(conn).custom_fields(e.name), creating=False,
                        skip=("lineItems",) if e is PURCHASE_ORDER else ())
    check_refs(sb, conn["key"], e, {**cols, **extra})
    cols["updatedAt"] = ts(sb.clock())
    with sb.tx() as db:
        write_columns(db, e, conn["key"], key, cols, extra)
        if e.event:
            sb.emit(f"{e.event}.updated", [key])


def write_columns(db, e: Entity, conn_key: str, key: str, cols: dict, extra: dict) -> None:
    sets, args = [], []
    for name, value in cols.items():
        kind = e.types[name]
        sets.append(f"{store.qi(name)} = ?")
        args.append((1 if value else 0) if kind == "b" and value is not None else value)
        if kind == "d":
            sets.append(f"{store.qi(name + '__n')} = ?")
            args.append(store.scaled(value))
    if extra:
        row = db.execute(f"SELECT extra FROM {e.table} WHERE conn = ? AND key = ?",
                         (conn_key, key)).fetchone()
        sets.append("extra = ?")
        args.append(json.dumps({**json.loads(row[0] or "{}"), **extra}, default=str))
    if sets:
        db.execute(f"UPDATE {e.table} SET {', '.join(sets)} WHERE conn = ? AND key = ?",
                   args + [conn_key, key])


def set_status(sb, e: Entity, conn: dict, key: str, body: dict, field: str) -> None:
    """PUT …/{key}/status: `field` ("status" or "statusKey") names a status of the entity's
    scope by key, code, name or canonical subCode (draft, approved, completed, …)."""
    wanted = body.get(field)
    if not isinstance(wanted, str) or not wanted.strip():
        raise validation(field, f"The {field} field is required.")
    rows = sb.query(f"SELECT {store.select_list(STATUS)} FROM statuses WHERE conn = ? AND "
                    "scope = ? ORDER BY seq", (conn["key"], e.name))
    statuses = [store.decode(STATUS, r) for r in rows]
    low = wanted.strip().lower()
    match = next((s for s in statuses if low in (s["key"].lower(), s["code"].lower(),
                                                 s["name"].lower(), s["subCode"].lower())), None)
    if match is None:
        names = ", ".join(s["subCode"] for s in statuses) or "none"
        raise validation(field, f"Unknown {e.name} status '{wanted}'. One of: {names} "
                         "(or a status key, code or name).")
    now = ts(sb.clock())
    sets = {"statusKey": match["key"], "updatedAt": now}
    if e is WORK_ORDER:
        sets["status"] = match["name"]
    stamp = {"approved": "approvedAt", "completed": "completedAt"}.get(match["subCode"])
    if stamp in e.types:
        sets[stamp] = now
    with sb.tx() as db:
        write_columns(db, e, conn["key"], key, sets, {})
        if e is PURCHASE_ORDER:
            db.execute("UPDATE line_items SET statusKey = ?, updatedAt = ? WHERE conn = ? AND "
                       "purchaseOrderKey = ?", (match["key"], now, conn["key"], key))
        if e.event:
            sb.emit(f"{e.event}.updated", [key])
