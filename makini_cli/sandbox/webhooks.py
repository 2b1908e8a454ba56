"""The sandbox's webhook dispatcher: what Makini does from its dashboard, done locally.

Configured through `/_sandbox/webhooks` (Makini has no webhook API), it queues one delivery per
emitted change and POSTs it the way Makini does: the compact JSON body
`{"event": …, "body": [ids]}`, signed in `X-Webhook-Signature` (hex HMAC-SHA256 of the raw body),
a 10 s timeout, and retries 30 s after a failure, doubling, for up to 24 h.

Times are in seconds of the sandbox `clock`, which runs `time_factor` times faster than wall
time (and jumps when a test advances it). Retry delays are Makini's, in clock seconds, multiplied
by `retry_scale` (default 1; settable on the config endpoint): with time_factor 60 the first
retry comes half a real second after a failure, and `retry_scale` 0.01 shrinks the whole 24 h
cycle further for tests. Deliveries and attempts live in the sandbox database, so a served
sandbox keeps retrying across restarts and an embedded one can show its log.
"""

from __future__ import annotations

from ..timeutil import format_rfc3339

import asyncio
import contextlib
import json
import logging
import secrets as _secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from makini_cli.webhooks import catalog
from makini_cli.webhooks.signing import HEADER, sign

log = logging.getLogger(__name__)

USER_AGENT = "Makini-Webhooks/sandbox"
_POLL_S = 0.5  # longest sleep of the background loop: notices a fake clock or new config
_BATCH = 200
_PARALLEL = 8

_SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_config (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    url TEXT,
    secret TEXT,
    events TEXT,
    retry_scale REAL,
    updated_at REAL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending',
    next_attempt_at REAL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS webhook_attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    delivery_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    time REAL NOT NULL,
    event TEXT NOT NULL,
    url TEXT,
    status_code INTEGER,
    duration_ms REAL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_attempts_delivery ON webhook_attempts (delivery_id);
"""


def rfc3339(ts: float) -> str:
    return format_rfc3339(ts, timespec="milliseconds")


def _is_loopback(url: str) -> bool:
    import httpx

    from makini_cli.urls import is_loopback

    return is_loopback(httpx.URL(url).host or "")


class WebhookDispatcher:
    """Queues and sends the sandbox's webhook deliveries. See the module docstring."""

    def __init__(self, db: sqlite3.Connection, *, clock: Callable[[], float],
                 time_factor: float, lock: threading.RLock | None = None) -> None:
        """`lock`: the lock that guards `db` if the sandbox shares it across threads (pass the
        sandbox's own, so a delivery write never lands inside another thread's transaction)."""
        self.db = db
        self.clock = clock
        self.time_factor = time_factor if time_factor and time_factor > 0 else 1.0
        self.timeout = catalog.ACK_TIMEOUT_S
        self._lock = lock if lock is not None else threading.RLock()
        self._in_flight: set[str] = set()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._warned: set[str] = set()
        with self._lock:
            started = db.in_transaction  # executescript would commit the caller's work
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if not started:
                db.commit()
        self._cfg = self._load_config()

    # -- storage helpers -------------------------------------------------------------------
    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            cur = self.db.cursor()
            cur.row_factory = None
            return cur.execute(sql, args).fetchall()

    def _write(self, *statements: tuple[str, tuple]) -> None:
        with self._lock:
            started = self.db.in_transaction
            for sql, args in statements:
                self.db.execute(sql, args)
            if not started:  # never commit a transaction the sandbox opened itself
                self.db.commit()

    def _load_config(self) -> dict[str, Any]:
        rows = self._rows("SELECT url, secret, events, retry_scale, updated_at "
                          "FROM webhook_config WHERE id = 1")
        if not rows:
            return {"url": None, "secret": None, "events": None, "retry_scale": None,
                    "updated_at": None}
        url, secret, events, scale, updated = rows[0]
        return {"url": url, "secret": secret, "events": json.loads(events) if events else None,
                "retry_scale": scale, "updated_at": updated}

    # -- configuration ---------------------------------------------------------------------
    @property
    def retry_scale(self) -> float:
        """Multiplier on Makini's retry delays (in clock seconds, so time_factor applies too)."""
        scale = self._cfg.get("retry_scale")
        return float(scale) if scale is not None else 1.0

    def configure(self, url: str | None, secret: str | None, events: list[str] | None = None,
                  *, retry_scale: float | None = None) -> dict:
        """Set the endpoint. `url=None` turns deliveries off. `secret=None` keeps the current
        secret (with none, deliveries go unsigned). `retry_scale=None` keeps the current one.
        Raises ValueError on bad input."""
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        if events is not None:
            if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
                raise ValueError("events must be a list of event names")
            unknown = catalog.validate_selection(events)
            if unknown:
                raise ValueError(f"unknown webhook events: {', '.join(unknown)}")
        if retry_scale is not None and not (float(retry_scale) > 0):
            raise ValueError("retry_scale must be a positive number")
        if secret is None and url is not None:
            secret = self._cfg["secret"]
        if retry_scale is None:
            retry_scale = self._cfg["retry_scale"]
        now = self.clock()
        self._write((
            "INSERT INTO webhook_config (id, url, secret, events, retry_scale, updated_at) "
            "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET url = excluded.url, "
            "secret = excluded.secret, events = excluded.events, "
            "retry_scale = excluded.retry_scale, updated_at = excluded.updated_at",
            (url, secret, json.dumps(events) if events is not None else None,
             float(retry_scale) if retry_scale is not None else None, now)))
        self._cfg = self._load_config()
        self._notify()
        return self.config()

    def config(self) -> dict:
        """The configuration, never with the secret: `secret_set` says whether one is set."""
        cfg = self._cfg
        return {
            "url": cfg["url"],
            "events": cfg["events"],
            "secret_set": bool(cfg["secret"]),
            "retry_scale": self.retry_scale,
            "updated_at": rfc3339(cfg["updated_at"]) if cfg["updated_at"] is not None else None,
        }

    # -- queueing --------------------------------------------------------------------------
    def emit(self, event: str, ids: list[str]) -> None:
        """Queue a delivery of `event` for `ids` if an endpoint is configured and selected it."""
        cfg = self._cfg
        if not cfg["url"] or not ids or not catalog.selected(event, cfg["events"]):
            return
        if event not in catalog.BY_NAME:
            if event not in self._warned:
                self._warned.add(event)
                log.warning("not a Makini webhook event, not delivered: %s", event)
            return
        now = self.clock()
        body = catalog.encode(event, [str(i) for i in ids])
        self._write(("INSERT INTO webhook_deliveries (id, event, body, created_at, attempts, "
                     "state, next_attempt_at) VALUES (?, ?, ?, ?, 0, 'pending', ?)",
                     ("whd_" + _secrets.token_hex(8), event, body, now, now)))
        self._notify()

    def _notify(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            wake.set()
        else:
            loop.call_soon_threadsafe(wake.set)

    # -- sending ---------------------------------------------------------------------------
    def _due(self, *, first_only: bool) -> list[tuple[str, str, bytes, int]]:
        sql = ("SELECT id, event, body, attempts FROM webhook_deliveries WHERE state = 'pending' "
               "AND next_attempt_at <= ?" + (" AND attempts = 0" if first_only else "")
               + " ORDER BY next_attempt_at, rowid LIMIT ?")
        return [r for r in self._rows(sql, (self.clock(), _BATCH)) if r[0] not in self._in_flight]

    def _next_due_at(self) -> float | None:
        rows = self._rows("SELECT MIN(next_attempt_at) FROM webhook_deliveries "
                          "WHERE state = 'pending'")
        return rows[0][0] if rows else None

    async def _post(self, client, url: str, secret: str, body: bytes
                    ) -> tuple[int | None, float, str | None]:
        import httpx

        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if secret:
            headers[HEADER] = sign(body, secret)
        start = time.perf_counter()
        try:
            resp = await client.post(url, content=body, headers=headers)
            status, error = resp.status_code, None
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.TimeoutException:
            status, error = None, f"no answer within {self.timeout:g} s"
        except httpx.HTTPError as exc:
            status, error = None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return status, (time.perf_counter() - start) * 1000.0, error

    def _client(self, url: str):
        import httpx

        return httpx.AsyncClient(timeout=self.timeout, follow_redirects=False,
                                 trust_env=not _is_loopback(url))

    async def _attempt(self, client, delivery_id: str, event: str, body: bytes, attempts: int,
                       *, reschedule: bool = True) -> dict:
        cfg = self._cfg
        url, secret = cfg["url"], cfg["secret"]
        number = attempts + 1
        when = self.clock()
        status, duration, error = await self._post(client, url, secret, body)
        ok = status is not None and 200 <= status < 300
        attempt_id = "wha_" + _secrets.token_hex(8)
        statements = [(
            "INSERT INTO webhook_attempts (id, delivery_id, attempt, time, event, url, "
            "status_code, duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (attempt_id, delivery_id, number, when, event, url, status, round(duration, 2),
             error))]
        if ok:
            statements.append(("UPDATE webhook_deliveries SET attempts = ?, state = 'delivered', "
                                "next_attempt_at = NULL WHERE id = ?", (number, delivery_id)))
        elif reschedule:
            delays = catalog.retry_delays()
            if number - 1 < len(delays):
                next_at = self.clock() + delays[number - 1] * self.retry_scale
                statements.append(("UPDATE webhook_deliveries SET attempts = ?, "
                                   "next_attempt_at = ? WHERE id = ?",
                                   (number, next_at, delivery_id)))
            else:
                statements.append(("UPDATE webhook_deliveries SET attempts = ?, state = 'failed', "
                                   "next_attempt_at = NULL WHERE id = ?", (number, delivery_id)))
        else:
            statements.append(("UPDATE webhook_deliveries SET attempts = ? WHERE id = ?",
                               (number, delivery_id)))
        self._write(*statements)
        return self._attempt_dict((attempt_id, delivery_id, number, when, event, url, status,
                                   round(duration, 2), error))

    async def _send_due(self, *, first_only: bool, client=None) -> int:
        cfg = self._cfg
        if not cfg["url"]:
            return 0
        due = self._due(first_only=first_only)
        if not due:
            return 0
        for row in due:
            self._in_flight.add(row[0])
        limit = asyncio.Semaphore(_PARALLEL)

        async def one(client, row):
            async with limit:
                try:
                    await self._attempt(client, row[0], row[1], bytes(row[2]), row[3])
                except Exception:  # a bug here must not stop the loop
                    log.exception("webhook delivery %s failed unexpectedly", row[0])
                finally:
                    self._in_flight.discard(row[0])

        try:
            if client is not None:
                await asyncio.gather(*(one(client, row) for row in due))
            else:
                async with self._client(cfg["url"]) as client:
                    await asyncio.gather(*(one(client, row) for row in due))
        finally:
            for row in due:
                self._in_flight.discard(row[0])
        return len(due)

    async def drain(self) -> int:
        """Send every queued first attempt now (embedded mode, before the CLI exits).

        Failures are logged and scheduled for retry; only a served sandbox sends retries.
        Returns the number of attempts made."""
        total = 0
        while True:
            sent = await self._send_due(first_only=True)
            total += sent
            if sent < _BATCH:
                return total

    async def tick(self, client=None) -> int:
        """Send every attempt due now, first attempts and retries; returns how many."""
        return await self._send_due(first_only=False, client=client)

    async def run_forever(self) -> None:
        """Background loop for a served sandbox: sends due deliveries and retries, forever."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        client, client_for = None, None  # one client while the endpoint stays the same kind
        try:
            while True:
                self._wake.clear()
                try:
                    url = self._cfg["url"]
                    if url and (client is None or client_for != _is_loopback(url)):
                        if client is not None:
                            await client.aclose()
                        client, client_for = self._client(url), _is_loopback(url)
                    await self.tick(client)
                except Exception:
                    log.exception("webhook dispatcher loop error")
                next_at = self._next_due_at()
                wait = _POLL_S if next_at is None else min(
                    max(next_at - self.clock(), 0.0) / self.time_factor, _POLL_S)
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), wait)
                else:
                    await asyncio.sleep(0)
        finally:
            self._loop = self._wake = None
            if client is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(client.aclose())

    # -- the log ---------------------------------------------------------------------------
    @staticmethod
    def _attempt_dict(row: tuple) -> dict:
        attempt_id, delivery_id, number, when, event, url, status, duration, error = row
        return {"id": attempt_id, "delivery_id": delivery_id, "attempt": number,
                "time": rfc3339(when), "event": event, "url": url, "status_code": status,
                "duration_ms": duration, "error": error,
                "ok": status is not None and 200 <= status < 300}

    def deliveries(self, limit: int = 50, status: str | None = None) -> list[dict]:
        """Delivery attempts, newest first; `status` "ok" or "failed" filters."""
        where = ""
        if status == "ok":
            where = "WHERE status_code BETWEEN 200 AND 299"
        elif status == "failed":
            where = "WHERE status_code IS NULL OR status_code NOT BETWEEN 200 AND 299"
        elif status not in (None, ""):
            raise ValueError("status must be 'ok' or 'failed'")
        rows = self._rows("SELECT id, delivery_id, attempt, time, event, url, status_code, "
                          f"duration_ms, error FROM webhook_attempts {where} "
                          "ORDER BY seq DESC LIMIT ?", (min(max(0, int(limit)), 2**62),))
        return [self._attempt_dict(r) for r in rows]

    def pending(self) -> list[dict]:
        """Deliveries still waiting for a first attempt or a retry."""
        rows = self._rows("SELECT id, event, attempts, next_attempt_at FROM webhook_deliveries "
                          "WHERE state = 'pending' ORDER BY next_attempt_at, rowid")
        return [{"delivery_id": i, "event": e, "attempts": a, "next_attempt_at": rfc3339(n)}
                for i, e, a, n in rows]

    async def redeliver(self, id: str) -> dict | None:
        """Send a delivery again now (by delivery id or attempt id); None when unknown.

        It goes to the endpoint configured now, signed with the current secret."""
        rows = self._rows("SELECT id, event, body, attempts FROM webhook_deliveries WHERE id = ?",
                          (id,))
        if not rows:
            rows = self._rows("SELECT d.id, d.event, d.body, d.attempts FROM webhook_deliveries d "
                              "JOIN webhook_attempts a ON a.delivery_id = d.id WHERE a.id = ?",
                              (id,))
        if not rows or not self._cfg["url"]:
            return None
        delivery_id, event, body, attempts = rows[0]
        async with self._client(self._cfg["url"]) as client:
            return await self._attempt(client, delivery_id, event, bytes(body), attempts,
                                       reschedule=False)

    # -- HTTP ------------------------------------------------------------------------------
    def routes(self) -> list:
        """Starlette routes for `/_sandbox/webhooks` and its delivery log."""
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        def problem(status: int, code: str, message: str) -> JSONResponse:
            return JSONResponse({"error": {"code": code, "message": message}}, status)

        async def get_or_set(request: Request) -> JSONResponse:
            if request.method == "GET":
                return JSONResponse(self.config())
            if request.method == "DELETE":
                return JSONResponse(self.configure(None, None, None))
            try:
                data = json.loads(await request.body() or b"{}")
            except ValueError:
                return problem(400, "INVALID_JSON", "the body is not JSON")
            if not isinstance(data, dict):
                return problem(422, "VALIDATION_FAILED", "the body must be a JSON object")
            url = data.get("url")
            secret = data.get("secret")
            if url is not None and not isinstance(url, str):
                return problem(422, "VALIDATION_FAILED", "url must be a string")
            if secret is not None and not isinstance(secret, str):
                return problem(422, "VALIDATION_FAILED", "secret must be a string")
            generated = None
            if url and not secret:
                secret = self._cfg["secret"]
                if not secret:
                    secret = generated = "whsec_" + _secrets.token_urlsafe(24)
            try:
                result = self.configure(url, secret, data.get("events"),
                                        retry_scale=data.get("retry_scale"))
            except (ValueError, TypeError) as exc:
                return problem(422, "VALIDATION_FAILED", str(exc))
            if generated:  # shown once, as Makini's dashboard does
                result = {**result, "secret": generated}
            return JSONResponse(result)

        async def list_deliveries(request: Request) -> JSONResponse:
            try:
                limit = int(request.query_params.get("limit", "50"))
                items = self.deliveries(limit, request.query_params.get("status"))
            except ValueError as exc:
                return problem(422, "VALIDATION_FAILED", str(exc))
            return JSONResponse({"data": items})

        async def redeliver(request: Request) -> JSONResponse:
            if not self._cfg["url"]:
                return problem(409, "NOT_CONFIGURED", "no webhook endpoint is configured")
            result = await self.redeliver(request.path_params["id"])
            if result is None:
                return problem(404, "NOT_FOUND", "no such delivery")
            return JSONResponse({"data": result})

        return [
            Route("/_sandbox/webhooks", get_or_set, methods=["GET", "POST", "DELETE"]),
            Route("/_sandbox/webhooks/deliveries", list_deliveries, methods=["GET"]),
            Route("/_sandbox/webhooks/deliveries/{id}/redeliver", redeliver, methods=["POST"]),
        ]
