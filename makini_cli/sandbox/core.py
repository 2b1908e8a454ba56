"""The `Sandbox` object: database, clock, configuration, credentials, tokens, webhooks, and
the connection lifecycle Makini documents (credits, Inactive when short, disconnect keeps the
records, reconnect = a new connection).

Sync progress is computed from the clock when requests arrive (`tick`), not by a thread, so
an embedded sandbox that lives for one CLI command behaves like a served one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from . import store
from .catalog import PLATFORMS_BY_PROVIDER
from .clock import Clock, iso
from .errors import ApiError
from .generate import Generator
from .seeding import insert_connection
from .seed import connection_key, sandbox_credentials, signing_key
from .tokens import TokenService

DAY = 86400.0
CACHE_SIZE = -16000  # 16 MB page cache: serving memory stays bounded for any data size
SCENARIOS = ("healthy", "syncing", "needs_reauth", "offline", "rate_limited", "forbidden", "slow",
             "flapping")


@dataclass
class Config:
    seed: int = 42
    pos_per_connection: int = 40
    time_factor: float = 1.0
    admin_token_ttl: float = 30 * DAY       # Makini: access tokens last 30 days
    connection_token_ttl: float = 30 * DAY
    refresh_token_ttl: float = 31 * DAY     # refresh tokens 31
    sync_duration: float = 60.0             # a new connection's initial sync (clock seconds)
    latency_ms: float = 0.0                 # global knobs
    error_rate: float = 0.0
    error_status: int = 500


def open_db(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    if path != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA cache_size={CACHE_SIZE}")
    # temp_store stays FILE (the default): a sort on a big table spills to disk, not RAM.
    return db


class Sandbox:
    def __init__(self, db: str | os.PathLike = ":memory:", *, seed: int = 42,
                 pos_per_connection: int = 40, time_factor: float = 1.0,
                 webhook_url: str | None = None, webhook_secret: str | None = None) -> None:
        from .webhooks import WebhookDispatcher

        self.db_path = str(db)
        self.db = open_db(self.db_path)
        self.lock = threading.RLock()
        self.version = 0  # bumped by every committed write (invalidates cached counts)
        self._counts: dict[tuple, tuple[tuple, int]] = {}
        store.create_schema(self.db)
        seeded = store.meta_get(self.db, "seed")
        if seeded is not None and store.meta_get(self.db, "schema_version") != store.SCHEMA_VERSION:
            # A database from another sandbox version: rebuild rather than misread it.
            store.drop_all(self.db)
            store.create_schema(self.db)
            seeded = None
        self.clock = Clock(time_factor, float(store.meta_get(self.db, "clock_offset", "0")))
        self.config = Config(seed=int(seeded) if seeded is not None else seed,
                             pos_per_connection=int(store.meta_get(
                                 self.db, "pos_per_connection", str(pos_per_connection))),
                             time_factor=time_factor)
        self.tokens = TokenService(self.db, signing_key(self.config.seed), self.clock)
        self.dispatcher = WebhookDispatcher(self.db, clock=self.clock, time_factor=time_factor)
        if seeded is None:
            self.seed_data(self.config.seed, self.config.pos_per_connection)
        if webhook_url:
            self.dispatcher.configure(webhook_url, webhook_secret, None)
        from .faults import FaultRules

        self.faults = FaultRules()

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def client_id(self) -> str:
        return sandbox_credentials(self.config.seed)[0]

    @property
    def client_secret(self) -> str:
        return sandbox_credentials(self.config.seed)[1]

    @contextmanager
    def tx(self):
        """One write transaction under the sandbox lock (the db is shared across threads)."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
            self.version += 1

    def count(self, sql: str, args: list) -> int:
        """COUNT(*) cached until the next write: every page of a paginated export asks for
        the same total, and counting 200,000 rows per page would dominate the page."""
        key = (sql, tuple(args))
        with self.lock:
            # data_version moves when another process commits to the same file (a served
            # sandbox and the CLI's embedded one may share it).
            version = (self.version, self.db.execute("PRAGMA data_version").fetchone()[0])
            hit = self._counts.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
            total = self.db.execute(sql, args).fetchone()[0]
            if len(self._counts) > 512:
                self._counts.clear()
            self._counts[key] = (version, total)
            return total

    @contextmanager
    def bulk(self):
        """A write transaction with a big page cache: bulk seeding touches several indexes per
        row, and a 16 MB cache makes a 200,000-order seed I/O-bound (about 4x slower). The
        cache shrinks back afterwards, so serving memory stays bounded."""
        with self.lock:
            self.db.execute("PRAGMA cache_size=-262144")
            try:
                with self.tx() as db:
                    yield db
            finally:
                self.db.execute(f"PRAGMA cache_size={CACHE_SIZE}")

    def query(self, sql: str, args: Any = ()) -> list[tuple]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    def emit(self, event: str, ids: list[str]) -> None:
        self.dispatcher.emit(event, ids)

    # -- seeding ----------------------------------------------------------------------------
    def seed_data(self, seed: int, pos_per_connection: int) -> None:
        from .seeding import seed_all

        seed_all(self, seed, pos_per_connection)

    def reset(self, seed: int | None = None, pos_per_connection: int | None = None) -> None:
        """Drop every sandbox table (not the webhook log) and seed again."""
        with self.lock:
            store.drop_all(self.db)
            store.create_schema(self.db)
            self.clock.set_offset(0)
            self.faults.clear()
            self.config = Config(time_factor=self.config.time_factor)
            self.seed_data(self.config.seed if seed is None else int(seed),
                           pos_per_connection or self.config.pos_per_connection)

    def advance_clock(self, seconds: float) -> float:
        now = self.clock.advance(seconds)
        with self.tx() as db:
            store.meta_set(db, "clock_offset", self.clock.offset)
        return now

    # -- connections ------------------------------------------------------------------------
    def connection(self, key: str, *, include_disconnected: bool = False) -> dict | None:
        with self.lock:
            cur = self.db.cursor()
            cur.row_factory = sqlite3.Row
            row = cur.execute("SELECT * FROM connections WHERE key = ?", (key,)).fetchone()
        if row is None or (row["disconnected_at"] is not None and not include_disconnected):
            return None
        return dict(row)

    def connections(self, *, include_disconnected: bool = False) -> list[dict]:
        with self.lock:
            cur = self.db.cursor()
            cur.row_factory = sqlite3.Row
            sql = "SELECT * FROM connections"
            if not include_disconnected:
                sql += " WHERE disconnected_at IS NULL"
            return [dict(r) for r in cur.execute(sql + " ORDER BY seq")]

    def credits(self) -> dict:
        total = int(store.meta_get(self.db, "pool_total", "0"))
        used = self.query("SELECT COALESCE(SUM(credits), 0) FROM connections "
                          "WHERE disconnected_at IS NULL")[0][0]
        return {"total": total, "used": used, "available": total - used}

    def set_pool(self, total: int) -> dict:
        with self.tx() as db:
            store.meta_set(db, "pool_total", int(total))
        return self.credits()

    def create_connection(self, name: str, email: str, provider: str, *, tags=(),
                          metadata: dict | None = None, pos: int | None = None,
                          grow_pool: bool = False) -> dict:
        """Makini's create: consume the tier's credits and start the initial sync, or come up
        Inactive when the pool is short. `grow_pool` (bulk benchmark setup) adds the credits."""
        platform = PLATFORMS_BY_PROVIDER[provider]
        now = self.clock()
        with self.tx() as db:
            idx = db.execute("SELECT COALESCE(MAX(idx), 0) + 1 FROM connections").fetchone()[0]
            key = connection_key(self.config.seed, idx)
            if grow_pool:
                store.meta_set(db, "pool_total", self.credits()["total"] + platform.credits)
            active = self.credits()["available"] >= platform.credits
            sync = ({"state": "inprogress", "started": now, "ends": now + self.config.sync_duration}
                    if active else {"state": "done", "started": now, "ends": now})
            insert_connection(self.db, idx, key, name, email, platform,
                                    "Synchronizing" if active else "Inactive",
                                    platform.credits if active else 0, list(tags),
                                    metadata or {}, created=now, sync=sync)
            if active:
                Generator(db, seed=self.config.seed, conn_key=key, conn_idx=idx,
                          platform=platform).run(self.config.pos_per_connection
                                                 if pos is None else pos)
            self.emit("connection-statuses.inserted", [key])
        return self.connection(key)

    def grow(self, key: str, purchase_orders: int) -> dict:
        conn = self.connection(key, include_disconnected=True)
        if conn is None:
            raise ApiError(404, f"Connection {key} not found.")
        with self.bulk() as db:
            try:
                Generator(db, seed=self.config.seed, conn_key=key, conn_idx=conn["idx"],
                          platform=PLATFORMS_BY_PROVIDER[conn["provider"]]).grow(purchase_orders)
            except ValueError as exc:
                raise ApiError(409, str(exc), "CONFLICT") from None
        return conn

    def grow_all(self, key: str, per_entity: int) -> dict[str, int]:
        """Add `per_entity` records to every growing entity of one connection (documents,
        readings, material lines: what grows in a real system; reference lists stay)."""
        conn = self.connection(key, include_disconnected=True)
        if conn is None:
            raise ApiError(404, f"Connection {key} not found.")
        with self.bulk() as db:
            try:
                return Generator(db, seed=self.config.seed, conn_key=key, conn_idx=conn["idx"],
                                 platform=PLATFORMS_BY_PROVIDER[conn["provider"]]
                                 ).grow_all(per_entity)
            except ValueError as exc:
                raise ApiError(409, str(exc), "CONFLICT") from None

    def disconnect(self, key: str) -> dict:
        """Revoke the tokens at once, return the credits, stop syncs; keep the records."""
        now = self.clock()
        with self.tx() as db:
            n = db.execute("UPDATE connections SET disconnected_at = ?, status = 'Disconnected', "
                           "credits = 0, sync_state = 'stopped', updated_at = ? "
                           "WHERE key = ? AND disconnected_at IS NULL", (now, now, key)).rowcount
            if not n:
                raise ApiError(404, f"Connection {key} not found.")
            self.tokens.revoke_sub(key)
            self.emit("connection-statuses.deleted", [key])
        return self.connection(key, include_disconnected=True)

    def set_scenario(self, key: str, scenario: str, params: dict) -> dict:
        if scenario not in SCENARIOS:
            raise ApiError(422, f"Unknown scenario '{scenario}'. One of: {', '.join(SCENARIOS)}.",
                           "VALIDATION_FAILED")
        from .scenarios import validate_params

        params = validate_params(scenario, params)
        now = self.clock()
        with self.tx() as db:
            old = self.connection(key)
            if old is None:
                raise ApiError(404, f"Connection {key} not found.")
            sets = "scenario = ?, scenario_params = ?, updated_at = ?, rl_log = NULL"
            args: list = [scenario, json.dumps(params), now]
            if scenario == "syncing":
                sets += (", sync_state = 'inprogress', sync_started_at = ?, sync_ends_at = ?, "
                         "sync_updated_at = ?")
                args += [now, now + float(params.get("duration", 300)), now]
            db.execute(f"UPDATE connections SET {sets} WHERE key = ?", args + [key])
            self.emit("connection-statuses.updated", [key])
            extra = {"needs_reauth": "connection.reauthorization-required",
                     "offline": "connection.offline"}.get(scenario)
            if extra:
                self.emit(extra, [key])
            elif old["scenario"] == "offline":
                self.emit("connection.online", [key])
        return self.connection(key)

    def tick(self) -> None:
        """Finish the syncs whose time has come (by the sandbox clock)."""
        now = self.clock()
        done = self.query("SELECT key, status FROM connections WHERE sync_state = 'inprogress' "
                          "AND sync_ends_at IS NOT NULL AND sync_ends_at <= ?", (now,))
        if not done:
            return
        with self.tx() as db:
            for key, status in done:
                db.execute("UPDATE connections SET sync_state = ?, sync_updated_at = sync_ends_at,"
                           " status = CASE status WHEN 'Synchronizing' THEN 'Active' "
                           "ELSE status END, updated_at = ? WHERE key = ?",
                           ("fulldone" if status == "Synchronizing" else "done", now, key))
                self.emit("connection-statuses.updated", [key])
                self.emit("sync.completed", [key])

    def info(self) -> dict:
        counts = {}
        from .fields import ENTITIES

        for e in ENTITIES.values():
            counts[e.name] = self.query(f"SELECT COUNT(*) FROM {e.table}")[0][0]
        counts["connections"] = self.query("SELECT COUNT(*) FROM connections")[0][0]
        return {"client_id": self.client_id, "seed": self.config.seed, "db": self.db_path,
                "api_prefix": "/api", "token_path": "/link/token", "now": iso(self.clock()),
                "clock_offset": self.clock.offset, "config": asdict(self.config),
                "credits": self.credits(), "counts": counts}
