"""Running the sandbox over real HTTP with uvicorn: in a background thread for tests and
benchmarks (`ServerThread`), or in the foreground for `makini sandbox serve` (`serve`)."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable

import uvicorn

from .faults import DropConnection


class _QuietDrops(logging.Filter):
    """Injected connection drops are deliberate: keep uvicorn from logging them as crashes."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DropConnection)


def _install_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in logger.filters):
        logger.addFilter(_QuietDrops())


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit this: without it Nagle's algorithm and delayed ACKs add ~40 ms
        # to each keep-alive response.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.set_inheritable(True)
    except BaseException:
        sock.close()  # a taken port must not leak the socket
        raise
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    on_ready: Callable[[], None] | None = None
    stopped_by: list[int] = []

    @contextlib.contextmanager
    def capture_signals(self):
        # uvicorn re-raises the Ctrl-C/SIGTERM it caught once shutdown is done (the process
        # would die by the signal or see KeyboardInterrupt); `serve` returns normally instead.
        with super().capture_signals():
            try:
                yield
            finally:
                self.stopped_by = list(getattr(self, "_captured_signals", []))
                if hasattr(self, "_captured_signals"):
                    self._captured_signals.clear()

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        if self.started and self.on_ready:
            self.on_ready()


def _config(app, log_level: str) -> uvicorn.Config:
    # lifespan on: the webhook retry loop runs; a short graceful timeout so a request parked in
    # an injected `timeout` fault cannot hold up shutdown.
    return uvicorn.Config(app, lifespan="on", log_level=log_level, access_log=False,
                          timeout_graceful_shutdown=1, ws="none")


class ServerThread:
    """`with ServerThread(app) as s: httpx.get(s.base_url + "/api/...")` -- 127.0.0.1, free
    port, background thread; stops cleanly on exit."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, *,
                 log_level: str = "warning", startup_timeout: float = 10.0) -> None:
        self.app = app
        self.host, self.port = host, port
        self.log_level = log_level
        self.startup_timeout = startup_timeout
        self.base_url = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    def __enter__(self) -> ServerThread:
        _install_filter()
        self._sock = _bind(self.host, self.port)
        self.base_url = _url(self._sock)
        self._server = _Server(_config(self.app, self.log_level))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name="makini-sandbox", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    stop = __exit__


def serve(app, host: str = "127.0.0.1", port: int = 8765,
          on_ready: Callable[[str], None] | None = None, *, log_level: str = "warning") -> None:
    """Serve in the foreground until Ctrl-C or SIGTERM, then shut down cleanly (lifespan
    included) and return normally. `on_ready(base_url)` runs once it accepts connections;
    port 0 picks a free port."""
    _install_filter()
    sock = _bind(host, port)
    base_url = _url(sock)
    server = _Server(_config(app, log_level))
    if on_ready is not None:
        server.on_ready = lambda: on_ready(base_url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
