"""What the spec's sub-resource actions mean in the sandbox (the generator's `ACTIONS`):

  GET  …/{key}/materials            the material lines (MaterialItem) of a work order, PM,
                                    asset, asset template or production order
  GET  /api/eam/work-orders/materials   every work order's material lines
  POST /api/eam/work-orders/{key}/materials       add a line {materialKey, storeroomKey,
                                    requiredQuantity, usedQuantity}; answers the work order
  PUT  /api/eam/work-orders/{key}/materials/{materialKey}   change that line
  GET  …/materials/{key}/children   the materials listing it in `parentKeys`
  PUT  …/materials/{key}/inventory  set its stock at a location {quantity, unitCost, …};
                                    answers the material in the spec's `Material` shape
  POST /api/wms/shipment-orders/{key}/delivered   mark it delivered
  GET  /api/eam/work-orders/custom-fields         the system's custom work-order fields
"""

from __future__ import annotations

import json

from starlette.requests import Request

from . import store
from .auth import require_connection, sandbox_of
from .contract import Operation
from .errors import ApiError
from .fields import ENTITIES, MATERIAL_ITEM, WORK_ORDER
from .listing import list_table, list_values
from .query import page_body
from .records import fetch_one, material_view, serve_rows
from .validation import clean, failed
from .values import ts
from .web import ok, read_json
from .writes import check_refs, next_key, platform, set_status, write_columns

MATERIALS = ENTITIES["materials"]
INVENTORIES = ENTITIES["inventories"]


def _page(request, sb, e, conn_key: str, where: str, args: tuple):
    rows, total, q = list_table(request, sb, e, conn_key, where=where, where_args=args)
    return ok(page_body(request, serve_rows(sb, e, conn_key, rows), total, q))


def lines_of(op: Operation):
    async def handler(request: Request):
        conn = await require_connection(request, op.entity, "materials")
        sb, key = sandbox_of(request), request.path_params["key"]
        fetch_one(sb, ENTITIES[op.entity], conn["key"], key)
        return _page(request, sb, MATERIAL_ITEM, conn["key"],
                     f" AND {store.qi(op.owner)} = ?", (key,))
    return handler


def all_lines(op: Operation):
    async def handler(request: Request):
        conn = await require_connection(request, op.entity, "materials")
        return _page(request, sandbox_of(request), MATERIAL_ITEM, conn["key"],
                     f" AND {store.qi(op.owner)} IS NOT NULL", ())
    return handler


def children(op: Operation):
    async def handler(request: Request):
        conn = await require_connection(request, op.entity)
        sb, key = sandbox_of(request), request.path_params["key"]
        fetch_one(sb, MATERIALS, conn["key"], key)
        return _page(request, sb, MATERIALS, conn["key"],
                     " AND EXISTS (SELECT 1 FROM json_each(json_extract(extra, '$.parentKeys')) "
                     "WHERE value = ?)", (key,))
    return handler


def _line_values(sb, conn: dict, op: Operation, body: dict, creating: bool) -> dict:
    cols, extra = clean(MATERIAL_ITEM, op.body, body, creating=creating)
    values = {**cols, **extra}
    check_refs(sb, conn["key"], MATERIAL_ITEM, values)
    return values


def add_line(op: Operation):
    async def handler(request: Request):
        conn = await require_connection(request, op.entity, "materials")
        sb, key = sandbox_of(request), request.path_params["key"]
        fetch_one(sb, WORK_ORDER, conn["key"], key)
        values = _line_values(sb, conn, op, await read_json(request), True)
        if not values.get("materialKey"):
            raise failed({"materialKey": ["The materialKey field is required."]})
        part = fetch_one(sb, MATERIALS, conn["key"], values["materialKey"])
        now = ts(sb.clock())
        rec = {"materialKey": part["key"], "name": part["name"], "partNumber": part["partNumber"],
               "uomKey": part["uomKey"], "workOrderKey": key, "createdAt": now, "updatedAt": now,
               "requiredQuantity": values.get("requiredQuantity"),
               "quantity": values.get("usedQuantity")}
        extra = {k: values.get(k) for k in ("storeroomKey", "usedQuantity")}
        with sb.tx() as db:
            rec["key"] = next_key(db, MATERIAL_ITEM, conn)
            db.execute(store.insert_sql(MATERIAL_ITEM), store.row_values(
                MATERIAL_ITEM, conn["key"], rec, json.dumps(extra)))
            _touch_work_order(sb, db, conn, key, now)
        return ok({"data": fetch_one(sb, WORK_ORDER, conn["key"], key)})
    return handler


def update_line(op: Operation):
    async def handler(request: Request):
        conn = await require_connection(request, op.entity, "materials")
        sb = sandbox_of(request)
        key, material = request.path_params["key"], request.path_params["materialKey"]
        fetch_one(sb, WORK_ORDER, conn["key"], key)
        found = sb.query("SELECT key FROM material_items WHERE conn = ? AND workOrderKey = ? AND "
                         "materialKey = ? ORDER BY seq LIMIT 1", (conn["key"], key, material))
        if not found:
            raise ApiError(404, f"Work order {key} has no material {material}.")
        values = _line_values(sb, conn, op, await read_json(request), False)
        now = ts(sb.clock())
        cols = {"updatedAt": now}
        for src, dst in (("requiredQuantity", "requiredQuantity"), ("usedQuantity", "quantity"),
                         ("materialKey", "materialKey")):
            if values.get(src) is not None:
                cols[dst] = values[src]
        extra = {k: values[k] for k in ("storeroomKey", "usedQuantity") if k in values}
        with sb.tx() as db:
            write_columns(db, MATERIAL_ITEM, conn["key"], found[0][0], cols, extra)
            _touch_work_order(sb, db, conn, key, now)
        return ok({"data": fetch_one(sb, WORK_ORDER, conn["key"], key)})
    return handler


def _touch_work_order(sb, db, conn: dict, key: str, now: str) -> None:
    count = db.execute("SELECT COUNT(*) FROM material_items WHERE conn = ? AND workOrderKey = ?",
                       (conn["key"], key)).fetchone()[0]
    write_columns(db, WORK_ORDER, conn["key"], key,
                  {"materialCount": str(count), "updatedAt": now}, {})
    sb.emit("work-orders.updated", [key])


def inventory(op: Operation):
    async def handler(request: Request):
        conn = await require_connection(request, op.entity, "inventories")
        sb, key = sandbox_of(request), request.path_params["key"]
        part = fetch_one(sb, MATERIALS, conn["key"], key)
        cols, _ = clean(INVENTORIES, op.body, await read_json(request), creating=False)
        check_refs(sb, conn["key"], INVENTORIES, cols)
        now = ts(sb.clock())
        with sb.tx() as db:
            where = "conn = ? AND materialKey = ?"
            args: list = [conn["key"], key]
            if cols.get("locationKey"):
                where, args = where + " AND locationKey = ?", args + [cols["locationKey"]]
            row = db.execute(f"SELECT key FROM inventories WHERE {where} ORDER BY seq LIMIT 1",
                             args).fetchone()
            cols["updatedAt"] = now
            if row:
                inv_key = row[0]
                write_columns(db, INVENTORIES, conn["key"], inv_key, cols, {})
            else:
                inv_key = next_key(db, INVENTORIES, conn)
                rec = {"code": part["code"], "name": part["name"], "quantity": 0, "unitCost": 0,
                       **cols, "key": inv_key, "materialKey": key, "createdAt": now}
                db.execute(store.insert_sql(INVENTORIES),
                           store.row_values(INVENTORIES, conn["key"], rec, None))
            stock = db.execute(f"SELECT {store.select_list(INVENTORIES)} FROM inventories "
                               "WHERE conn = ? AND key = ?", (conn["key"], inv_key)).fetchone()
            current = store.decode(INVENTORIES, stock)
            if part.get("inventory") is None or part["inventory"].get("key") == inv_key:
                write_columns(db, MATERIALS, conn["key"], key, {"updatedAt": now},
                              {"inventory": current})
            sb.emit("materials.updated", [key])
        return ok({"data": material_view(sb, conn["key"], key)})
    return handler


def delivered(op: Operation):
    async def handler(request: Request):
        conn = await require_connection(request, op.entity)
        sb, key = sandbox_of(request), request.path_params["key"]
        e = ENTITIES[op.entity]
        fetch_one(sb, e, conn["key"], key)
        await read_json(request)  # the spec's body is empty; a malformed one is still a 400
        set_status(sb, e, conn, key, {"status": "delivered"}, "status")
        return ok({"data": fetch_one(sb, e, conn["key"], key)})
    return handler


def custom_fields(op: Operation):
    async def handler(request: Request):
        conn = await require_connection(request, op.entity)
        names = platform(conn).custom_fields(op.entity)
        # CustomField schema has only `name`; `type` and `label` are extra keys.
        items = [{"name": n, "label": n.replace("CUST_", "").replace("_", " ").title(),
                  "type": "string"} for n in names]
        return ok(list_values(request, sandbox_of(request), items, {"name": "s"}))
    return handler


HANDLERS = {("GET", "materials"): lines_of, ("GET", "collection:materials"): all_lines,
            ("GET", "children"): children, ("POST", "materials"): add_line,
            ("PUT", "materials/{materialKey}"): update_line, ("PUT", "inventory"): inventory,
            ("POST", "delivered"): delivered, ("GET", "custom-fields"): custom_fields}
