"""Token endpoint, `/api/system/*` (admin token) and `/api/integrations/current` (connection
token); `/api/raw/*` and `/api/passthrough` are in `routes_raw.py`."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.routing import Route

from . import routes_raw, store
from .auth import require_admin, require_connection, sandbox_of
from .catalog import PLATFORMS, PLATFORMS_BY_PROVIDER
from .clock import iso
from .errors import ApiError, validation
from .listing import list_values
from .query import page_body, parse_list
from .scenarios import sync_status
from .web import ok, read_json

REDIRECT = "https://app.example.com/makini/callback"
MAX_TTL = 10 * 365 * 86400  # a longer token life would overflow the expiry column
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def connection_json(sb, c: dict) -> dict:
    # Spec quirk (oas3_system.json, components.schemas.Connection): `user_metadata` is typed
    # string, so the key/value metadata is served as JSON text; `tags` is an array.
    return {"key": c["key"], "name": c["name"], "email": c["email"], "status": c["status"],
            "integration_name": c["integration_name"], "redirect": REDIRECT,
            "scopes": "read write", "tags": json.loads(c["tags"] or "[]"),
            "user_metadata": json.dumps(json.loads(c["metadata"] or "{}"), sort_keys=True),
            "client_id": sb.client_id, "updated_at": iso(c["updated_at"]),
            "created_at": iso(c["created_at"]), "connected_at": iso(c["connected_at"])}


def integration_json(c: dict) -> dict:
    return {"id": c["key"], "company_name": c["name"], "email": c["email"],
            "provider": c["provider"], "updated_at": iso(c["updated_at"]),
            "sync_status": sync_status(c), "sync_updated_at": iso(c["sync_updated_at"])}


def _ttls(sb, kind: str) -> tuple[float, float]:
    ttl = sb.config.admin_token_ttl if kind == "admin" else sb.config.connection_token_ttl
    return ttl, sb.config.refresh_token_ttl


async def link_token(request: Request):
    """POST /link/token (not in the spec files; the docs describe it). JSON or form body."""
    sb = sandbox_of(request)
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body = dict(parse_qsl((await request.body()).decode()))
    else:
        body = await read_json(request)
    grant = body.get("grant_type")
    with sb.tx():
        if grant == "client_credentials":
            if (body.get("client_id"), body.get("client_secret")) != (sb.client_id,
                                                                        sb.client_secret):
                raise ApiError(401, "Client authentication failed: unknown client_id or wrong "
                               "client_secret.", "AUTHENTICATION_FAILED")
            pair = sb.tokens.issue_pair("admin", sb.client_id, *_ttls(sb, "admin"))
        elif grant == "refresh_token":
            if not isinstance(body.get("refresh_token"), str):
                raise validation("refresh_token", "The refresh_token field is required.")
            pair = sb.tokens.refresh(body["refresh_token"], lambda k: _ttls(sb, k))
        else:
            raise ApiError(400, "grant_type must be client_credentials or refresh_token.",
                           "UNSUPPORTED_GRANT_TYPE")
    return ok(pair)


async def client(request: Request):
    sb = require_admin(request)
    return ok({"data": {"id": sb.client_id, "name": "Sandbox Application",
                        "logo_url": "https://sandbox.makini.local/logo.png",
                        "email": "developer@example.com", "default_redirect": REDIRECT,
                        "redirects": [REDIRECT, "http://localhost:8765/callback"]}})


async def platforms(request: Request):
    sb = require_admin(request)
    return ok(list_values(request, sb, [p.as_json() for p in PLATFORMS],
                          {"provider": "s", "name": "s", "category": "s", "tier": "s"}))


_CONN_FIELDS = {n: (store.qi(n), "s") for n in
                ("key", "name", "email", "status", "integration_name", "provider")}


async def connections(request: Request):
    sb = require_admin(request)
    if request.method == "POST":
        return await _create_connection(request, sb)
    q = parse_list(request.query_params, _CONN_FIELDS)
    where, args = q.sql_where("disconnected_at IS NULL", [])
    with sb.lock:
        total = sb.db.execute(f"SELECT COUNT(*) FROM connections WHERE {where}",
                              args).fetchone()[0]
        keys = [r[0] for r in sb.db.execute(
            f"SELECT key FROM connections WHERE {where}{q.sql_order()} LIMIT ? OFFSET ?",
            args + [q.per_page, (q.page - 1) * q.per_page])]
    data = [connection_json(sb, sb.connection(k)) for k in keys]
    return ok(page_body(request, data, total, q))


async def _create_connection(request: Request, sb):
    body = await read_json(request)
    errors = {}
    for name in ("name", "email", "provider"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            errors[name] = [f"The {name} field is required."]
    if "email" not in errors and not _EMAIL.match(body["email"]):
        errors["email"] = ["The email field must be a valid email address."]
    if "provider" not in errors and body["provider"] not in PLATFORMS_BY_PROVIDER:
        errors["provider"] = [f"Unknown provider '{body['provider']}'; see /api/system/platforms."]
    creds = body.get("credentials", {})
    if not isinstance(creds, (dict, list)):
        errors["credentials"] = ["The credentials field must be an object."]
    if errors:
        raise ApiError(422, next(iter(errors.values()))[0], "VALIDATION_FAILED", errors=errors)
    conn = sb.create_connection(body["name"], body["email"], body["provider"])
    with sb.tx():
        pair = sb.tokens.issue_pair("connection", conn["key"], *_ttls(sb, "connection"))
    # Spec quirk (components.schemas.ConnectionStore): `expires_in` is typed string, so it is
    # the absolute Unix time as a string here. Extension: `key`, the new connection's key.
    return ok({"data": {"access_token": pair["access_token"],
                        "refresh_token": pair["refresh_token"], "token_type": "bearer",
                        "expires_in": str(pair["expires_in"]), "key": conn["key"]}})


def _conn_or_404(sb, key: str) -> dict:
    conn = sb.connection(key)
    if conn is None:
        raise ApiError(404, f"Connection {key} not found.")
    return conn


async def delete_connection(request: Request):
    sb = require_admin(request)
    _conn_or_404(sb, request.path_params["id"])
    conn = sb.disconnect(request.path_params["id"])
    return ok({"message": "Connection disconnected.", "data": connection_json(sb, conn)})


async def metadata(request: Request):
    sb = require_admin(request)
    conn = _conn_or_404(sb, request.path_params["id"])
    if request.method == "GET":
        meta = json.loads(conn["metadata"] or "{}")
        # Each item is a {key, value} pair; the spec's item schema (ConnectionMetadata) is a
        # copy of Connection, whose `key` property this fills with the metadata key.
        return ok(list_values(request, sb, [{"key": k, "value": v} for k, v in meta.items()],
                              {"key": "s", "value": "s"}))
    pairs = await read_json(request, kind=list)
    meta = json.loads(conn["metadata"] or "{}")
    for i, item in enumerate(pairs):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"]:
            raise validation(f"{i}.key", f"Item {i}: the key field is required (a string).")
        value = item.get("value")
        if value is not None and not isinstance(value, (str, int, bool)):
            raise validation(f"{i}.value", f"Item {i}: the value field must be a string.")
        if value is None:
            meta.pop(item["key"], None)
        else:
            meta[item["key"]] = value if isinstance(value, str) else json.dumps(value)
    with sb.tx() as db:
        db.execute("UPDATE connections SET metadata = ?, updated_at = ? WHERE key = ?",
                   (json.dumps(meta), sb.clock(), conn["key"]))
        sb.emit("connection-statuses.updated", [conn["key"]])
    return ok({"data": connection_json(sb, sb.connection(conn["key"]))})


async def mint_token(request: Request):
    sb = require_admin(request)
    conn = _conn_or_404(sb, request.path_params["id"])
    body = await read_json(request)
    ttl, refresh_ttl = _ttls(sb, "connection")
    if body.get("expires_in") is not None:
        life = body["expires_in"]
        if isinstance(life, bool) or not isinstance(life, int) or not 1 <= life <= MAX_TTL:
            raise validation("expires_in", "The expires_in field must be an integer of seconds "
                             f"from 1 to {MAX_TTL} (10 years).")
        ttl = life
    with sb.tx():
        pair = sb.tokens.issue_pair("connection", conn["key"], ttl, refresh_ttl)
    # The spec's ConnectionToken schema is `[]` (no schema); its request example shows
    # `{"token", "expires_in"}`, so both `token` and the usual pair fields are sent.
    return ok({"data": {"token": pair["access_token"], **pair}})


async def integration(request: Request):
    conn = await require_connection(request)
    sb = sandbox_of(request)
    if request.method == "DELETE":
        conn = sb.disconnect(conn["key"])
        return ok({"message": "Integration disconnected.", "data": integration_json(conn)})
    return ok({"data": integration_json(conn)})


def routes() -> list[Route]:
    return [
        Route("/link/token", link_token, methods=["POST"]),
        Route("/api/system/client", client, methods=["GET"]),
        Route("/api/system/platforms", platforms, methods=["GET"]),
        Route("/api/system/connections", connections, methods=["GET", "POST"]),
        Route("/api/system/connections/{id}", delete_connection, methods=["DELETE"]),
        Route("/api/system/connections/{id}/metadata", metadata, methods=["GET", "POST"]),
        Route("/api/system/connections/{id}/token", mint_token, methods=["POST"]),
        Route("/api/integrations/current", integration, methods=["GET", "DELETE"]),
    ] + routes_raw.routes()
