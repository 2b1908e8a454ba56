"""Records for every entity beyond the purchasing core that `generate.Generator` writes (sites,
vendors, statuses, purchase orders, work orders, assets): one connection's organizations,
locations, people, parts, stock, customers, documents, maintenance plans and the documents of
procurement, sales, warehousing and production -- each only where its system keeps it
(`systems.FAMILIES`).

Deterministic: each entity draws from its own random stream (seed, connection, system, entity),
so adding an entity never changes another's records. Relationships hold: a reference names a
record of the same connection that its list serves (keys are computed, `seed.record_key`), a
status key is one of `statuses/{entity}`, a material's children list it in `parentKeys`. Rows go
in batches, so growing a connection to 200,000 records per entity never holds them in memory.
"""

from __future__ import annotations

import json
import random
from typing import Any

from . import store
from .fields import ENTITIES, REFS, Entity
from .recipes import RECIPES_REFERENCE, derived_count
from .recipes_docs import RECIPES_DOCS
from .recipes_maintenance import RECIPES_MAINTENANCE
from .values import BATCH, DAY, REF, ts
from .systems import CUSTOM, EXTRA_MISSING
from .vocab import CITIES

# Generation order (references point backwards), the base count at 40 purchase orders per
# connection, and whether the count grows with the connection's size (documents do, reference
# lists do not). None: the recipe module derives the count (one per site, per material, …).
PLAN: tuple[tuple[str, int | None, bool], ...] = (
    ("organizations", 1, False), ("currencies", None, False), ("uom", None, False),
    ("accounts", 8, False), ("taxes", 4, False), ("companies", 6, False),
    ("locations", None, False), ("storerooms", None, False), ("teams", 4, False),
    ("users", 8, False), ("labors", 6, False), ("customers", 10, False), ("groups", 5, False),
    ("products", 6, False), ("documents", 6, False), ("asset-templates", 5, False),
    ("materials", None, False), ("inventories", None, False), ("stocks", None, False),
    ("exchange-rates", None, False), ("meters", 8, False), ("meter-readings", 24, True),
    ("assets-downtime", 8, True), ("pm", 6, False), ("service-requests", 8, True),
    ("projects", 4, False), ("bom", 4, False), ("production-orders", 6, True),
    ("receipts", 8, True), ("receiving", 8, True), ("rfq", 5, True),
    ("purchase-requisitions", 6, True), ("return-orders", 4, True), ("invoices", 10, True),
    ("sales-orders", 10, True), ("fulfillments", 6, True), ("shipment-orders", 6, True),
    ("stock-transfers", 5, True), ("stock-adjustments", 5, True), ("material-items", None, True),
)
RECIPES = {**RECIPES_REFERENCE, **RECIPES_MAINTENANCE, **RECIPES_DOCS}
POOL_LIMIT = 2000  # keys kept per entity to draw references from (growth stays bounded)


class Populator:
    def __init__(self, gen, *, scale: float) -> None:
        self.g, self.db, self.p, self.conn, self.idx = gen, gen.db, gen.p, gen.conn, gen.idx
        self.seed = gen.seed
        self.scale = scale
        self.missing = frozenset(self.p.missing) | EXTRA_MISSING.get(self.p.provider, frozenset())
        self.pools: dict[str, list[str]] = {}
        self.counts: dict[str, int] = {}

    # -- helpers the recipes use ---------------------------------------------------------------
    def key(self, entity: str, n: int) -> str:
        return self.g.key(entity, n)

    def pool(self, entity: str) -> list[str]:
        keys = self.pools.get(entity)
        if keys is None:
            e = ENTITIES.get(entity)
            if e is None or not self.p.has(entity):
                keys = []
            else:
                keys = [r[0] for r in self.db.execute(
                    f"SELECT key FROM {e.table} WHERE conn = ? ORDER BY seq LIMIT ?",
                    (self.conn, POOL_LIMIT))]
            self.pools[entity] = keys
        return keys

    def ref(self, entity: str, rng: random.Random) -> str | None:
        keys = self.pool(entity)
        return keys[rng.randrange(len(keys))] if keys else None

    def refs(self, entity: str, rng: random.Random, most: int = 2) -> list[str]:
        keys = self.pool(entity)
        return sorted(set(rng.sample(keys, min(len(keys), rng.randint(1, most))))) if keys else []

    def status(self, scope: str, rng: random.Random, sub: str | None = None) -> str | None:
        table = self.g.status_keys.get(scope)
        if not table:
            return None
        return table[sub] if sub else table[rng.choice(list(table))]

    def address(self, rng: random.Random, addressee: str) -> dict:
        return self.g.address(CITIES[rng.randrange(len(CITIES))], addressee, rng.randint(1, 60))

    def created(self, rng: random.Random, low: int = 60, high: int = 800) -> int:
        return REF - rng.randint(low, high) * DAY + rng.randint(0, 86399)

    # -- generation ----------------------------------------------------------------------------
    def run(self) -> None:
        for entity, base, scaled in PLAN:
            if not self.p.has(entity):
                continue
            count = derived_count(self, entity) if base is None else (
                max(1, round(base * self.scale)) if scaled and self.scale else
                (0 if scaled else base))
            if count:
                self.make(entity, count)
        self.g.after_populate(self)

    def grow(self, per_entity: int) -> dict[str, int]:
        """Add `per_entity` records to every growing entity this system keeps."""
        added = {}
        for entity, _, scaled in PLAN:
            if scaled and self.p.has(entity):
                e = ENTITIES[entity]
                have = self.db.execute(f"SELECT COUNT(*) FROM {e.table} WHERE conn = ?",
                                       (self.conn,)).fetchone()[0]
                self.make(entity, per_entity, start=have + 1)
                added[entity] = per_entity
        return added

    def make(self, entity: str, count: int, start: int = 1) -> None:
        e, recipe = ENTITIES[entity], RECIPES[entity]
        rng = random.Random(f"{self.seed}:{self.idx}:{self.p.provider}:{entity}:{start}")
        sql, rows = store.insert_sql(e), []
        keys = self.pools.setdefault(entity, []) if start == 1 else None
        for n in range(start, start + count):
            rec = recipe(self, n, rng)
            rows.append(self.encode(e, n, rec, rng))
            if keys is not None and len(keys) < POOL_LIMIT:
                keys.append(rec["key"])
            if len(rows) >= BATCH:
                self.db.executemany(sql, rows)
                rows = []
        if rows:
            self.db.executemany(sql, rows)
        self.counts[entity] = start + count - 1

    def encode(self, e: Entity, n: int, rec: dict[str, Any], rng: random.Random) -> tuple:
        """Fill what the recipe left to convention (keys, references, timestamps), drop what
        this system leaves empty, and split scalars from nested and custom fields."""
        rec.setdefault("key", self.key(e.name, n))
        if "createdAt" in e.types and "createdAt" not in rec:
            rec["createdAt"] = ts(self.created(rng))
        if "updatedAt" in e.types and "updatedAt" not in rec:
            rec["updatedAt"] = rec.get("createdAt") or ts(self.created(rng, 1, 60))
        for name in e.spec:
            if name not in rec and name in REFS and REFS[name] != e.name:
                rec[name] = self.ref(REFS[name], rng)
        extra: dict[str, Any] = {}
        for name, kind in e.props:
            if name in self.missing or (kind == "j" and name not in rec):
                rec[name] = None
            if kind == "j":
                extra[name] = rec.pop(name, None)
        for name in CUSTOM.get(self.p.provider, {}).get(e.name, ()):
            extra[name] = custom_value(name, n, rng)
        for name in rec.get("_extra", ()):  # fields beyond the schema a recipe keeps
            extra[name] = rec[name]
        return store.row_values(e, self.conn, rec, json.dumps(extra, separators=(",", ":"))
                                if extra else None)


def custom_value(name: str, n: int, rng: random.Random) -> Any:
    values = {"ZZ_MRP_CONTROLLER": f"MR{n % 4 + 1}", "ZZ_ABC_INDICATOR": "ABC"[n % 3],
              "ZZ_SALES_GROUP": f"S0{n % 3 + 1}", "ZZ_SALES_DISTRICT": f"D{n % 5 + 10}",
              "CUST_FAILURE_CLASS": ("PUMPS", "MOTORS", "HVAC")[n % 3],
              "CUST_COMMODITY_GROUP": ("MECH", "ELEC", "CONS")[n % 3],
              "CUST_SYSTEM_ID": ("PRIMARY", "UTILITIES")[n % 2],
              "custentity_credit_hold": ("AUTO", "ON", "OFF")[n % 3],
              "custbody_channel": ("web", "edi", "phone")[n % 3],
              "custitem_hazmat": n % 4 == 0, "dataAreaId": "usmf",
              "UDFCHAR01": f"ZONE-{n % 6 + 1}", "strCustom1": rng.choice(("Indoor", "Outdoor"))}
    return values.get(name, "")
