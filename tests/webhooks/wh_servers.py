"""Real HTTP servers on loopback for the webhook tests (uvicorn in a thread)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


class ServerThread:
    """Run an ASGI app with uvicorn on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, app, host: str = "127.0.0.1") -> None:
        import uvicorn

        config = uvicorn.Config(app, host=host, port=0, log_level="warning", lifespan="auto",
                                access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base_url = ""

    def __enter__(self) -> ServerThread:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                break
            self.thread.join(0.01)
        if not self.server.started:
            raise RuntimeError("uvicorn did not start")
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A scriptable webhook receiver: `respond(received, n)` returns (status, delay_s)."""

    respond: Callable[[Received, int], tuple[int, float]] = lambda r, n: (200, 0.0)
    requests: list[Received] = field(default_factory=list)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        got = Received(scope["method"], scope["path"],
                       {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]},
                       body)
        self.requests.append(got)
        status, delay = self.respond(got, len(self.requests))
        if delay:
            await asyncio.sleep(delay)
        with contextlib.suppress(Exception):
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"ok"})
