"""Who may call what: admin tokens open `/api/system/*`; a connection token opens only its own
connection's data (`/api/integrations/current`, `/api/raw/*`, entities). Missing, invalid,
expired or revoked tokens are 401 AUTHENTICATION_FAILED; the wrong kind of token is 403.
"""

from __future__ import annotations

import json

from starlette.requests import Request

from . import scenarios
from .errors import ApiError


def sandbox_of(request: Request):
    return request.app.state.sandbox


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Unauthenticated: send 'Authorization: Bearer <token>'.",
                       "AUTHENTICATION_FAILED")
    return token.strip()


def require_admin(request: Request):
    sb = sandbox_of(request)
    with sb.lock:
        claims = sb.tokens.verify(_bearer(request))
    if claims.get("kind") != "admin":
        raise ApiError(403, "This endpoint needs an admin token (client credentials), not a "
                       "connection token.", "FORBIDDEN")
    sb.tick()
    return sb


def forbids(conn: dict, entity: str) -> bool:
    """Whether `conn`'s `forbidden` scenario covers `entity` (the rule scenarios.apply uses:
    a name covers its sub-entities and its statuses list)."""
    if conn["scenario"] != "forbidden":
        return False
    names = json.loads(conn["scenario_params"] or "{}").get("entities", [])
    return any(entity == n or entity.startswith(n + ".") or entity.endswith("/" + n)
               for n in names)


async def require_connection(request: Request, entity: str | None = None,
                             *also: str) -> dict:
    """The token's connection, after its fault scenario has had its say.

    `entity`: the entity path being read (None for /api/integrations/current, which still
    answers for a connection in trouble so a client can see why). `also`: other entities the
    request reads (a work order's materials are materials too): a connection that forbids
    an entity type forbids it on every path."""
    sb = sandbox_of(request)
    with sb.lock:
        claims = sb.tokens.verify(_bearer(request))
    if claims.get("kind") != "connection":
        raise ApiError(403, "This endpoint needs a connection token; admin tokens open "
                       "/api/system/* only.", "FORBIDDEN")
    sb.tick()
    conn = sb.connection(claims["sub"])
    if conn is None:  # disconnected: its tokens are revoked, but be explicit
        raise ApiError(401, "Unauthenticated: the connection was disconnected.",
                       "AUTHENTICATION_FAILED")
    headers = await scenarios.apply(sb, conn, entity=entity)
    if headers:
        request.scope.setdefault("state", {}).setdefault("extra_headers", {}).update(headers)
    for other in also:
        if forbids(conn, other):
            raise ApiError(403, f"The connected system does not allow access to {other}.",
                           "FORBIDDEN")
    return conn
