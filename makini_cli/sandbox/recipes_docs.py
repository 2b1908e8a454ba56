"""One record of each document entity (procurement, sales, warehouse, production) and of the
material lines behind the `…/{key}/materials` sub-resources. Line items add up exactly, as in
purchase orders: line total = quantity x price - discount + tax; the document's net, tax and
gross totals are the sums of its lines. Receipts and receivings copy an order's header and
lines (what arrived is what was ordered)."""

from __future__ import annotations

import json
import random
from decimal import Decimal

from . import contract, store
from .fields import LINE_ITEM
from .recipes import ASSEMBLIES, material_item_plan, stockable
from .values import DAY, REF, money, rand_money, ts
from .vocab import MATERIALS, SHIPPING, TAX, TERMS
from .vocab_records import ADJUST_REASONS, CARRIERS, PROJECTS, PRODUCTS


def _fields(schema: str) -> list[str]:
    return [name for name, _ in contract.schema(schema)]


def lines(P, doc_key: str, rng: random.Random, currency: str, *, schema: str = "POLineItem",
          count: int | None = None, status: str | None = None, received: bool = False):
    """(lines in `schema`'s shape, net, tax, gross) for a document of materials."""
    rate = Decimal(TAX.get(currency, "0.10"))
    wanted, out = _fields(schema), []
    net_total = tax_total = Decimal(0)
    for ln in range(1, (count or rng.randint(1, 4)) + 1):
        m = rng.randrange(len(MATERIALS))
        code, name, uom, low, high, frac = MATERIALS[m]
        qty = Decimal(rng.randint(1, 40)) / (2 if frac and rng.random() < 0.5 else 1)
        price = rand_money(rng, low, high)
        net = qty * price
        tax = (net * rate).quantize(Decimal("0.01"))
        net_total += net
        tax_total += tax
        line = {"key": f"{doc_key}{ln:02d}", "lineNo": str(ln), "code": code, "name": name,
                "description": name, "type": "material", "materialKey": P.key("materials", m + 1),
                "productKey": None, "quantity": str(qty),
                "receivedQuantity": str(qty) if received else "0", "uomKey": uom,
                "currencyKey": currency, "price": money(price), "discount": "0.00",
                "lineTaxValue": money(tax), "lineTotalValue": money(net + tax),
                "statusKey": status, "locationKey": P.ref("locations", rng),
                "storeroomKey": None, "vendorKey": None, "assetKey": None, "accountKey": None,
                "lineRef": None, "notes": None, "deliveryAt": None, "dueAt": None,
                "createdAt": ts(REF - 200 * DAY), "updatedAt": ts(REF - 100 * DAY),
                "deletedAt": None}
        out.append({k: line.get(k) for k in wanted})
    return out, money(net_total), money(tax_total), money(net_total + tax_total)


def _order(P, rng: random.Random) -> dict | None:
    """A purchase order of this connection, with its lines, for documents that follow one."""
    cache = P.__dict__.setdefault("_orders", None)
    if cache is None:
        cache = P._orders = P.db.execute(
            "SELECT key, vendorKey, siteKey, currencyKey, orderNo, po_seq FROM (SELECT key, "
            "vendorKey, siteKey, currencyKey, orderNo, seq AS po_seq FROM purchase_orders "
            "WHERE conn = ? ORDER BY seq LIMIT 2000)", (P.conn,)).fetchall()
    if not cache:
        return None
    key, vendor, site, currency, order_no, seq = cache[rng.randrange(len(cache))]
    rows = P.db.execute(f"SELECT {store.select_list(LINE_ITEM)} FROM line_items WHERE conn = ? "
                        "AND po_seq = ?", (P.conn, seq)).fetchall()
    return {"key": key, "vendorKey": vendor, "siteKey": site, "currencyKey": currency,
            "orderNo": order_no, "lines": [store.decode(LINE_ITEM, r) for r in rows]}


def _received(P, n, rng, entity: str):
    po = _order(P, rng)
    created = P.created(rng, 5, 600)
    base = {"code": f"GR{n:06d}", "title": f"Goods receipt {n}", "description": None,
            "orderDate": ts(created), "completedAt": ts(created + 2 * DAY),
            "shippingMethod": SHIPPING[n % len(SHIPPING)], "notes": None,
            "createdAt": ts(created), "updatedAt": ts(created + 2 * DAY)}
    if po is None:
        return {**base, "poKey": None, "lineItems": []}
    wanted = _fields("POLineItem")
    got = [{k: ({**line, "receivedQuantity": line["quantity"]}).get(k) for k in wanted}
           for line in po["lines"]]
    net = sum(Decimal(x["quantity"]) * Decimal(x["price"]) - Decimal(x["discount"]) for x in got)
    tax = sum(Decimal(x["lineTaxValue"]) for x in got)
    return {**base, "poKey": po["key"], "vendorKey": po["vendorKey"], "siteKey": po["siteKey"],
            "currencyKey": po["currencyKey"], "orderNo": po["orderNo"], "lineItems": got,
            "totalNetValue": money(net), "totalTaxValue": money(tax),
            "totalGrossValue": money(net + tax)}


def _document(P, n, rng, entity: str, prefix: str, **extra):
    key = P.key(entity, n)
    cur = P.p.currencies[0]
    status = P.status(entity, rng)
    got, net, tax, gross = lines(P, key, rng, cur, status=status)
    created = P.created(rng, 5, 700)
    return {"key": key, "code": f"{prefix}{n:06d}", "statusKey": status, "currencyKey": cur,
            "lineItems": got, "totalNetValue": net, "totalTaxValue": tax, "totalGrossValue": gross,
            "shippingMethod": SHIPPING[n % len(SHIPPING)], "documentKeys": None,
            "createdAt": ts(created), "updatedAt": ts(created + rng.randint(0, 20) * DAY), **extra}


def _return_order(P, n, rng):
    po = _order(P, rng)
    doc = _document(P, n, rng, "return-orders", "RO", type="return", terms=TERMS[n % len(TERMS)],
                    title=f"Return of damaged goods {n}", description="Damaged in transit",
                    notes=None, dueAt=ts(REF + n * DAY), approvedAt=None, completedAt=None)
    doc["orderDate"] = doc["createdAt"]
    if po:
        doc.update(poKey=po["key"], vendorKey=po["vendorKey"], siteKey=po["siteKey"],
                   orderNo=po["orderNo"])
    return doc


def _invoice(P, n, rng):
    po = _order(P, rng)
    key = P.key("invoices", n)
    cur = (po or {}).get("currencyKey") or P.p.currencies[0]
    got, net, tax, gross = lines(P, key, rng, cur, schema="InvoiceLineItem")
    issued = P.created(rng, 5, 600)
    return {"key": key, "title": f"Invoice {n}", "invoiceNumber": f"INV-{2024000 + n}",
            "poKey": (po or {}).get("key"), "vendorKey": (po or {}).get("vendorKey"),
            "customerKey": None, "salesOrderKey": None, "statusKey": P.status("invoices", rng),
            "lineItems": got, "invoiceDate": ts(issued), "dueDate": ts(issued + 30 * DAY),
            "receivedDate": ts(issued + DAY), "currencyKey": cur, "totalNetValue": net,
            "totalTaxValue": tax, "totalGrossValue": gross, "createdAt": ts(issued)}


def _sales_lines(P, rng, currency: str):
    rate = Decimal(TAX.get(currency, "0.10"))
    products = P.pool("products")
    out = []
    for i in range(rng.randint(1, 3)):
        _, _, low, high = PRODUCTS[i % len(PRODUCTS)]
        qty = Decimal(rng.randint(1, 12))
        price = rand_money(rng, int(low), int(high))
        tax = (qty * price * rate).quantize(Decimal("0.01"))
        out.append({"productKey": products[i % len(products)] if products else None,
                    "locationKey": P.ref("locations", rng),
                    "storeroomKey": P.ref("storerooms", rng),
                    "quantity": str(qty), "quantityRequired": str(qty), "price": money(price),
                    "discount": "0.00", "lineTaxValue": money(tax),
                    "lineTotalValue": money(qty * price + tax), "taxKey": P.ref("taxes", rng)})
    return out


def _stock_lines(P, rng) -> list[dict]:
    mats = stockable(P)
    return [{"productKey": None, "materialKey": P.key("materials", mats[rng.randrange(len(mats))]),
             "quantity": str(rng.randint(1, 50)), "locationKey": P.ref("locations", rng),
             "storeroomKey": P.ref("storerooms", rng)} for _ in range(rng.randint(1, 3))]


def _sales_order(P, n, rng):
    cur = P.p.currencies[0]
    created = P.created(rng, 2, 500)
    customer = P.ref("customers", rng)
    return {"code": f"SO{n:06d}", "orderNumber": f"{100000 + n}", "date": ts(created)[:10],
            "statusKey": P.status("sales-orders", rng), "shipmentDate": ts(created + 5 * DAY),
            "contactPerson": "Order desk", "lines": _sales_lines(P, rng, cur), "currencyKey": cur,
            "currencyRate": "1.000000", "customerKey": customer, "shipmentOrderKey": None,
            "shipmentAddress": P.address(rng, "Goods in"), "createdAt": ts(created),
            "billingAddress": P.address(rng, "Accounts payable")}


def _fulfillment(P, n, rng):
    created = P.created(rng, 2, 400)
    got = _stock_lines(P, rng)
    return {"code": f"FF{n:06d}", "orderNo": f"F{n:06d}", "orderDate": ts(created),
            "title": f"Fulfillment {n}", "description": None, "notes": None,
            "statusKey": P.status("fulfillments", rng), "vendorKey": None,
            "completedAt": ts(created + 3 * DAY), "shipmentAddress": P.address(rng, "Goods in"),
            # Fulfillment.lineItems is typed string: the lines as JSON text.
            "lineItems": json.dumps(got, separators=(",", ":")), "createdAt": ts(created)}


def _shipment(P, n, rng):
    created = P.created(rng, 2, 300)
    return {"userKey": P.ref("users", rng), "vendorKey": None, "orderNumber": f"{100000 + n}",
            "shipmentNumber": f"SH{n:07d}", "date": ts(created)[:10],
            "statusKey": P.status("shipment-orders", rng), "lineItems": _stock_lines(P, rng),
            "destinationAddress": [P.address(rng, "Receiving")], "carrierName":
            CARRIERS[n % len(CARRIERS)], "shippingMethod": SHIPPING[n % len(SHIPPING)],
            "notes": None, "createdAt": ts(created)}


def _transfer(P, n, rng):
    locs = P.pool("locations") or [None]
    rooms = P.pool("storerooms") or [None]
    return {"code": f"TR{n:06d}", "orderNumber": f"T{n:06d}", "shipmentNumber": None,
            "date": ts(P.created(rng, 2, 300))[:10], "statusKey": P.status("stock-transfers", rng),
            "fromLocationKey": locs[n % len(locs)], "toLocationKey": locs[(n + 1) % len(locs)],
            "fromStoreroomKey": rooms[n % len(rooms)],
            "toStoreroomKey": rooms[(n + 1) % len(rooms)],
            "lineItems": _stock_lines(P, rng), "shipmentOrderKey": None,
            "shipmentAddress": None, "shipmentRequired": "false", "shippingMethod": "Internal"}


def _adjustment(P, n, rng):
    got = _stock_lines(P, rng)
    return {"date": ts(P.created(rng, 2, 300))[:10],
            "reason": ADJUST_REASONS[n % len(ADJUST_REASONS)],
            "lineItems": got, "adjustmentNumber": f"ADJ{n:06d}", "type": "quantity",
            "total": money(Decimal(sum(int(x["quantity"]) for x in got)) * Decimal("12.50"))}


def _production_order(P, n, rng):
    doc = _document(P, n, rng, "production-orders", "MO")
    doc.update(orderNo=f"{1000000 + n}", orderDate=doc["createdAt"], note=None,
               siteKey=P.ref("sites", rng), locationKey=P.ref("locations", rng))
    return doc


def _bom(P, n, rng):
    cur = P.p.currencies[0]
    got = [{"locationKey": None, "materialKey": P.key("materials", m + 1), "productKey": None,
            "currencyKey": cur, "description": MATERIALS[m][1], "quantity": str(rng.randint(1, 6)),
            "uomKey": MATERIALS[m][2], "notes": None,
            "price": money(rand_money(rng, MATERIALS[m][3], MATERIALS[m][4])),
            "createdAt": ts(REF - 300 * DAY), "updatedAt": ts(REF - 30 * DAY)}
           for m in sorted(rng.sample(range(len(MATERIALS)), 3))]
    return {"name": f"BOM {PRODUCTS[(n - 1) % len(PRODUCTS)][1]}", "type": "production",
            "projectKey": P.ref("projects", rng), "lineItems": got}


def _material_item(P, n, rng):
    plan = material_item_plan(P)
    if n <= len(plan):
        owner, owner_key, m = plan[n - 1]
    else:  # growth: more lines on existing work orders
        owner, owner_key = "workOrderKey", P.ref("work-orders", rng)
        m = rng.randint(1, len(MATERIALS))
    code, name, uom = (MATERIALS[m - 1][:3] if m <= len(MATERIALS)
                       else (*ASSEMBLIES[m - len(MATERIALS) - 1][:2], "SET"))
    qty = str(rng.randint(1, 8))
    rec = {"materialKey": P.key("materials", m), "partNumber": f"P-{code}", "name": name,
           "uomKey": uom, "quantity": qty, "requiredQuantity": qty, "drawingNumber": None,
           "positionNumber": str(n % 40 + 1), "documentKey": None, "assemblyKey": None,
           "assetKey": None, "assetTemplateKey": None, "workOrderKey": None, "pmKey": None,
           "productionOrderKey": None, owner: owner_key}
    if owner == "workOrderKey":  # work-order lines also say where the parts are drawn from
        rec.update(storeroomKey=P.ref("storerooms", rng), usedQuantity=qty,
                   _extra=("storeroomKey", "usedQuantity"))
    return rec


RECIPES_DOCS = {
    "receipts": lambda P, n, rng: _received(P, n, rng, "receipts"),
    "receiving": lambda P, n, rng: _received(P, n, rng, "receiving"),
    "rfq": lambda P, n, rng: {**_document(P, n, rng, "rfq", "RFQ"),
                              "shippingAddress": [P.address(rng, "Receiving")]},
    "purchase-requisitions": lambda P, n, rng: {
        **_document(P, n, rng, "purchase-requisitions", "PR"),
        "shippingAddress": P.address(rng, "Receiving"), "requesterKey": P.ref("users", rng)},
    "return-orders": _return_order, "invoices": _invoice, "sales-orders": _sales_order,
    "fulfillments": _fulfillment, "shipment-orders": _shipment, "stock-transfers": _transfer,
    "stock-adjustments": _adjustment, "production-orders": _production_order, "bom": _bom,
    "projects": lambda P, n, rng: {"name": PROJECTS[(n - 1) % len(PROJECTS)],
                                   "statusKey": P.status("projects", rng),
                                   "budget": money(rand_money(rng, 20000, 900000))},
    "material-items": _material_item,
}
