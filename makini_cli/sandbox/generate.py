"""Deterministic record generation for one connection: sites, vendors, statuses, purchase
orders with line items, work orders and assets.

Money is `Decimal` throughout and written as decimal strings that add up exactly:
line total = quantity x price - discount + tax; order net = sum of (quantity x price - discount);
order gross = sum of line totals. Rows go in with `executemany` in batches, so 200,000 orders
never sit in memory at once.
"""

from __future__ import annotations

import json
import random
import sqlite3
from decimal import Decimal

from . import store
from .values import BATCH, DAY, REF, address, money, rand_money as _money, ts  # noqa: F401
from .catalog import Platform
from .fields import ASSET, LINE_ITEM, PURCHASE_ORDER, SITE, STATUS, VENDOR, WORK_ORDER
from .populate import Populator
from .recipes import LOCATIONS_PER_SITE
from .seed import record_key
from .vocab import (PO_STATUSES, MAXIMO_CODES, WO_STATUSES, TAX, VENDOR_NAMES, CITIES, MATERIALS,
                    ASSET_KINDS, WO_JOBS, SHIPPING, TERMS)
from .vocab_records import STATUSES as RECORD_STATUSES


class Generator:
    """Generates one connection's records into the database."""

    def __init__(self, db: sqlite3.Connection, *, seed: int, conn_key: str, conn_idx: int,
                 platform: Platform) -> None:
        self.db, self.conn, self.idx, self.p = db, conn_key, conn_idx, platform
        self.seed = seed
        self.rng = random.Random(f"{seed}:{conn_idx}:{platform.provider}")
        self.org = record_key("organizations", conn_idx, 1)
        row = db.execute("SELECT name FROM connections WHERE key = ?", (conn_key,)).fetchone()
        self.company = row[0] if row and row[0] else platform.name
        self.asset_keys: list[str] = []
        self.n_work_orders = 0
        self.status_keys: dict[str, dict[str, str]] = {}  # scope -> subCode -> status key

    def key(self, entity: str, n: int) -> str:
        return record_key(entity, self.idx, n)

    def missing(self, rec: dict) -> dict:
        for f in self.p.missing:
            if f in rec:
                rec[f] = None
        return rec

    def run(self, n_pos: int) -> None:
        self.sites()
        self.vendors()
        self.statuses()
        if self.p.maintenance:
            self.assets()
            self.work_orders(max(5, min(n_pos // 2, 5000)))  # POs dominate big seeds
        self.purchase_orders(n_pos)
        Populator(self, scale=n_pos / 40).run()  # every other entity this system keeps

    def load(self) -> None:
        """What generation draws on, read back from a connection seeded earlier."""
        q = self.db.execute
        self.site_keys, self.site_addr = [], {}
        for key, extra in q("SELECT key, extra FROM sites WHERE conn = ? ORDER BY seq",
                            (self.conn,)):
            self.site_keys.append(key)
            self.site_addr[key] = json.dumps(json.loads(extra)["address"], separators=(",", ":"))
        self.vendor_keys = [r[0] for r in q("SELECT key FROM vendors WHERE conn = ? ORDER BY seq",
                                            (self.conn,))]
        for scope, sub, key in q("SELECT scope, subCode, key FROM statuses WHERE conn = ?",
                                 (self.conn,)):
            self.status_keys.setdefault(scope, {})[sub] = key
        self.po_status = self.status_keys.get("purchase-orders", {})
        self.asset_keys = [r[0] for r in q("SELECT key FROM assets WHERE conn = ? ORDER BY seq "
                                           "LIMIT 2000", (self.conn,))]
        self.n_work_orders = q("SELECT COUNT(*) FROM work_orders WHERE conn = ?",
                               (self.conn,)).fetchone()[0]
        if not self.site_keys or not self.vendor_keys:
            raise ValueError("this connection has no reference data to grow from")
        self.billing = self.site_addr[self.site_keys[0]]

    def grow_all(self, per_entity: int) -> dict[str, int]:
        """Add `per_entity` records to every growing entity (benchmarks over all entities)."""
        self.load()
        pop = Populator(self, scale=1.0)
        pop.pools["sites"], pop.pools["vendors"] = self.site_keys, self.vendor_keys
        added = pop.grow(per_entity)
        self.after_populate(pop)
        return added

    def after_populate(self, pop) -> None:
        """Work orders count their material lines (`materialCount`)."""
        self.db.execute(
            "UPDATE work_orders SET materialCount = CAST((SELECT COUNT(*) FROM material_items m "
            "WHERE m.conn = work_orders.conn AND m.workOrderKey = work_orders.key) AS TEXT) "
            "WHERE conn = ?", (self.conn,))

    def grow(self, n_pos: int) -> None:
        """Add `n_pos` orders to a connection seeded earlier (benchmarks: 200,000 orders on
        one connection without seeding every connection that big)."""
        self.load()
        q = self.db.execute
        have = q("SELECT COUNT(*) FROM purchase_orders WHERE conn = ?", (self.conn,)).fetchone()[0]
        self.purchase_orders(n_pos, start=have + 1)

    # -- reference data -------------------------------------------------------------------
    def address(self, city: tuple, addressee: str, n: int) -> dict:
        return address(city, addressee, n)

    def sites(self) -> None:
        rng, rows = self.rng, []
        self.site_keys, self.site_addr = [], {}
        for n in range(1, rng.randint(2, 4) + 1):
            city = CITIES[rng.randrange(len(CITIES))]
            key = self.key("sites", n)
            name = f"Plant {city[1]}" if n > 1 else f"Main plant {city[1]}"
            addr = self.address(city, name, n)
            self.site_keys.append(key)
            self.site_addr[key] = json.dumps(addr, separators=(",", ":"))
            rec = {"key": key, "organizationKey": self.org, "name": name, "code": f"{1000 * n}",
                   "description": f"{name} ({city[0]})", "lat": f"{rng.uniform(-60, 60):.5f}",
                   "lng": f"{rng.uniform(-120, 120):.5f}", "createdAt": ts(REF - 800 * DAY),
                   "updatedAt": ts(REF - 400 * DAY)}
            extra = {"contact": {"name": "Site manager", "position": "Maintenance lead",
                                 "phones": addr["phone"], "emails": addr["email"],
                                 "isActive": True, "isDefault": True},
                     "address": addr, "billingAddress": addr}
            rows.append(store.row_values(SITE, self.conn, rec, json.dumps(extra)))
        self.billing = self.site_addr[self.site_keys[0]]
        self.db.executemany(store.insert_sql(SITE), rows)

    def vendors(self) -> None:
        rng, rows = self.rng, []
        names = rng.sample(VENDOR_NAMES, rng.randint(8, 16))
        self.vendor_keys = []
        for n, name in enumerate(names, 1):
            key = self.key("vendors", n)
            self.vendor_keys.append(key)
            code = f"{100000 + n * 17:010d}" if self.p.provider == "sap_s4hana" else f"V{n:04d}"
            rows.append(store.row_values(VENDOR, self.conn, {
                "key": key, "name": name, "code": code, "organizationKey": self.org,
                "createdAt": ts(REF - 790 * DAY), "updatedAt": ts(REF - 300 * DAY + n * DAY)},
                None))
        self.db.executemany(store.insert_sql(VENDOR), rows)

    def statuses(self) -> None:
        rows, n = [], 0
        self.po_status = {}
        for sub, code, name, _ in PO_STATUSES:
            n += 1
            if self.p.provider == "ibm_maximo":
                code = MAXIMO_CODES[sub]
            self.po_status[sub] = self.key("statuses", n)
            rows.append(self._status(n, name, code, sub, "purchase-orders"))
        self.wo_status = {}
        for sub, code, name in WO_STATUSES:
            n += 1
            self.wo_status[sub] = (self.key("statuses", n), name)
            rows.append(self._status(n, name, code, sub, "work-orders"))
        self.status_keys["purchase-orders"] = self.po_status
        self.status_keys["work-orders"] = {s: k for s, (k, _) in self.wo_status.items()}
        # Every other entity with a statuses list, numbered after these (their keys stay put).
        for scope, entries in RECORD_STATUSES.items():
            table = self.status_keys[scope] = {}
            for sub, code, name in entries:
                n += 1
                if self.p.has(scope):
                    table[sub] = self.key("statuses", n)
                    rows.append(self._status(n, name, code, sub, scope))
        self.db.executemany(store.insert_sql(STATUS), rows)

    def _status(self, n: int, name: str, code: str, sub: str, scope: str) -> tuple:
        return store.row_values(STATUS, self.conn, {
            "key": self.key("statuses", n), "organizationKey": self.org, "name": name,
            "code": code, "subCode": sub, "scope": scope, "isActive": True,
            "createdAt": ts(REF - 800 * DAY), "updatedAt": ts(REF - 800 * DAY)}, None)

    def assets(self) -> None:
        rng, rows = self.rng, []
        self.asset_keys = []
        for n in range(1, rng.randint(10, 24) + 1):
            kind, make = ASSET_KINDS[rng.randrange(len(ASSET_KINDS))]
            key = self.key("assets", n)
            self.asset_keys.append(key)
            rows.append(store.row_values(ASSET, self.conn, {
                "key": key, "siteKey": rng.choice(self.site_keys), "name": f"{kind} {n}",
                "description": f"{make} {kind.lower()}", "isPhysical": True,
                "categoryName": kind, "criticality": rng.choice(("A", "B", "C")),
                "isActive": rng.random() > 0.1, "makeName": make,
                "modelName": f"{make[:3].upper()}-{rng.randint(100, 999)}",
                "serialNumber": f"SN{rng.randint(10**7, 10**8 - 1)}",
                "vendorKey": rng.choice(self.vendor_keys),
                "activatedAt": ts(REF - rng.randint(400, 3000) * DAY),
                "createdAt": ts(REF - 780 * DAY), "updatedAt": ts(REF - rng.randint(1, 300) * DAY)},
                json.dumps({"documents": []})))
        self.db.executemany(store.insert_sql(ASSET), rows)

    def work_orders(self, count: int) -> None:
        rng, rows, p = self.rng, [], self.p
        self.n_work_orders = count
        span = 720 * DAY / max(count, 1)
        for n in range(1, count + 1):
            created = REF - 730 * DAY + int(n * span) + rng.randint(0, 3600)
            sub = rng.choice(WO_STATUSES)[0]
            status_key, status_name = self.wo_status[sub]
            asset = rng.choice(self.asset_keys)
            extra: dict = {"tasks": [{"key": self.key("work-orders", n) + "-T1", "code": "T1",
                                      "title": "Lock out / tag out", "description": None,
                                      "priority": "1", "checkList": []}],
                           "documents": [], "resources": []}
            for f in p.wo_custom:
                extra[f] = {"CUST_SAFETYPLAN": f"SP-{rng.randint(100, 999)}",
                            "CUST_DOWNTIME_CODE": rng.choice(("MECH", "ELEC", "PROC")),
                            "CUST_CRAFT": rng.choice(("MECH", "ELEC", "INST"))}.get(f, "X")
            rec = self.missing({
                "key": self.key("work-orders", n), "siteKey": rng.choice(self.site_keys),
                "assetKey": asset, "organizationKey": self.org,
                "title": f"{rng.choice(WO_JOBS)} asset {asset[-4:]}", "code": f"WO{n:06d}",
                "instructions": "Follow the standard job plan.", "status": status_name,
                "statusKey": status_key,
                "severity": rng.choice(("Low", "Medium", "High", "Critical")),
                "estimatedTime": str(rng.choice((1, 2, 4, 8))),
                "scheduledAt": ts(created + 2 * DAY), "dueAt": ts(created + 7 * DAY),
                "completedAt": ts(created + 5 * DAY) if sub == "completed" else None,
                "materialCount": "0", "createdAt": ts(created),
                "updatedAt": ts(created + rng.randint(0, 6) * DAY)})
            rows.append(store.row_values(WORK_ORDER, self.conn, rec, json.dumps(extra)))
        self.db.executemany(store.insert_sql(WORK_ORDER), rows)

    # -- purchase orders ------------------------------------------------------------------
    def purchase_orders(self, count: int, start: int = 1) -> None:
        po_sql = store.insert_sql(PURCHASE_ORDER, with_seq=True)
        li_sql = store.insert_sql(LINE_ITEM)
        base = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM purchase_orders").fetchone()[0]
        line_n = self.db.execute("SELECT COUNT(*) FROM line_items WHERE conn = ?",
                                 (self.conn,)).fetchone()[0]
        pos, lines = [], []
        span = 730 * DAY / max(count, 1)
        for i in range(count):
            n = start + i
            seq = base + i + 1  # explicit seq so line items can point at their order
            created = REF - 730 * DAY + int(i * span) + self.rng.randint(0, 3600)
            po, li_rows = self._one_po(n, seq, created, line_n)
            line_n += len(li_rows)
            pos.append((seq,) + po)
            lines.extend(li_rows)
            if len(pos) >= BATCH:
                self._flush(po_sql, li_sql, pos, lines)
                pos, lines = [], []
        if pos:
            self._flush(po_sql, li_sql, pos, lines)

    def _flush(self, po_sql, li_sql, pos, lines) -> None:
        self.db.executemany(po_sql, pos)
        self.db.executemany(li_sql, lines)

    def _one_po(self, n: int, seq: int, created: int, line_n: int) -> tuple[tuple, list]:
        rng, p = self.rng, self.p
        sub = rng.choices(PO_STATUSES, weights=[s[3] for s in PO_STATUSES])[0][0]
        cur = p.currencies[0] if rng.random() < 0.75 else rng.choice(p.currencies)
        places = 0 if cur == "JPY" else 2
        q = Decimal(1).scaleb(-places)
        rate = Decimal(TAX.get(cur, "0.10"))
        key = self.key("purchase-orders", n)
        order_no = p.order_no.format(n=n)
        status_key = self.po_status[sub]
        due = created + rng.randint(14, 60) * DAY
        updated = created + rng.randint(0, 20) * DAY + rng.randint(0, 86399)
        site = rng.choice(self.site_keys)
        # an order is delivered to the main building of its site (recipes.LOCATIONS_PER_SITE)
        location = self.key("locations", self.site_keys.index(site) * LOCATIONS_PER_SITE + 1)
        vendor = rng.choice(self.vendor_keys)
        net_total = gross_total = Decimal(0)
        lines = []
        for ln in range(1, rng.randint(1, 4) + 1):
            m = rng.randrange(len(MATERIALS))
            code, name, uom, lo, hi, frac = MATERIALS[m]
            qty = Decimal(rng.randint(1, 40)) / (2 if frac and rng.random() < 0.5 else 1)
            price = _money(rng, lo, hi, places)
            gross_line = qty * price
            discount = (gross_line * Decimal("0.05")).quantize(q) if rng.random() < 0.2 \
                else Decimal(0).quantize(q)
            net = gross_line - discount
            tax = (net * rate).quantize(q)
            total = net + tax
            net_total += net
            gross_total += total
            received = {"completed": qty, "partially_received": (qty / 2).quantize(Decimal("1"))
                        }.get(sub, Decimal(0))
            li = self.missing({
                "key": self.key("purchase-orders.line-items", line_n + ln),
                "purchaseOrderKey": key, "vendorKey": vendor, "statusKey": status_key,
                "materialKey": self.key("materials", m + 1),
                "lineNo": f"{ln * 10:05d}" if p.provider == "sap_s4hana" else str(ln),
                "code": code, "type": "material", "name": name, "description": name,
                "quantity": str(qty), "receivedQuantity": str(received), "uomKey": uom,
                "currencyKey": cur, "price": money(price), "discount": money(discount),
                "lineTaxValue": money(tax), "lineTotalValue": money(total), "cost": money(net),
                "deliveryAt": ts(due - DAY) if sub == "completed" else None, "dueAt": ts(due),
                "createdAt": ts(created), "updatedAt": ts(updated), "po_seq": seq,
                "poOrderNo": order_no, "locationKey": location})
            lines.append(store.row_values(LINE_ITEM, self.conn, li, None))
        rec = self.missing({
            "key": key, "siteKey": site, "organizationKey": self.org, "orderDate": ts(created),
            "vendorKey": vendor, "orderNo": order_no, "statusKey": status_key,
            "title": f"{MATERIALS[n % len(MATERIALS)][1].split(' ')[0]} supplies, order {n}",
            "description": f"Replenishment order {order_no}", "dueAt": ts(due),
            "approvedAt": ts(created + DAY) if sub != "draft" else None,
            "completedAt": ts(updated) if sub == "completed" else None,
            "shippingMethod": SHIPPING[n % len(SHIPPING)],
            "shipmentDate": ts(created + 3 * DAY)
            if sub in ("completed", "partially_received") else None,
            "terms": TERMS[n % len(TERMS)], "notes": None if n % 3 else "Deliver to dock 2",
            "currencyKey": cur, "locationKey": location, "totalNetValue": money(net_total),
            "totalGrossValue": money(gross_total), "updatedAt": ts(updated),
            "createdAt": ts(created)})
        addr = self.site_addr[site]
        billing = "null" if "billingAddress" in p.missing else self.billing
        extra = (f'{{"shipmentAddress":{addr},"billingAddress":{billing},'
                 f'"deliveryAddress":{addr}')
        for f in p.po_custom:
            value = {"ZZ_COST_CENTER": f"CC-{4100 + n % 7}", "ZZ_PURCH_GROUP": f"P0{n % 4 + 1}",
                     "custbody_approval_route": ("standard", "capex")[n % 2]}.get(f, "")
            extra += f',"{f}":{json.dumps(value)}'
        return store.row_values(PURCHASE_ORDER, self.conn, rec, extra + "}"), lines
