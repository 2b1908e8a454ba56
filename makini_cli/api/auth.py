"""Tokens: the admin token (client credentials) and per-connection tokens, fetched, cached, refreshed.

Makini's `expires_in` is an absolute Unix time, not a duration (makini-api.md). A value that is
clearly a duration (smaller than a year of seconds) is treated as one, so a change on Makini's
side degrades to a correct expiry rather than an immediate one.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol

from ..errors import AuthFailed, ConnectionNotFound, MakiniError, NotFound
from .http import Http, decode_json, json_or_error, request_id_of

TOKEN_PATH = "/link/token"
_YEAR = 365 * 24 * 3600


class Cache(Protocol):
    def get(self, slot: str) -> Any: ...
    def put(self, slot: str, token: Any) -> None: ...


class MemoryCache:
    def __init__(self) -> None:
        self.slots: dict[str, Any] = {}

    def get(self, slot: str) -> Any:
        return self.slots.get(slot)

    def put(self, slot: str, token: Any) -> None:
        if token is None:
            self.slots.pop(slot, None)
        else:
            self.slots[slot] = token


def expiry_of(value: Any, now: float | None = None) -> float | None:
    """The expiry as a Unix time, or None (unknown: the token is used until it is refused)."""
    from ..credentials import plausible_expiry

    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    now = time.time() if now is None else now
    return plausible_expiry(now + number if number < _YEAR else number)


def _repeatable(exc: MakiniError) -> MakiniError:
    """Asking for a token twice is harmless: no "check whether it took effect" advice."""
    if exc.uncertain:
        exc.uncertain, exc.hint = False, type(exc).default_hint
    return exc


def token_from(payload: Any) -> Any:
    """A CachedToken from any token response shape ({data: {...}} or bare; token or access_token)."""
    from ..credentials import CachedToken

    body = payload.get("data", payload) if isinstance(payload, dict) else None
    if isinstance(body, list) and body:
        body = body[0]
    if not isinstance(body, dict):
        raise AuthFailed("the token endpoint answered without a token")
    access = body.get("access_token") or body.get("token")
    if not isinstance(access, str) or not access:
        raise AuthFailed("the token endpoint answered without a token")
    refresh = body.get("refresh_token")
    return CachedToken(access, expiry_of(body.get("expires_in")), refresh if isinstance(refresh, str) else None)


class Auth:
    ADMIN = "admin"

    def __init__(self, http: Http, *, client_id: str | None, client_secret: str | None,
                 static_token: str | None = None, cache: Cache | None = None) -> None:
        self.http = http
        self.client_id = client_id
        self.client_secret = client_secret
        self.static_token = static_token
        self.cache = cache or MemoryCache()
        self._admin_lock = asyncio.Lock()
        self._conn_locks: dict[str, asyncio.Lock] = {}

    @property
    def has_app_credentials(self) -> bool:
        return bool(self.client_id and self.client_secret)

    # --- admin token ---
    async def admin_token(self, *, stale: str | None = None) -> str:
        """A usable admin token. `stale` names a token the server just refused: get a newer one."""
        async with self._admin_lock:
            cached = self.cache.get(self.ADMIN)
            if cached and cached.access_token != stale and cached.fresh():
                return cached.access_token
            if cached and cached.refresh_token:
                try:
                    token = await self._grant({"grant_type": "refresh_token",
                                               "refresh_token": cached.refresh_token})
                    self.cache.put(self.ADMIN, token)
                    return token.access_token
                except AuthFailed:
                    pass  # refresh token expired or revoked: fall back to the client credentials
            if not self.has_app_credentials:
                raise AuthFailed("no application credentials: this command needs the admin API",
                                 hint="run `makini auth login --client-id ID`, or set MAKINI_CLIENT_ID "
                                      "and MAKINI_CLIENT_SECRET (or try `makini --sandbox …`)")
            token = await self._grant({"grant_type": "client_credentials", "client_id": self.client_id,
                                       "client_secret": self.client_secret})
            self.cache.put(self.ADMIN, token)
            return token.access_token

    async def _grant(self, body: dict[str, str]) -> Any:
        try:
            response = await self.http.send("POST", TOKEN_PATH, json_body=body)
        except MakiniError as exc:
            raise _repeatable(exc)
        if response.status_code in (400, 401, 403):
            try:
                detail = decode_json(response)
            except ValueError:
                detail = None
            from .errors import parse_error_body

            message = parse_error_body(detail)[0] or "the credentials were refused"
            what = "refresh token" if body["grant_type"] == "refresh_token" else "client id or secret"
            raise AuthFailed(f"Makini refused the {what}: {message}", status=response.status_code,
                             request_id=request_id_of(response))
        try:
            return token_from(json_or_error(response))
        except MakiniError as exc:
            raise _repeatable(exc)

    async def verify_app_credentials(self) -> None:
        """Fetch a fresh admin token (used by `auth login` before saving anything)."""
        token = await self._grant({"grant_type": "client_credentials", "client_id": self.client_id or "",
                                   "client_secret": self.client_secret or ""})
        self.cache.put(self.ADMIN, token)

    # --- connection tokens ---
    def _slot(self, connection: str) -> str:
        return f"connection:{connection}"

    async def connection_token(self, connection: str | None, *, stale: str | None = None) -> str:
        if connection is None or (self.static_token and not self.has_app_credentials):
            if self.static_token and self.static_token != stale:
                return self.static_token
            if self.static_token:
                raise AuthFailed("the connection token was refused",
                                 hint="the connection may be disconnected or the token expired; get a new one "
                                      "(`makini auth login --with-token`, or MAKINI_TOKEN)")
            raise AuthFailed("no connection given and no connection token configured",
                             hint="pass -c/--connection ID, set MAKINI_CONNECTION, or give a token with MAKINI_TOKEN")
        lock = self._conn_locks.setdefault(connection, asyncio.Lock())
        async with lock:
            slot = self._slot(connection)
            cached = self.cache.get(slot)
            if cached and cached.access_token != stale and cached.fresh():
                return cached.access_token
            token = await self.mint(connection)
            return token.access_token

    async def mint(self, connection: str) -> Any:
        from .http import seg

        path = f"/api/system/connections/{seg(connection)}/token"
        stale: str | None = None
        for attempt in (1, 2):
            admin = await self.admin_token(stale=stale)
            try:
                response = await self.http.send("POST", path, token=admin, json_body={})
            except MakiniError as exc:
                raise _repeatable(exc)
            if response.status_code == 401 and attempt == 1:
                stale = admin  # refresh the admin token once and try once more
                continue
            try:
                token = token_from(json_or_error(response))
            except NotFound as exc:
                # Mid-command this is a connection disconnected meanwhile: say so, not "not found".
                raise ConnectionNotFound(
                    f"no connection {connection} in this application: it was disconnected, or "
                    "the id is wrong", status=exc.status, makini_code=exc.makini_code,
                    request_id=exc.request_id, connection=connection) from None
            except MakiniError as exc:
                exc.connection = connection
                raise _repeatable(exc)
            self.cache.put(self._slot(connection), token)
            return token
        raise AssertionError("unreachable")

    def remember(self, connection: str, token: Any) -> None:
        """Cache a connection token obtained elsewhere (e.g. when a connection is created)."""
        self.cache.put(self._slot(connection), token)

    def forget_connection(self, connection: str) -> None:
        self.cache.put(self._slot(connection), None)
