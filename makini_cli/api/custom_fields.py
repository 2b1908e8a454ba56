"""Custom fields Makini lists for a connection, and the raw (source) tables behind its data.

The spec lists custom fields for work orders only (`GET /api/eam/work-orders/custom-fields`,
items of schema CustomField: `name`; servers may add `label`, `type`). The raw endpoints'
responses are untyped in the spec ("object"): read them leniently.
"""

from __future__ import annotations

from typing import Any

from . import entities
from .client import MakiniClient

WORK_ORDER_CUSTOM_FIELDS = entities.path("eam", "work-orders") + "/custom-fields"


async def work_order_custom_fields(client: MakiniClient, connection: str | None) -> list[dict[str, Any]]:
    out = []
    async for item in client.paginate(WORK_ORDER_CUSTOM_FIELDS, connection=connection):
        if isinstance(item, dict) and item.get("name"):
            out.append(item)
        elif isinstance(item, str):
            out.append({"name": item})
    return out


async def raw_tables(client: MakiniClient, connection: str | None) -> list[dict[str, Any]]:
    """Each table as {name, description?, entity?, columns?, rows?}; a bare list of names too."""
    data = await entities.raw_tables(client, connection)
    if isinstance(data, dict):  # {table: {...}} or {tables: [...]}
        data = data.get("tables", [{"name": k, **(v if isinstance(v, dict) else {})}
                                   for k, v in data.items()])
    out = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, str):
            out.append({"name": item})
        elif isinstance(item, dict) and (item.get("name") or item.get("table")):
            out.append({**item, "name": item.get("name") or item.get("table")})
    return out


async def raw_rows(client: MakiniClient, connection: str | None, table: str, *, limit: int) -> list[dict]:
    body = await entities.raw_table_page(client, connection, table, per_page=limit)
    rows = body.get("data") if isinstance(body, dict) else body
    return [r for r in rows or [] if isinstance(r, dict)][:limit]
