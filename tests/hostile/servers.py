"""Small hostile HTTP servers on loopback, one per class of fault, for the tests in this folder.

Each is a plain ASGI app (served with the `serve` fixture: uvicorn on 127.0.0.1) that answers
`/link/token` like Makini, so makini authenticates as usual, and then misbehaves on every other
path in one chosen way. `RecordingProxy` is a raw socket server instead: it records what a client
sends to a proxy and forwards nothing.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs

CLIENT_ID = "hostile-client"
CLIENT_SECRET = "hostile-secret-5c1d9e"
TOKEN = "hostile-token-7f3a20"


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send(send, status: int, body: bytes, headers: list | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def page_body(records: list, page: int, *, last_page: int | None, total: int | None,
              current_page: int | None, per_page: int = 100) -> bytes:
    meta = {"current_page": current_page, "per_page": per_page}
    if last_page is not None:
        meta["last_page"] = last_page
    if total is not None:
        meta["total"] = total
    return json.dumps({"data": records, "links": {"next": f"/?page={page + 1}"},
                       "meta": meta}).encode()


class Hostile:
    """Base: Makini's token endpoint, then `answer(path, query, send)` for everything else.
    `requests` counts the other requests, so a test can say how far a client went."""

    def __init__(self) -> None:
        self.requests = 0
        self.pages_asked: list[int] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        if scope["path"].endswith("/token") and scope["method"] == "POST":
            grant = json.loads(body or b"{}")
            if scope["path"] == "/link/token" and grant.get("client_secret") != CLIENT_SECRET:
                await _send(send, 401, b'{"message":"bad credentials"}')
                return
            token = json.dumps({"access_token": TOKEN, "expires_in": time.time() + 3600})
            await _send(send, 200, token.encode())
            return
        self.requests += 1
        query = parse_qs(scope.get("query_string", b"").decode())
        page = int(query.get("page", ["1"])[0])
        self.pages_asked.append(page)
        gone = asyncio.Event()

        async def watch() -> None:  # a streaming answer stops once the client hangs up
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.ensure_future(watch())
        try:
            await self.answer(scope["path"], page, send, gone)
        finally:
            watcher.cancel()

    async def answer(self, path: str, page: int, send, gone: asyncio.Event) -> None:
        raise NotImplementedError


def records(prefix: str, n: int = 3) -> list[dict]:
    return [{"key": f"{prefix}-{i}", "id": f"{prefix}-{i}", "name": f"record {prefix}-{i}",
             "status": "Active", "orderNo": f"{prefix}{i}", "totalGrossValue": "10.00"}
            for i in range(n)]


class RepeatingPages(Hostile):
    """Ignores `page`: every page is page 1, and `last_page` says there are a million."""

    def __init__(self, *, echo_page: bool = False) -> None:
        super().__init__()
        self.echo_page = echo_page  # True: claims to be the page asked for (only the records repeat)

    async def answer(self, path, page, send, gone):
        await _send(send, 200, page_body(records("A"), page, last_page=1_000_000, total=None,
                                         current_page=page if self.echo_page else 1))


class CyclingPages(Hostile):
    """A-B-A-B…: pages 1, 3, 5… are A, pages 2, 4, 6… are B, each claiming to be the page asked
    for, without end."""

    async def answer(self, path, page, send, gone):
        name = "A" if page % 2 else "B"
        await _send(send, 200, page_body(records(name), page, last_page=page + 1, total=None,
                                         current_page=page))


class EndlessPages(Hostile):
    """Fresh records on every page and a `last_page` always one further; `total` is a claim
    (None: not sent)."""

    def __init__(self, *, total: int | None, per_page: int = 3) -> None:
        super().__init__()
        self.total = total
        self.per_page = per_page

    async def answer(self, path, page, send, gone):
        await _send(send, 200, page_body(records(f"P{page}", self.per_page), page,
                                         last_page=page + 1, total=self.total, current_page=page))


class Dripping(Hostile):
    """Answers 200 at once, then drips the body one byte every `interval` seconds."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__()
        self.interval = interval

    async def answer(self, path, page, send, gone):
        body = page_body(records("D"), page, last_page=1, total=3, current_page=page)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        try:
            for i in range(len(body)):
                if gone.is_set():
                    return
                await send({"type": "http.response.body", "body": body[i:i + 1], "more_body": True})
                await asyncio.sleep(self.interval)
            await send({"type": "http.response.body", "body": b""})
        except (OSError, asyncio.CancelledError):
            pass  # the client gave up: that is the point


class Huge(Hostile):
    """A valid list page padded to `size` bytes, streamed in 64 KB chunks; with or without a
    Content-Length header (without: chunked, so only counting the bytes can stop it)."""

    def __init__(self, size: int, *, content_length: bool = True) -> None:
        super().__init__()
        self.size = size
        self.content_length = content_length
        self.sent = 0

    async def answer(self, path, page, send, gone):
        head = b'{"meta":{"current_page":1,"last_page":1},"data":[{"key":"x","pad":"'
        tail = b'"}]}'
        pad = self.size - len(head) - len(tail)
        headers = [(b"content-type", b"application/json")]
        if self.content_length:
            headers.append((b"content-length", str(self.size).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        chunk = b"x" * 65536
        try:
            await send({"type": "http.response.body", "body": head, "more_body": True})
            while pad > 0 and not gone.is_set():
                part = chunk[:pad]
                await send({"type": "http.response.body", "body": part, "more_body": True})
                self.sent += len(part)
                pad -= len(part)
                await asyncio.sleep(0)  # let the disconnect be noticed
            if not gone.is_set():
                await send({"type": "http.response.body", "body": tail})
        except (OSError, asyncio.CancelledError):
            pass


class DeepJSON(Hostile):
    """JSON nested `depth` levels deep: a bare `[[[[…]]]]`, or inside a list page's record."""

    def __init__(self, depth: int, *, in_record: bool = False) -> None:
        super().__init__()
        self.depth = depth
        self.in_record = in_record

    async def answer(self, path, page, send, gone):
        nested = "[" * self.depth + "]" * self.depth
        if self.in_record:
            text = ('{"meta":{"current_page":1,"last_page":1,"total":1},"data":[{"key":"k1",'
                    f'"orderNo":"1","nested":{nested}}}]}}')
        else:
            text = nested
        await _send(send, 200, text.encode())


class RecordingProxy:
    """A forward proxy on 127.0.0.1 that records every request head (and any body bytes that
    arrive with it) and answers 502 without forwarding. `seen` holds the raw bytes."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(2)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            with_body = data
            try:  # whatever body came right behind the head (a token grant carries the secret)
                conn.settimeout(0.3)
                with_body += conn.recv(65536)
            except OSError:
                pass
            self.seen.append(with_body)
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    @property
    def text(self) -> str:
        return b"\n".join(self.seen).decode("latin-1")


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
