"""Paths of the unified entity endpoints, and generic reads of any entity type.

The paths are the spec's: `/api/{domain}/{entity}`, `/api/{domain}/{entity}/{key}`; line items
are `/api/{domain}/purchase-orders.line-items` (the dot is real).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from .client import DEFAULT_PER_PAGE, MakiniClient, seg

DOMAINS = ("erp", "eam", "wms")
# entity types each domain serves in the spec (the subset the CLI uses)
ENTITIES: dict[str, tuple[str, ...]] = {
    "erp": ("purchase-orders", "purchase-orders.line-items", "vendors", "sites"),
    "eam": ("purchase-orders", "purchase-orders.line-items", "vendors", "sites", "work-orders", "assets"),
    "wms": ("purchase-orders", "purchase-orders.line-items", "vendors", "sites"),
}


def path(domain: str, entity: str, key: str | None = None, *suffix: str) -> str:
    base = f"/api/{domain}/{entity}"
    if key is not None:
        base += f"/{seg(key)}"
    for part in suffix:
        base += f"/{part}"
    return base


async def get(client: MakiniClient, connection: str | None, domain: str, entity: str, key: str) -> Any:
    return await client.data("GET", path(domain, entity, key), connection=connection)


async def page(client: MakiniClient, connection: str | None, domain: str, entity: str, *,
               page_no: int = 1, per_page: int = DEFAULT_PER_PAGE, params: list[tuple[str, str]] | None = None) -> Any:
    query = list(params or []) + [("page", str(page_no)), ("per_page", str(per_page))]
    return await client.get(path(domain, entity), connection=connection, params=query)


def iterate(client: MakiniClient, connection: str | None, domain: str, entity: str, *,
            params: list[tuple[str, str]] | None = None, limit: int | None = None,
            per_page: int = DEFAULT_PER_PAGE) -> AsyncIterator[Any]:
    return client.paginate(path(domain, entity), connection=connection, params=params,
                           limit=limit, per_page=per_page)


async def raw_tables(client: MakiniClient, connection: str | None) -> Any:
    return await client.data("GET", "/api/raw/tables", connection=connection)


async def raw_table_page(client: MakiniClient, connection: str | None, table: str, *,
                         page_no: int = 1, per_page: int = DEFAULT_PER_PAGE) -> Any:
    return await client.get(f"/api/raw/tables/{seg(table)}/data", connection=connection,
                            params=[("page", str(page_no)), ("per_page", str(per_page))])
