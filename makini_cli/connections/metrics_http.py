"""`watch --metrics-port`: the latest round's OpenMetrics on GET /metrics, served by uvicorn in
watch's own event loop (no thread: a scrape reads the text the last round left, it never waits for
a check). Loopback unless the user names another host. No typer/rich here."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

from .openmetrics import CONTENT_TYPE, TEXT_CONTENT_TYPE


def _app(state: MetricsServer):
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    async def metrics(request) -> Response:
        if state.body is None:
            return PlainTextResponse("no round of checks has finished yet\n", status_code=503,
                                     headers={"Retry-After": "5"})
        # Prometheus asks for OpenMetrics; an old scraper gets the same text as the 0.0.4 format,
        # where `# UNIT` and `# EOF` are comments.
        wants_om = "application/openmetrics-text" in request.headers.get("accept", "")
        return Response(state.body, headers={"Content-Type": CONTENT_TYPE if wants_om else TEXT_CONTENT_TYPE})

    return Starlette(routes=[Route("/metrics", metrics, methods=["GET", "HEAD"])])


class MetricsServer:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.body: str | None = None
        self.base_url = ""
        self._server: Any = None
        self._task: asyncio.Task | None = None
        self._sock: socket.socket | None = None

    def update(self, text: str) -> None:
        self.body = text

    async def start(self) -> None:
        """Bind (OSError when the port is taken) and serve in the background."""
        import uvicorn

        class Quiet(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self):
                yield  # Ctrl-C belongs to `watch` (exit 130), not to the metrics server

        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
        except BaseException:
            sock.close()
            raise
        self._sock = sock
        host, port = sock.getsockname()[:2]
        self.port = port
        self.base_url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        config = uvicorn.Config(_app(self), lifespan="off", log_level="warning", access_log=False,
                                log_config=None, ws="none", timeout_graceful_shutdown=1)
        self._server = Quiet(config)
        self._task = asyncio.ensure_future(self._server.serve(sockets=[sock]))
        while not self._server.started and not self._task.done():
            await asyncio.sleep(0.01)
        if self._task.done():
            self._task.result()  # raise what stopped it

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._task, 3)
        if self._sock is not None:
            self._sock.close()
        self._server = self._task = self._sock = None
