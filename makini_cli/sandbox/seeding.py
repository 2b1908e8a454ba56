"""Seeding: the ten demo connections (one per health state, see catalog.SEEDED), their
records, and the credit pool, in one bulk transaction."""

from __future__ import annotations

import json

from . import store
from .catalog import PLATFORMS_BY_PROVIDER, POOL_SPARE_CREDITS, SEEDED
from .generate import Generator
from .seed import connection_key, signing_key

DAY = 86400.0


def insert_connection(db, idx, key, name, email, platform, status, credits, tags,
                      metadata, *, created, sync, scenario="healthy", params=None,
                      connected=True) -> None:
    db.execute(
        "INSERT INTO connections (key, idx, name, email, provider, integration_name, tier, "
        "credits, status, tags, metadata, created_at, connected_at, updated_at, sync_state, "
        "sync_started_at, sync_ends_at, sync_updated_at, scenario, scenario_params) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (key, idx, name, email, platform.provider, platform.name, platform.tier, credits,
         status, json.dumps(tags), json.dumps(metadata), created,
         created if connected else None, created, sync["state"], sync["started"],
         sync["ends"], sync["ends"] if sync["state"] != "inprogress" else sync["started"],
         scenario, json.dumps(params or {})))


def seed_all(sb, seed: int, pos_per_connection: int) -> None:
    now = sb.clock()
    with sb.bulk() as db:
        sb.config.seed = seed
        sb.config.pos_per_connection = pos_per_connection
        sb.tokens.key = signing_key(seed)
        used = 0
        for i, sc in enumerate(SEEDED, 1):
            platform = PLATFORMS_BY_PROVIDER[sc.provider]
            credits = 0 if sc.status in ("Inactive", "Pending") else platform.credits
            used += credits
            sync = {"state": "done", "started": now - 900, "ends": now - 600}
            if sc.scenario == "syncing":
                sync = {"state": "inprogress", "started": now,
                        "ends": now + float(sc.params.get("duration", 300))}
            elif sc.status == "Pending":
                sync = {"state": "inprogress", "started": now, "ends": None}
            elif sc.status == "Inactive":
                sync = {"state": "done", "started": now - 21 * DAY, "ends": now - 20 * DAY}
            insert_connection(
                db, i, connection_key(seed, i), sc.name, sc.email, platform, sc.status,
                credits, list(sc.tags), {"customer_id": f"CUST-{1000 + i}",
                                         "region": sc.tags[0] if sc.tags else "us"},
                created=now - (40 - i) * DAY, sync=sync, scenario=sc.scenario,
                params=sc.params, connected=sc.status != "Pending")
            if sc.status != "Pending":  # nothing synced before the link flow finishes
                Generator(db, seed=seed, conn_key=connection_key(seed, i), conn_idx=i,
                          platform=platform).run(pos_per_connection)
        store.meta_set(db, "pool_total", used + POOL_SPARE_CREDITS)
        store.meta_set(db, "seed", seed)
        store.meta_set(db, "schema_version", store.SCHEMA_VERSION)
        store.meta_set(db, "pos_per_connection", pos_per_connection)
        store.meta_set(db, "seeded_at", int(now))
        store.create_indexes(db)
