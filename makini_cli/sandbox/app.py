"""`create_app`: the sandbox as a Starlette app.

Layers, outside in: Starlette's error middleware; `RequestIdMiddleware` (an X-Request-Id on
every response, 404s included); `FaultMiddleware` (knobs and fault rules, pure ASGI so it can
drop connections); the routes. The lifespan runs the webhook dispatcher's retry loop when the
app is served; embedded use (httpx ASGITransport, no lifespan) works without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request

from . import routes_admin, routes_entities, routes_system
from .core import Sandbox
from .errors import ApiError, error_body, error_response, request_id_of
from .faults import DropConnection, FaultMiddleware
from .web import ok

log = logging.getLogger(__name__)


class RequestIdMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        state = scope.setdefault("state", {})
        rid = state["request_id"] = "req_" + secrets.token_hex(12)

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Request-Id"] = rid
                for name, value in state.get("extra_headers", {}).items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_id)


async def _api_error(request: Request, exc: ApiError):
    return error_response(request, exc)


async def _http_error(request: Request, exc: HTTPException):
    # Routing runs before any handler (and so before auth): an unknown path is a 404 and a
    # known path with the wrong method a 405 whatever the token, and the 405 keeps the
    # `Allow` header Starlette computed.
    message = {404: f"No route for {request.method} {request.url.path}.",
               405: f"Method {request.method} is not allowed on {request.url.path}."}.get(
        exc.status_code, str(exc.detail))
    if exc.status_code == 405 and exc.headers and exc.headers.get("Allow"):
        message += f" Allowed: {exc.headers['Allow']}."
    return error_response(request, ApiError(exc.status_code, message, headers=exc.headers))


async def _crash(request: Request, exc: Exception):
    # Runs in Starlette's outermost error middleware, outside RequestIdMiddleware's reach:
    # set the header here.
    if not isinstance(exc, DropConnection):  # drops are deliberate (fault injection)
        log.exception("sandbox error", exc_info=exc)
    rid = request_id_of(request)
    resp = ok(error_body(500, f"Internal sandbox error: {type(exc).__name__}.", None, rid), 500)
    if rid:
        resp.headers["X-Request-Id"] = rid
    return resp


def create_app(db: str | os.PathLike = ":memory:", *, seed: int = 42,
               pos_per_connection: int = 40, time_factor: float = 1.0,
               webhook_url: str | None = None, webhook_secret: str | None = None) -> Starlette:
    sandbox = Sandbox(db, seed=seed, pos_per_connection=pos_per_connection,
                      time_factor=time_factor, webhook_url=webhook_url,
                      webhook_secret=webhook_secret)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(sandbox.dispatcher.run_forever())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    app = Starlette(
        routes=routes_system.routes() + routes_entities.routes() + routes_admin.routes()
        + sandbox.dispatcher.routes(),
        middleware=[Middleware(RequestIdMiddleware),
                    Middleware(FaultMiddleware, sandbox_getter=lambda: sandbox)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error,
                            Exception: _crash},
        lifespan=lifespan)
    app.state.sandbox = sandbox
    return app
