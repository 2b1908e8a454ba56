"""Entity endpoints under `/api/{erp,eam,wms}/…` for the token's own connection: purchase
orders (+ line items, statuses, status change), vendors, sites; and in `eam` work orders
(+ custom fields, statuses) and assets. Reads are SQL pages; writes emit webhooks."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from . import store
from .auth import require_connection, sandbox_of
from .catalog import PLATFORMS_BY_PROVIDER
from .errors import ApiError
from .fields import ASSET, LINE_ITEM, PURCHASE_ORDER, SITE, STATUS, VENDOR, WORK_ORDER, Entity
from .listing import list_table, list_values
from .query import page_body
from .web import ok, read_json
from .writes import create_record, set_po_status, update_record

DOMAINS = ("erp", "eam", "wms")
SINGULAR = {"purchase-orders": "Purchase order", "purchase-orders.line-items": "Line item",
            "vendors": "Vendor", "sites": "Site", "work-orders": "Work order",
            "assets": "Asset"}


def attach_line_items(sb, conn_key: str, records: list[dict], seqs: list[int]) -> None:
    """Embed each order's line items (spec: PurchaseOrder.lineItems, POLineItem) with one
    query per page, not one per order."""
    by_seq: dict[int, list] = {s: [] for s in seqs}
    if seqs:
        marks = ", ".join("?" * len(seqs))
        # No ORDER BY: with one, SQLite walks the (conn, seq) index over every line of the
        # connection (0.5 s at 200,000 orders) instead of looking the page's orders up.
        rows = sorted(sb.query(f"SELECT {store.select_list(LINE_ITEM)} FROM line_items "
                               f"WHERE conn = ? AND po_seq IN ({marks})", [conn_key, *seqs]))
        po_seq_at = 1 + [n for n, _ in LINE_ITEM.columns].index("po_seq")
        for row in rows:
            by_seq[row[po_seq_at]].append(store.decode(LINE_ITEM, row))
    for rec, seq in zip(records, seqs):
        rec["lineItems"] = by_seq[seq]


def serve_rows(sb, e: Entity, conn_key: str, rows: list[tuple]) -> list[dict]:
    records = [store.decode(e, r) for r in rows]
    if e is PURCHASE_ORDER:
        attach_line_items(sb, conn_key, records, [r[0] for r in rows])
    return records


def fetch_one(sb, e: Entity, conn_key: str, key: str) -> dict:
    rows = sb.query(f"SELECT {store.select_list(e)} FROM {e.table} WHERE conn = ? AND key = ?",
                    (conn_key, key))
    if not rows:
        raise ApiError(404, f"{SINGULAR.get(e.name, 'Record')} {key} not found.")
    return serve_rows(sb, e, conn_key, rows)[0]


def collection(e: Entity, scope: str | None = None):
    async def handler(request: Request):
        conn = await require_connection(request, f"statuses/{scope}" if scope else e.name)
        sb = sandbox_of(request)
        if request.method == "POST":
            key = create_record(sb, e, conn, await read_json(request))
            return ok({"data": fetch_one(sb, e, conn["key"], key)})
        where, args = ("", ())
        if e is STATUS:
            where, args = " AND scope = ?", (scope,)
        rows, total, q = list_table(request, sb, e, conn["key"], where=where, where_args=args)
        return ok(page_body(request, serve_rows(sb, e, conn["key"], rows), total, q))
    return handler


def item(e: Entity):
    async def handler(request: Request):
        conn = await require_connection(request, e.name)
        sb = sandbox_of(request)
        key = request.path_params["key"]
        if request.method == "PUT":
            fetch_one(sb, e, conn["key"], key)  # 404 first
            update_record(sb, e, conn, key, await read_json(request))
        return ok({"data": fetch_one(sb, e, conn["key"], key)})
    return handler


async def po_status(request: Request):
    conn = await require_connection(request, "purchase-orders")
    sb = sandbox_of(request)
    key = request.path_params["key"]
    fetch_one(sb, PURCHASE_ORDER, conn["key"], key)
    set_po_status(sb, conn, key, await read_json(request))
    return ok({"data": fetch_one(sb, PURCHASE_ORDER, conn["key"], key)})


async def custom_fields(request: Request):
    conn = await require_connection(request, "work-orders")
    names = PLATFORMS_BY_PROVIDER[conn["provider"]].wo_custom
    # CustomField schema has only `name`; `type` and `label` are extra keys.
    items = [{"name": n, "label": n.replace("CUST_", "").replace("_", " ").title(),
              "type": "string"} for n in names]
    return ok(list_values(request, sandbox_of(request), items, {"name": "s"}))


def routes() -> list[Route]:
    out: list[Route] = []
    for d in DOMAINS:
        p = f"/api/{d}"
        out += [
            Route(f"{p}/purchase-orders", collection(PURCHASE_ORDER), methods=["GET", "POST"]),
            Route(f"{p}/purchase-orders/{{key}}/status", po_status, methods=["PUT"]),
            Route(f"{p}/purchase-orders/{{key}}", item(PURCHASE_ORDER), methods=["GET", "PUT"]),
            Route(f"{p}/purchase-orders.line-items", collection(LINE_ITEM), methods=["GET"]),
            Route(f"{p}/purchase-orders.line-items/{{key}}", item(LINE_ITEM), methods=["GET"]),
            Route(f"{p}/statuses/purchase-orders", collection(STATUS, "purchase-orders"),
                  methods=["GET"]),
            Route(f"{p}/vendors", collection(VENDOR), methods=["GET"]),
            Route(f"{p}/vendors/{{key}}", item(VENDOR), methods=["GET"]),
            Route(f"{p}/sites", collection(SITE), methods=["GET"]),
            Route(f"{p}/sites/{{key}}", item(SITE), methods=["GET"]),
        ]
    out += [
        Route("/api/eam/work-orders/custom-fields", custom_fields, methods=["GET"]),
        Route("/api/eam/statuses/work-orders", collection(STATUS, "work-orders"),
              methods=["GET"]),
        Route("/api/eam/work-orders", collection(WORK_ORDER), methods=["GET", "POST"]),
        Route("/api/eam/work-orders/{key}", item(WORK_ORDER), methods=["GET", "PUT"]),
        Route("/api/eam/assets", collection(ASSET), methods=["GET", "POST"]),
        Route("/api/eam/assets/{key}", item(ASSET), methods=["GET", "PUT"]),
    ]
    return out
