"""System (admin token) and integration (connection token) calls about connections.

Every URL about connections is built here. The spec has no "get one connection" operation, so
`get` reads the admin list until it finds the id; filters on the list are applied by the caller
(the spec lists no filter parameters for `GET /api/system/connections`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlencode

from .client import MAX_PER_PAGE, MakiniClient, seg
from .connection_models import AppClient, Connection, Integration, Platform, _metadata, pairs_to_dict
from ..errors import AuthFailed, MakiniError, NotFound, ServerError

CONNECTIONS = "/api/system/connections"
CURRENT = "/api/integrations/current"
LINK_AUTHORIZE = "https://link.makini.io/oauth/authorize"
# Makini's outbound addresses (makini-api.md): on-premises systems must let these in.
OUTBOUND_IPS = ("15.204.75.108", "15.204.73.75", "15.204.77.147", "148.113.140.236", "51.79.101.4")


def connection_path(connection_id: str, *suffix: str) -> str:
    return "/".join([CONNECTIONS, seg(connection_id), *suffix])


# Big pages: an application has hundreds of connections, and each page is a round trip before
# any health check can start. A server that caps per_page still paginates consistently (its own
# meta.last_page drives the loop).
LIST_PER_PAGE = MAX_PER_PAGE


# --- admin: the list, one connection, metadata ----------------------------------------------
def iter_connections(client: MakiniClient, *, per_page: int = LIST_PER_PAGE,
                     streaming: bool = False) -> AsyncIterator[Any]:
    """`streaming`: the caller keeps only some of them (no in-memory bound, see paginate)."""
    return client.paginate(CONNECTIONS, per_page=per_page, streaming=streaming)


async def list_connections(client: MakiniClient) -> list[Connection]:
    return [Connection.model_validate(item) async for item in iter_connections(client)]


async def find_connections(client: MakiniClient, ids: Iterable[str]) -> dict[str, Connection]:
    """The listed connections among `ids` (one pass over the list, stopping once all are found)."""
    wanted = set(ids)
    found: dict[str, Connection] = {}
    if not wanted:
        return found
    async for item in iter_connections(client, streaming=True):  # only the wanted ones are kept
        conn = Connection.model_validate(item)
        if conn.id in wanted:
            found[conn.id] = conn
            if len(found) == len(wanted):
                break
    return found


async def get_connection(client: MakiniClient, connection_id: str) -> Connection:
    found = await find_connections(client, [connection_id])
    if connection_id not in found:
        raise NotFound(f"no connection {connection_id!r} in this application",
                       hint="list them with `makini connections list`", connection=connection_id)
    return found[connection_id]


async def metadata(client: MakiniClient, connection_id: str) -> dict[str, Any]:
    """The key/value metadata. Items come as {key, value} pairs; an item shaped like a whole
    Connection (the spec's ConnectionMetadata schema is a copy of it) brings `user_metadata`."""
    out: dict[str, Any] = {}
    async for item in client.paginate(connection_path(connection_id, "metadata")):
        if isinstance(item, dict) and "user_metadata" in item:
            out.update(_metadata(item["user_metadata"]))
        else:
            out.update(pairs_to_dict([item]))
    return out


async def set_metadata(client: MakiniClient, connection_id: str, values: dict[str, Any]) -> Any:
    body = [{"key": k, "value": v} for k, v in values.items()]
    return await client.data("POST", connection_path(connection_id, "metadata"), json_body=body)


async def disconnect(client: MakiniClient, connection_id: str) -> Any:
    """DELETE the connection (its token dies at once), then forget our cached token for it.
    A 2xx answer says it is done: its body is not needed (an unreadable one is no failure)."""
    from .http import raise_for_status

    try:
        raise_for_status(await client.send("DELETE", connection_path(connection_id)))
    finally:
        client.auth.forget_connection(connection_id)


async def mint(client: MakiniClient, connection_id: str) -> Any:
    """A fresh connection token (also cached for the next command)."""
    return await client.auth.mint(connection_id)


async def create(client: MakiniClient, *, name: str, email: str, provider: str,
                 credentials: Any) -> tuple[str, Any]:
    """Create from platform credentials; returns (new id, CachedToken) and caches the token.

    The spec's answer (ConnectionStore) is a token pair without the connection's id, so when
    the answer has no `key`/`id` the new token asks `/api/integrations/current` who it is."""
    from .auth import token_from
    from .http import json_or_error

    body = {"name": name, "email": email, "provider": provider, "credentials": credentials}
    answer = await client.json("POST", CONNECTIONS, json_body=body)
    token = token_from(answer)
    data = answer.get("data", answer) if isinstance(answer, dict) else {}
    new_id = None
    if isinstance(data, dict):
        new_id = data.get("key") or data.get("id")
    if not new_id:
        response = await client.http.send("GET", CURRENT, token=token.access_token)
        who = json_or_error(response)
        who = who.get("data", who) if isinstance(who, dict) else {}
        new_id = who.get("id") if isinstance(who, dict) else None
    if not new_id:
        raise ServerError("Makini created the connection but did not say its id",
                          hint="find it with `makini connections list`")
    new_id = str(new_id)
    client.auth.remember(new_id, token)  # the token cache is the credential store
    return new_id, token


# --- connection token ----------------------------------------------------------------------
async def current(client: MakiniClient, connection: str | None) -> Integration:
    """The connection's own view of itself, read with its own token (sync status and time)."""
    data = await client.data("GET", CURRENT, connection=connection)
    if not isinstance(data, dict):
        raise ServerError(f"unexpected answer from {CURRENT}")
    return Integration.model_validate(data)


async def reach(client: MakiniClient, connection: str | None) -> None:
    """A cheap call that needs the source system (raw table list): does it answer at all?"""
    await client.get("/api/raw/tables", connection=connection)


# --- the application and Makini Link ----------------------------------------------------------
async def app_client(client: MakiniClient) -> AppClient:
    data = await client.data("GET", "/api/system/client")
    return AppClient.model_validate(data if isinstance(data, dict) else {})


async def platforms(client: MakiniClient) -> list[Platform]:
    return [Platform.model_validate(p) async for p in client.paginate("/api/system/platforms")]


def link_url(client_id: str, redirect: str | None) -> str:
    params = {"client_id": client_id}
    if redirect:
        params["redirect_uri"] = redirect
    params["response_type"] = "code"
    return f"{LINK_AUTHORIZE}?{urlencode(params)}"


async def link_for(client: MakiniClient, *, redirect: str | None, client_id: str | None) -> str | None:
    """The Makini Link URL a customer opens to (re)connect. The profile's `link_redirect` and
    client id win; what is missing comes from `GET /api/system/client`. None if unknowable."""
    if not (redirect and client_id):
        try:
            app = await app_client(client)
        except MakiniError as exc:
            if isinstance(exc, AuthFailed) and not client_id:
                return None
            app = AppClient()
        client_id = client_id or app.id
        redirect = redirect or app.default_redirect or (app.redirects[0] if app.redirects else None)
    return link_url(client_id, redirect) if client_id else None
