"""Injected faults for the reliability tests: global knobs and targeted rules.

Knobs (`POST /_sandbox/knobs`) hit every API request: `latency_ms`, and `error_rate` (0..1)
answered with `error_status`. Rules (`POST /_sandbox/faults`) hit matching requests only:

    {"method": "GET", "path_prefix": "/api/erp/purchase-orders", "connection": "<key>",
     "after": 2, "times": 1, "fault": "status", "status": 503, "retry_after": "1",
     "delay_ms": 100}

`after` lets N matching requests through first, `times` caps how often it fires (null: always).
Faults: status (error JSON with `status`, Retry-After if given), reset (headers then the
connection drops: the client sees a transport error), timeout and slow (sleep `delay_ms`, then
answer normally; timeout is for delays past the client's read timeout), truncate (real headers
and half the body, then the connection drops), invalid_json (200 with a body that is not JSON).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import threading
from dataclasses import asdict, dataclass, field

from .errors import error_body, request_id_of
from .tokens import peek_claims

try:  # embedded mode runs over httpx's ASGI transport: look like its transport error there
    from httpx import RemoteProtocolError as _Base
except ImportError:  # pragma: no cover
    _Base = ConnectionError  # type: ignore[misc,assignment]

FAULTS = ("status", "reset", "timeout", "slow", "truncate", "invalid_json")


class DropConnection(_Base):
    """Raised after response headers went out: uvicorn then closes the socket (the client gets
    RemoteProtocolError / ReadError); over httpx's ASGITransport the client gets this error."""

    def __init__(self, message: str = "sandbox fault: connection dropped") -> None:
        super().__init__(message)


@dataclass
class Rule:
    id: int
    fault: str
    path_prefix: str = "/"
    method: str | None = None
    connection: str | None = None
    after: int = 0
    times: int | None = 1
    status: int = 503
    retry_after: str | None = None
    delay_ms: int = 0
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str, conn: str | None) -> bool:
        return (path.startswith(self.path_prefix)
                and (self.method is None or self.method == method)
                and (self.connection is None or self.connection == conn))


@dataclass
class FaultRules:
    rules: list[Rule] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def add(self, spec: dict) -> Rule:
        fault = spec.get("fault")
        if fault not in FAULTS:
            raise ValueError(f"fault must be one of: {', '.join(FAULTS)}")
        times = spec.get("times", 1)
        rule = Rule(id=next(self._ids), fault=fault,
                    path_prefix=str(spec.get("path_prefix") or "/"),
                    method=(spec.get("method") or None) and str(spec["method"]).upper(),
                    connection=spec.get("connection"), after=int(spec.get("after", 0)),
                    times=None if times is None else int(times),
                    status=int(spec.get("status", 503)),
                    retry_after=None if spec.get("retry_after") is None
                    else str(spec["retry_after"]),
                    delay_ms=int(spec.get("delay_ms", 30000 if fault == "timeout" else 0)))
        if rule.after < 0 or (rule.times is not None and rule.times < 1):
            raise ValueError("after must be >= 0 and times >= 1 (or null)")
        if not 100 <= rule.status <= 599:
            raise ValueError("status must be an HTTP status code")
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def list(self) -> list[dict]:
        return [asdict(r) for r in self.rules]

    def pick(self, method: str, path: str, conn: str | None) -> Rule | None:
        """Count the request against every matching rule; return the first that fires."""
        chosen = None
        with self._lock:
            for rule in self.rules:
                if not rule.matches(method, path, conn):
                    continue
                rule.seen += 1
                if chosen is None and rule.seen > rule.after and (
                        rule.times is None or rule.fired < rule.times):
                    rule.fired += 1
                    chosen = rule
        return chosen


def _token_sub(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            text = value.decode("latin-1")
            if text.lower().startswith("bearer "):
                claims = peek_claims(text[7:].strip())
                if claims and claims.get("kind") == "connection":
                    return claims.get("sub")
    return None


async def _send_json(send, status: int, body: dict, headers: list | None = None) -> None:
    raw = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(raw)).encode())] + (headers or [])})
    await send({"type": "http.response.body", "body": raw})


async def _drop(send, partial: bytes = b"", headers: list | None = None,
                length: int = 64) -> None:
    length = max(length, len(partial) + 1)  # promise more than is sent: the body stays short
    await send({"type": "http.response.start", "status": 200,
                "headers": (headers or [(b"content-type", b"application/json")])
                + [(b"content-length", str(length).encode())]})
    if partial:
        await send({"type": "http.response.body", "body": partial, "more_body": True})
    raise DropConnection()


class FaultMiddleware:
    """Pure ASGI, so it can drop a connection mid-response (Starlette responses cannot)."""

    def __init__(self, app, sandbox_getter) -> None:
        self.app = app
        self.sandbox = sandbox_getter

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        sb = self.sandbox()
        path, method = scope["path"], scope["method"]
        api = path.startswith(("/api/", "/link/"))
        if api:
            knobs = sb.config
            if knobs.latency_ms:
                await asyncio.sleep(knobs.latency_ms / 1000)
            if knobs.error_rate and sb.faults.rng.random() < knobs.error_rate:
                extra = [(b"retry-after", b"1")] if knobs.error_status in (429, 503) else []
                return await _send_json(send, knobs.error_status, error_body(
                    knobs.error_status, "Injected error (sandbox error_rate knob).", None,
                    request_id_of(scope)), extra)
        rule = sb.faults.pick(method, path, _token_sub(scope)) if sb.faults.rules else None
        if rule is None:
            try:
                return await self.app(scope, receive, send)
            except DropConnection:  # a scenario (offline, mode drop) asked for it
                return await _drop(send)
        if rule.fault == "status":
            extra = [(b"retry-after", rule.retry_after.encode())] if rule.retry_after else []
            return await _send_json(send, rule.status, error_body(
                rule.status, f"Injected fault (rule {rule.id}).", None, request_id_of(scope)),
                extra)
        if rule.fault == "reset":
            return await _drop(send)
        if rule.fault in ("timeout", "slow"):
            # The request is in the server's hands before the delay, as on a real slow server:
            # a write is carried out even when the client has stopped waiting meanwhile.
            receive = await _buffered(receive)
            await asyncio.sleep(rule.delay_ms / 1000)
            return await self.app(scope, receive, send)
        # truncate / invalid_json: run the request, then spoil what goes back
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        if rule.fault == "truncate":
            headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
            return await _drop(send, body[: max(1, len(body) // 2)], headers, len(body))
        return await _send_json_raw(send, b'{"data": [{"key": "trunc', start)


async def _buffered(receive):
    """Read the whole request body now; return a `receive` that replays it."""
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break

    async def replay():
        return messages.pop(0) if messages else await receive()

    return replay


async def _send_json_raw(send, raw: bytes, start: dict) -> None:
    headers = [(k, v) for k, v in start.get("headers", [])
               if k not in (b"content-length", b"content-type")]
    await send({"type": "http.response.start", "status": 200,
                "headers": headers + [(b"content-type", b"application/json"),
                                      (b"content-length", str(len(raw)).encode())]})
    await send({"type": "http.response.body", "body": raw})
