"""The data behind `makini mappings show|compare|custom-fields|preview`: fetched with the API
layer, analysed with `fillrate`, returned as plain dicts the output module renders.

Kept apart from the command module so that module imports only typer, and so the tests can
check the same dicts the commands print.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ..api import custom_fields, entities
from ..errors import MakiniError, UsageError
from . import fillrate
from . import model as um
from .mapfile import evaluate

RAW_ROWS = 50       # rows per source table used to infer which column feeds which field
CONCURRENCY = 8     # connections sampled at once by compare


# Entities listed per entity type (/api/{domain}/statuses/{entity}) are sampled from the list
# every system has: purchase-order statuses.
PER_TYPE = {"statuses": "statuses/purchase-orders"}


def pick_domain(entity: str, domain: str | None) -> str:
    """The domain to read an entity from: the one given (checked), else erp, else its first."""
    ent = um.entity(entity)
    if not ent.listable and entity not in PER_TYPE:
        raise UsageError(f"{entity} are listed per entity type, not sampled as one list")
    if domain:
        if domain not in ent.domains:
            raise UsageError(f"{entity} is not served in the {domain} domain",
                             hint=f"use --domain {' or '.join(ent.domains)}")
        return domain
    return "erp" if "erp" in ent.domains else ent.domains[0]


async def sample(client, connection: str | None, domain: str, entity: str, size: int) -> list[dict]:
    return [r async for r in entities.iterate(client, connection, domain, PER_TYPE.get(entity, entity),
                                              limit=size, per_page=max(1, min(size, 500)))
            if isinstance(r, dict)]


async def sources(client, connection: str | None, entity: str, records: list[dict],
                  custom: list[str]) -> list[dict[str, Any]]:
    """Source tables behind the entity, each column with the field it feeds where the data
    shows it. Tables that name their entity are filtered by it; others are kept when at least
    one of their columns matches."""
    tables = await custom_fields.raw_tables(client, connection)
    named = any(t.get("entity") for t in tables)
    wanted = [t for t in tables if not named or t.get("entity") == entity
              or str(t.get("entity", "")).startswith(entity + ".")]

    async def one(table: dict) -> dict[str, Any] | None:
        rows = await custom_fields.raw_rows(client, connection, table["name"], limit=RAW_ROWS)
        lines = str(table.get("entity") or "").startswith(entity + ".")
        matched = fillrate.match_columns(rows, records, entity, custom, lines=lines)
        columns = table.get("columns") or list(dict.fromkeys(k for r in rows for k in r))
        if not named and not matched:
            return None
        return {"table": table["name"], "description": table.get("description"),
                "entity": table.get("entity"), "rows": table.get("rows"),
                "columns": [{"column": c, **matched.get(c, {"field": None, "match": None})}
                            for c in columns]}

    found = await asyncio.gather(*(one(t) for t in wanted))
    return [t for t in found if t]


async def show(client, connection: str | None, entity: str, domain: str, size: int, *,
               nested: bool, with_sources: bool, warn) -> dict[str, Any]:
    records = await sample(client, connection, domain, entity, size)
    report = fillrate.analyse(records, entity, nested=nested)
    out: dict[str, Any] = {"connection": connection or client.default_connection, "entity": entity,
                           "domain": domain, "sampled": report.sampled,
                           "fields": [s.as_dict() for s in report.fields],
                           "custom_fields": [s.as_dict() for s in report.custom], "sources": []}
    if with_sources:
        try:
            out["sources"] = await sources(client, connection, entity, records,
                                           [s.path for s in report.custom if "." not in s.path])
        except MakiniError as exc:
            warn(f"source tables unavailable: {exc.message}")
            out["sources"] = None
    return out


async def compare(client, connections: list[str], entity: str, domain: str, size: int, *,
                  nested: bool) -> tuple[dict[str, fillrate.Report], dict[str, MakiniError]]:
    """Each connection's report, sampled concurrently; failures per connection, not fatal."""
    gate = asyncio.Semaphore(CONCURRENCY)
    reports: dict[str, fillrate.Report] = {}
    errors: dict[str, MakiniError] = {}

    async def one(conn: str) -> None:
        async with gate:
            try:
                records = await sample(client, conn, domain, entity, size)
            except MakiniError as exc:
                errors[conn] = exc
                return
        reports[conn] = fillrate.analyse(records, entity, nested=nested)

    await asyncio.gather(*(one(c) for c in connections))
    return reports, errors


def matrix(connections: list[str], reports: dict[str, fillrate.Report]) -> list[dict[str, Any]]:
    """Rows of fields (model order, then custom fields A-Z), a fill rate per connection: None
    when the connection failed or had no records; 0 when it lacks a custom field others have."""
    rows: dict[str, dict[str, Any]] = {}
    for conn in connections:
        rep = reports.get(conn)
        for stat in (rep.fields + rep.custom) if rep else []:
            row = rows.setdefault(stat.path, {"field": stat.path, "type": stat.type, "custom": stat.custom})
            row[conn] = stat.rate
    ordered = [r for r in rows.values() if not r["custom"]] + sorted(
        (r for r in rows.values() if r["custom"]), key=lambda r: r["field"].lower())
    for row in ordered:
        for conn in connections:
            rep = reports.get(conn)
            row.setdefault(conn, 0.0 if rep and rep.sampled else None)
    return ordered


async def custom_field_rows(client, connection: str | None, targets: list[tuple[str, str]],
                            size: int, warn) -> list[dict[str, Any]]:
    """Custom fields Makini lists (work orders) merged with those seen in sampled responses."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    failures: list[MakiniError] = []
    attempts = len(targets)
    if any(entity == "work-orders" for entity, _ in targets):
        attempts += 1
        try:
            for item in await custom_fields.work_order_custom_fields(client, connection):
                rows[("work-orders", item["name"])] = {
                    "entity": "work-orders", "name": item["name"], "listed": True, "seen": False,
                    "label": item.get("label"), "type": item.get("type"),
                    "fill_rate": None, "example": None}
        except MakiniError as exc:
            failures.append(exc)
            warn(f"listed custom fields unavailable: {exc.message}")
    for entity, domain in targets:
        try:
            records = await sample(client, connection, domain, entity, size)
        except MakiniError as exc:
            failures.append(exc)
            warn(f"{entity}: {exc.message}")
            continue
        for stat in fillrate.beyond_model(records, entity):
            row = rows.setdefault((entity, stat.path), {
                "entity": entity, "name": stat.path, "listed": False, "seen": False, "label": None,
                "type": stat.type, "fill_rate": None, "example": None})
            row.update(seen=stat.filled > 0, fill_rate=stat.rate, example=stat.example)
            row["type"] = row["type"] or stat.type
        for key, row in rows.items():
            if key[0] == entity and row["fill_rate"] is None and records:
                row["fill_rate"] = 0.0  # listed, yet no sampled record carries it
    if failures and len(failures) == attempts:
        raise failures[0]  # nothing could be read: an error, not an empty answer
    return list(rows.values())


async def preview(client, connection: str | None, mapping, domain: str, size: int) -> list[dict]:
    records = await sample(client, connection, domain, mapping.entity, size)
    conn = connection or client.default_connection
    out = []
    for rec in records:
        before = {}
        for col in mapping.columns_for(conn):
            if col.kind == "field":
                for path in col.source:
                    before[path] = evaluate(rec, path)
            elif col.kind == "custom":
                before[col.source] = rec[col.source] if col.source in rec else evaluate(rec, col.source)
        out.append({"key": rec.get("key"), "before": before, "after": mapping.rows(rec, conn)})
    return out
