"""`makini webhooks listen`: a local receiver for Makini's webhooks.

`create_app(...)` returns a Starlette app that takes deliveries on one path, verifies the
signature when a secret is given (invalid: 401), rejects what is not a delivery (oversized:
413, not JSON: 400, wrong shape: 422), acknowledges the rest at once with 200, and afterwards,
off the request path, hands each accepted event to `on_event` (in arrival order, after the
optional `expand`) and forwards the exact body and headers to `forward_to`. Every request is
written to the delivery log (rejections to its rejections file, without their body: see
deliverylog). Nothing a sender does makes it crash.

The request path does one HMAC, one `json.loads`, one log write and a queue put: nothing else,
so loopback throughput is bounded by the HTTP server, not by this code. A rejection costs no
more (see gate.SignatureGate: the full diagnosis of a bad signature is budgeted).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from makini_cli.webhooks import catalog
from makini_cli.webhooks.deliverylog import DeliveryLog, replayable_headers
from makini_cli.webhooks.gate import SignatureGate

MAX_BODY = 1024 * 1024
QUEUE_SIZE = 10_000
FORWARD_WORKERS = 8
_SIG = b"x-webhook-signature"

OnEvent = Callable[[dict, bytes, dict], Awaitable[None]]
OnLog = Callable[[str], object]
Expand = Callable[[dict], Awaitable[list[dict]]]


@dataclass
class Stats:
    received: int = 0
    accepted: int = 0
    rejected: int = 0
    ignored: int = 0
    forwarded: int = 0
    forward_failed: int = 0
    handler_errors: int = 0
    by_event: dict[str, int] = field(default_factory=dict)


class Listener:
    """The state behind the app: configuration, queues, counters (`app.state.listener`)."""

    def __init__(self, *, secret: str | bytes | None = None, path: str = "/",
                 events: list[str] | None = None, forward_to: str | None = None,
                 on_event: OnEvent | None = None, on_log: OnLog | None = None,
                 expand: Expand | None = None, log: DeliveryLog | None = None,
                 max_body: int = MAX_BODY, forward_timeout: float = catalog.ACK_TIMEOUT_S
                 ) -> None:
        self.secret = secret.encode() if isinstance(secret, str) else secret
        self.path = path if path.startswith("/") else "/" + path
        self.events = events or None
        self.forward_to = forward_to
        self.on_event, self.expand = on_event, expand
        self._on_log = on_log
        self._log_is_async = on_log is not None and inspect.iscoroutinefunction(on_log)
        self.log = log
        self.max_body = max_body
        self.forward_timeout = forward_timeout
        self.stats = Stats()
        self.gate = SignatureGate(self.secret) if self.secret is not None else None
        self._events: asyncio.Queue | None = None
        self._forwards: asyncio.Queue | None = None
        self._tasks: list[asyncio.Task] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client = None

    # -- background work ---------------------------------------------------------------------
    def _ensure_workers(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return
        self._loop = loop
        self._events = asyncio.Queue(QUEUE_SIZE)
        self._tasks = [loop.create_task(self._event_worker())]
        if self.forward_to:
            import httpx

            self._forwards = asyncio.Queue(QUEUE_SIZE)
            from makini_cli.urls import direct_mounts

            self._client = httpx.AsyncClient(
                timeout=self.forward_timeout, follow_redirects=False,
                mounts=direct_mounts(self.forward_to))
            self._tasks += [loop.create_task(self._forward_worker())
                            for _ in range(FORWARD_WORKERS)]

    async def aclose(self, grace: float = 5.0) -> None:
        """Finish queued work (up to `grace` seconds), then stop the workers."""
        queues = [q for q in (self._events, self._forwards) if q is not None]
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(q.join() for q in queues)), grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        self._loop = None

    async def emit_log(self, message: str) -> None:
        if self._on_log is None:
            return
        try:
            if self._log_is_async:
                await self._on_log(message)
            else:
                self._on_log(message)
        except Exception:
            pass  # a broken log sink must not take the listener down

    async def _event_worker(self) -> None:
        queue = self._events
        while True:
            event, body, headers = await queue.get()
            try:
                if self.expand is not None:
                    try:
                        event["records"] = await self.expand(event)
                    except Exception as exc:
                        rid = getattr(exc, "request_id", None)  # the API's errors carry one
                        event["expand_error"] = (f"{type(exc).__name__}: {exc}"
                                                 + (f" (request id {rid})" if rid else ""))
                if self.on_event is not None:
                    await self.on_event(event, body, headers)
            except Exception as exc:
                self.stats.handler_errors += 1
                await self.emit_log(f"event handler failed: {type(exc).__name__}: {exc}")
            finally:
                queue.task_done()

    async def _forward_worker(self) -> None:
        import httpx

        queue = self._forwards
        while True:
            entry_id, event, body, headers = await queue.get()
            start = time.perf_counter()
            status = error = None
            try:
                # a deadline for the whole exchange: httpx's timeout is per read, and a
                # receiver dripping its answer would hold a worker for ever
                async with asyncio.timeout(self.forward_timeout):
                    resp = await self._client.post(self.forward_to, content=body, headers=headers)
                status = resp.status_code
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
            except (httpx.TimeoutException, TimeoutError):
                error = f"no answer within {self.forward_timeout:g} s"
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            finally:
                queue.task_done()
            duration = (time.perf_counter() - start) * 1000.0
            if error is None:
                self.stats.forwarded += 1
            else:
                self.stats.forward_failed += 1
            self._write_log(url=self.forward_to, event=event, status_code=status,
                            duration_ms=duration, error=error, body=body, headers=headers,
                            forward_of=entry_id)
            await self.emit_log(f"forwarded {event} to {self.forward_to}: "
                                f"{status if error is None else error} ({duration:.0f} ms)")

    def _write_log(self, **fields) -> str | None:
        if self.log is None:
            return None
        try:
            return self.log.append(source="listen", **fields)["id"]
        except OSError:
            return None

    # -- the request path --------------------------------------------------------------------
    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        start = time.perf_counter()
        method = scope["method"]
        if method != "POST":
            if method in ("GET", "HEAD"):
                await _respond(send, 200, b'{"listening":true}')
            else:
                await _respond(send, 405, _error("METHOD_NOT_ALLOWED", "POST deliveries here"))
            return
        self.stats.received += 1
        try:
            await self._handle(scope, receive, send, start)
        except Exception as exc:  # never die on input
            self.stats.handler_errors += 1
            await self.emit_log(f"listener error: {type(exc).__name__}: {exc}")
            with contextlib.suppress(Exception):
                await _respond(send, 500, _error("INTERNAL", "the listener failed"))

    async def _handle(self, scope, receive, send, start: float) -> None:
        raw_headers = scope["headers"]
        signature = None
        length = None
        for name, value in raw_headers:
            if name == _SIG:
                signature = value
            elif name == b"content-length":
                length = value
        url = _url(scope)
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._reject(send, 413, "TOO_LARGE", f"body over {self.max_body} bytes",
                               url, None, b"", raw_headers, start)
            return
        body = await _read_body(receive, self.max_body)
        if body is None:
            await self._reject(send, 413, "TOO_LARGE", f"body over {self.max_body} bytes",
                               url, None, b"", raw_headers, start)
            return
        verified = None
        if self.secret is not None:
            verified = self.gate.check(body, signature)
            if verified is not True:
                await self._reject(send, 401, "INVALID_SIGNATURE", verified, url,
                                   _peek_event(body), body, raw_headers, start)
                return
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python goes
            await self._reject(send, 400, "INVALID_JSON", "the body is not JSON", url, None,
                               body, raw_headers, start)
            return
        if not catalog.is_valid_payload(payload):
            await self._reject(send, 422, "INVALID_PAYLOAD",
                               'expected {"event": "<entity>.<action>", "body": [ids]}', url,
                               None, body, raw_headers, start)
            return
        event = payload["event"]
        if not catalog.selected(event, self.events):
            self.stats.ignored += 1
            self._write_log(url=url, event=event, status_code=200,
                            duration_ms=(time.perf_counter() - start) * 1000.0, body=body,
                            headers=_decode(raw_headers), ignored=True)
            await _respond(send, 200, b'{"ok":true,"ignored":true}')
            return
        self._ensure_workers()
        headers = _decode(raw_headers)
        item = {"event": event, "body": payload["body"], "received_at": _now(),
                "verified": None if self.secret is None else verified is True}
        try:
            self._events.put_nowait((item, body, headers))
        except asyncio.QueueFull:
            await self._reject(send, 503, "BUSY", "the listener is behind; retry later", url,
                               event, body, raw_headers, start)
            return
        self.stats.accepted += 1
        self.stats.by_event[event] = self.stats.by_event.get(event, 0) + 1
        # logged before the answer, so whoever got a 200 can find the entry
        entry_id = self._write_log(url=url, event=event, status_code=200,
                                   duration_ms=(time.perf_counter() - start) * 1000.0,
                                   body=body, headers=headers)
        await _respond(send, 200, b'{"ok":true}')
        if self._forwards is not None:
            with contextlib.suppress(asyncio.QueueFull):
                self._forwards.put_nowait((entry_id, event, body,
                                           replayable_headers(headers)))

    async def _reject(self, send, status: int, code: str, reason: str, url: str,
                      event: str | None, body: bytes, raw_headers, start: float) -> None:
        self.stats.rejected += 1
        # the sender learns only that the signature failed; the diagnosis is for the log
        public = "invalid signature" if status == 401 else reason
        if self.log is not None:
            try:  # in the rejections file, without the body: it never evicts a delivery
                self.log.append_rejection(source="listen", url=url, event=event,
                                          status_code=status, error=reason, body=body,
                                          duration_ms=(time.perf_counter() - start) * 1000.0,
                                          headers=_decode(raw_headers))
            except OSError:
                pass
        await self.emit_log(f"rejected {event or 'request'} with {status}: {reason}")
        await _respond(send, status, _error(code, public))


def _decode(raw_headers) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in raw_headers}


def _url(scope) -> str:
    server = scope.get("server")
    host = f"{server[0]}:{server[1]}" if server else "listener"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"


def _now() -> str:
    from makini_cli.webhooks.deliverylog import now_rfc3339

    return now_rfc3339()


def _peek_event(body: bytes) -> str | None:
    with contextlib.suppress(Exception):
        payload = json.loads(body)
        if isinstance(payload, dict) and isinstance(payload.get("event"), str):
            return payload["event"][:200]
    return None


def _error(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


async def _read_body(receive, limit: int) -> bytes | None:
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _respond(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def create_app(*, secret: str | bytes | None = None, path: str = "/",
               events: list[str] | None = None, forward_to: str | None = None,
               on_event: OnEvent | None = None, on_log: OnLog | None = None,
               expand: Expand | None = None, log: DeliveryLog | None | bool = True,
               max_body: int = MAX_BODY, forward_timeout: float = catalog.ACK_TIMEOUT_S):
    """The listener as a Starlette app; `app.state.listener` holds its `Listener` and stats.

    `on_event(event, raw_body, headers)` gets each accepted delivery as
    `{"event", "body", "received_at", "verified"}` (plus `records`, or `expand_error`, when
    `expand` is given). `on_log(line)` gets rejections, forwarding results and errors.
    `log=True` writes to the user's delivery log, `False`/`None` to none, or pass a DeliveryLog.
    """
    from starlette.applications import Starlette
    from starlette.routing import Route

    unknown = catalog.validate_selection(events)
    if unknown:
        raise ValueError(f"unknown webhook events: {', '.join(unknown)}")
    if log is True:
        log = DeliveryLog()
    elif log is False:
        log = None
    listener = Listener(secret=secret, path=path, events=events, forward_to=forward_to,
                        on_event=on_event, on_log=on_log, expand=expand, log=log,
                        max_body=max_body, forward_timeout=forward_timeout)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        listener._ensure_workers()
        try:
            yield
        finally:
            await listener.aclose()

    app = Starlette(routes=[Route(listener.path, listener, methods=None)], lifespan=lifespan)
    app.state.listener = listener
    return app
