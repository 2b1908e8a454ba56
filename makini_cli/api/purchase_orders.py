"""Purchase order calls: list, get, line items, statuses, create, update, status change, and the
lookups that turn what a user types (a status name, a vendor name) into the keys the API filters
on. Paths are the spec's (`/api/{domain}/purchase-orders…`); commands never build them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from . import query
from .client import DEFAULT_PER_PAGE, MakiniClient
from .entities import path
from ..errors import MakiniError, NotFound, UsageError

ENTITY = "purchase-orders"
LINES = "purchase-orders.line-items"


def list_path(domain: str) -> str:
    return path(domain, ENTITY)


def item_path(domain: str, key: str) -> str:
    return path(domain, ENTITY, key)


def lines_path(domain: str) -> str:
    return path(domain, LINES)


def statuses_path(domain: str) -> str:
    return path(domain, "statuses", None, ENTITY)


def list_params(filters: list[query.Filter], *, match: str | None = None,
                sort: list[tuple[str, bool]] | None = None) -> list[tuple[str, str]]:
    """The spec's query parameters: filter[f], filter[f:op], filterMatch, sort[f]=1|0."""
    return query.build(filters, match=match, sort=sort)


def iterate(client: MakiniClient, connection: str | None, domain: str, params: list, *,
            limit: int | None = None, per_page: int = DEFAULT_PER_PAGE,
            streaming: bool = False) -> AsyncIterator[Any]:
    """`streaming`: the caller writes each order as it comes (no in-memory bound)."""
    return client.paginate(list_path(domain), connection=connection, params=params,
                           limit=limit, per_page=per_page, streaming=streaming)


def iterate_pages(client: MakiniClient, connection: str | None, domain: str, params: list, *,
                  per_page: int = DEFAULT_PER_PAGE):
    """(page number, body, orders) per page, in order, the next page in flight (the body's
    `meta.total` feeds a progress bar). The caller closes it (`aclose`) if it stops early."""
    return client.pages(list_path(domain), connection=connection, params=params, per_page=per_page)


def iterate_lines(client: MakiniClient, connection: str | None, domain: str, params: list, *,
                  limit: int | None = None, per_page: int = DEFAULT_PER_PAGE) -> AsyncIterator[Any]:
    return client.paginate(lines_path(domain), connection=connection, params=params,
                           limit=limit, per_page=per_page)


def page_fetcher(client: MakiniClient, connection: str | None, domain: str, params: list, *,
                 per_page: int = DEFAULT_PER_PAGE):
    """page number -> the list page's response (its raw bytes in `.content`), errors mapped as
    for any call. The export engine parses the bytes itself so it can write records as the
    server sent them (and names the response's request id if they are not a page)."""
    from .http import raise_for_status

    path, base = list_path(domain), list(params)

    async def fetch(page: int) -> bytes:  # (the response: its bytes are `.content`)
        query = base + [("page", str(page)), ("per_page", str(per_page))]
        response = await client.send("GET", path, connection=connection, params=query)
        try:
            raise_for_status(response)
        except MakiniError as exc:
            exc.connection = exc.connection or connection or client.default_connection
            raise
        return response

    fetch.endpoint = f"GET {path}"  # names the list in paging errors (export.fetch)
    return fetch


async def get(client: MakiniClient, connection: str | None, domain: str, key: str) -> dict:
    try:
        return await client.data("GET", item_path(domain, key), connection=connection)
    except NotFound as exc:
        exc.hint = exc.hint or "list the keys with `makini po list` (the key, not the order number)"
        raise


async def by_order_no(client: MakiniClient, connection: str | None, domain: str, order_no: str,
                      *, limit: int = 5) -> list[dict]:
    """The orders whose `orderNo` is exactly `order_no` (more than one: different sites)."""
    params = query.build([query.Filter("orderNo", "eq", order_no)])
    body = await client.get(list_path(domain), connection=connection,
                            params=params + [("page", "1"), ("per_page", str(limit))])
    found = body.get("data") if isinstance(body, dict) else None
    return [o for o in found or [] if isinstance(o, dict) and str(o.get("orderNo")) == order_no]


async def lines_of(client: MakiniClient, connection: str | None, domain: str, key: str) -> list:
    """An order's line items: embedded in the order (spec: PurchaseOrder.lineItems)."""
    order = await get(client, connection, domain, key)
    lines = order.get("lineItems")
    return lines if isinstance(lines, list) else []


async def create(client: MakiniClient, connection: str | None, domain: str, body: dict) -> dict:
    return await client.data("POST", list_path(domain), connection=connection, json_body=body)


async def update(client: MakiniClient, connection: str | None, domain: str, key: str,
                 body: dict) -> dict:
    return await client.data("PUT", item_path(domain, key), connection=connection, json_body=body)


def status_body(status: dict) -> dict:
    """Body of PUT …/purchase-orders/{key}/status. The spec types `status` as a bare string
    without saying which identifier; we send the status's `key` (what `statusKey` holds)."""
    return {"status": status["key"]}


async def set_status(client: MakiniClient, connection: str | None, domain: str, key: str,
                     status: dict) -> dict:
    return await client.data("PUT", f"{item_path(domain, key)}/status", connection=connection,
                             json_body=status_body(status))


async def statuses(client: MakiniClient, connection: str | None, domain: str) -> list[dict]:
    # The statuses list takes filter/page/sort but no per_page (spec): plain pages.
    out = []
    async for item in client.paginate(statuses_path(domain), connection=connection):
        out.append(item)
    return out


def match_status(items: list[dict], wanted: str) -> dict | None:
    """The status a user means: its key, code, subCode or name, case-insensitively."""
    low = wanted.strip().lower()
    for field in ("key", "code", "subCode", "name"):
        for s in items:
            value = s.get(field)
            if isinstance(value, str) and value.lower() == low:
                return s
    return None


def describe_statuses(items: list[dict]) -> str:
    names = []
    for s in items:
        label = s.get("subCode") or s.get("code") or s.get("key")
        if s.get("name") and s.get("name") != label:
            label = f"{label} ({s['name']})"
        names.append(str(label))
    return ", ".join(names) or "(none)"


async def resolve_status(client: MakiniClient, connection: str | None, domain: str,
                         wanted: str) -> dict:
    items = await statuses(client, connection, domain)
    found = match_status(items, wanted)
    if found is None:
        raise UsageError(f"unknown purchase order status {wanted!r} for this connection",
                         hint=f"allowed: {describe_statuses(items)} (see `makini po statuses`)")
    return found


async def resolve_vendor(client: MakiniClient, connection: str | None, domain: str,
                         wanted: str) -> str:
    """A vendor key from a key, a code or a name (exact, then a unique partial name match)."""
    vendors_path = path(domain, "vendors")
    for field, op in (("key", "eq"), ("code", "eq"), ("name", "eq"), ("name", "contains")):
        params = query.build([query.Filter(field, op, wanted)])
        body = await client.get(vendors_path, connection=connection,
                                params=params + [("page", "1"), ("per_page", "10")])
        found = body.get("data") if isinstance(body, dict) else None
        if not found:
            continue
        if len(found) == 1:
            return str(found[0].get("key"))
        names = ", ".join(f"{v.get('name')} ({v.get('key')})" for v in found[:5])
        raise UsageError(f"--vendor {wanted!r} matches several vendors: {names}",
                         hint="give the vendor's key or its exact name")
    raise UsageError(f"no vendor matches {wanted!r} on this connection",
                     hint="give a vendor key, code or name")


async def vendor_names(client: MakiniClient, connection: str | None, domain: str, *,
                       cap: int = 2000) -> dict[str, str]:
    """key -> name, for readable tables; stops after `cap` vendors (best effort)."""
    out: dict[str, str] = {}
    async for v in client.paginate(path(domain, "vendors"), connection=connection,
                                   per_page=500, limit=cap):
        if isinstance(v, dict) and v.get("key"):
            out[str(v["key"])] = str(v.get("name") or v["key"])
    return out


async def connections(client: MakiniClient) -> list[dict]:
    """Every connection of the application (admin token), for `--connection all`."""
    out = []
    async for item in client.paginate("/api/system/connections"):
        if isinstance(item, dict) and item.get("key"):
            out.append(item)
    return out
