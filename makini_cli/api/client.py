"""MakiniClient: picks the right token for each path, re-authenticates once on 401, maps errors.

Admin paths (`/api/system/*`) use the admin token; every other `/api/*` path a connection token.
Per-connection observers (circuit breaker, error log) hook in through `observers`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any


import httpx

from . import pagination
from .auth import Auth
from .. import errors
from ..errors import MakiniError
from .http import Http, json_or_error, seg  # noqa: F401 - seg: callers build paths with it

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500


def is_admin_path(path: str) -> bool:
    return path.startswith("/api/system/") or path == "/api/system"


class Observer:
    """Hooks around connection-scoped calls (circuit breaker, per-connection error log)."""

    def before(self, connection: str, operation: str) -> None: ...
    def success(self, connection: str, operation: str) -> None: ...
    def failure(self, connection: str, operation: str, error: MakiniError) -> None: ...


class MakiniClient:
    def __init__(self, http: Http, auth: Auth, *, default_connection: str | None = None) -> None:
        self.http = http
        self.auth = auth
        self.default_connection = default_connection
        self.observers: list[Observer] = []
        self.after_close: list[Callable[[], Any]] = []
        self._streams: list[Any] = []  # strong refs: a dropped stream must still be closed here
        # Items a consumer that collects a list may hold (see paginate's `streaming`).
        self.max_rows: int | None = errors.MAX_ROWS_IN_MEMORY

    async def aclose(self) -> None:
        # A consumer that stopped early (an error, `| head`) leaves its page stream suspended
        # with a prefetch in flight: close those first, while the HTTP client still works.
        streams, self._streams = self._streams, []
        for stream in streams:
            await stream.aclose()
        for hook in self.after_close:
            result = hook()
            if hasattr(result, "__await__"):
                await result
        await self.http.aclose()

    # --- raw sends -------------------------------------------------------
    async def send_admin(self, method: str, path: str, **kw: Any) -> httpx.Response:
        token = await self.auth.admin_token()
        response = await self.http.send(method, path, token=token, **kw)
        if response.status_code == 401:
            # Expired or revoked between the cache check and the call: one refresh, one retry
            # (a 401 means nothing was done, so even a write is safe to repeat once).
            token = await self.auth.admin_token(stale=token)
            response = await self.http.send(method, path, token=token, **kw)
        return response

    async def send_connection(self, connection: str | None, method: str, path: str, **kw: Any) -> httpx.Response:
        connection = connection or self.default_connection
        token = await self.auth.connection_token(connection)
        response = await self.http.send(method, path, token=token, **kw)
        if response.status_code == 401 and (self.auth.has_app_credentials or connection is None):
            if connection is not None and self.auth.has_app_credentials:
                token = await self.auth.connection_token(connection, stale=token)
                response = await self.http.send(method, path, token=token, **kw)
        return response

    async def send(self, method: str, path: str, *, connection: str | None = None, **kw: Any) -> httpx.Response:
        if is_admin_path(path):
            return await self.send_admin(method, path, **kw)
        if path.startswith("/api/"):
            return await self._observed(connection, f"{method} {path}",
                                        lambda: self.send_connection(connection, method, path, **kw))
        return await self.http.send(method, path, **kw)

    async def _observed(self, connection: str | None, operation: str, call) -> httpx.Response:
        conn = connection or self.default_connection
        if conn is None or not self.observers:
            return await call()
        for obs in self.observers:
            obs.before(conn, operation)
        try:
            response = await call()
            if response.status_code >= 400:
                json_or_error(response)  # raises the mapped error for the observers to see
        except MakiniError as exc:
            exc.connection = exc.connection or conn
            for obs in self.observers:
                obs.failure(conn, operation, exc)
            raise
        for obs in self.observers:
            obs.success(conn, operation)
        return response

    # --- JSON helpers ------------------------------------------------------
    async def json(self, method: str, path: str, *, connection: str | None = None, **kw: Any) -> Any:
        response = await self.send(method, path, connection=connection, **kw)
        try:
            return json_or_error(response)
        except MakiniError as exc:
            if not is_admin_path(path):
                exc.connection = exc.connection or connection or self.default_connection
            raise

    async def get(self, path: str, *, connection: str | None = None, params: Any = None) -> Any:
        return await self.json("GET", path, connection=connection, params=params)

    async def data(self, method: str, path: str, *, connection: str | None = None, **kw: Any) -> Any:
        """The `data` member of a `{data: …}` answer (or the whole body if it has none)."""
        body = await self.json(method, path, connection=connection, **kw)
        if isinstance(body, dict) and "data" in body:
            return body["data"]
        return body

    def fetcher(self, path: str, *, connection: str | None = None, params: Any = None,
                per_page: int = DEFAULT_PER_PAGE):
        base = list(params.items()) if isinstance(params, dict) else list(params or [])

        async def fetch(page: int) -> Any:
            query = base + [("page", str(page)), ("per_page", str(per_page))]
            return await self.get(path, connection=connection, params=query)

        return fetch

    def paginate(self, path: str, *, connection: str | None = None, params: Any = None,
                 per_page: int = DEFAULT_PER_PAGE, limit: int | None = None,
                 prefetch: bool = True, streaming: bool = False) -> AsyncIterator[Any]:
        """Every item of every page, in order, as they arrive. `streaming`: the caller writes
        each item as it comes and keeps none, so `max_rows` does not apply."""
        if limit is not None and 0 < limit < per_page:
            per_page = max(1, limit)
        fetch = self.fetcher(path, connection=connection, params=params, per_page=per_page)
        conn = connection or self.default_connection
        api = f"makini api GET {path}" + ("" if is_admin_path(path) or not conn else f" -c {conn}")
        hint = (f"narrow the list, or write it as it arrives: `{api} --paginate` (NDJSON)"
                + (", `makini po export`" if "purchase-orders" in path else ""))
        stream = pagination.items(fetch, what=f"GET {path}", limit=limit, prefetch=prefetch,
                                  max_items=None if streaming else self.max_rows,
                                  too_many_hint=hint)
        self._streams.append(stream)
        return stream

    def pages(self, path: str, *, connection: str | None = None, params: Any = None,
              per_page: int = DEFAULT_PER_PAGE, start: int = 1, prefetch: bool = True):
        fetch = self.fetcher(path, connection=connection, params=params, per_page=per_page)
        return pagination.pages(fetch, what=f"GET {path}", start=start, prefetch=prefetch)
