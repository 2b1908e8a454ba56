"""The connection's source data, unmapped: `/api/raw/tables`, `/api/raw/tables/{table}/data`
(connection token), and `POST /api/passthrough`.

Raw tables are named as in the source system (SAP `EKKO`, Maximo `WORKORDER`, …); their rows
are the connection's records seen through each column's source field (`catalog.py`,
`systems.py`). A connection that forbids an entity type does not show or serve its tables.

Passthrough is "a raw call into the underlying system". The sandbox's systems are their source
tables, read-only:

  {"method": "get", "path": "EKKO", "query": {"limit": 10, "offset": 0}}   rows of a table
  {"method": "get", "path": "tables"}                                    the tables
  {"method": "get", "sql": "SELECT EBELN, LIFNR FROM EKKO LIMIT 5"}       the same, as SQL
                                                                         (one table, columns or *,
                                                                         optional LIMIT)

The answer is the system's: `{"data": {"status", "headers", "body"}}` with HTTP 200 whenever the
call reached the system; an unknown path is the system's 404 and a write method its 405. With
`"base64encoded": true` the body comes base64-encoded, as binary answers do.
"""

from __future__ import annotations

import base64
import json
import re

from starlette.requests import Request
from starlette.routing import Route

from . import store
from .auth import forbids, require_connection, sandbox_of
from .catalog import PLATFORMS_BY_PROVIDER, RawTable
from .errors import ApiError, validation
from .fields import ENTITIES
from .listing import list_table
from .query import page_body
from .web import ok, read_json

_SQL = re.compile(r"^\s*SELECT\s+(?P<cols>\*|[\w\s,]+?)\s+FROM\s+(?P<table>\w+)"
                  r"(?:\s+LIMIT\s+(?P<limit>\d{1,6}))?\s*;?\s*$", re.I)
MAX_ROWS = 1000


def tables_of(conn: dict) -> dict[str, RawTable]:
    return {name: t for name, t in PLATFORMS_BY_PROVIDER[conn["provider"]].raw_tables().items()
            if not forbids(conn, t.entity)}


def describe(sb, conn: dict) -> list[dict]:
    out = []
    for name, t in tables_of(conn).items():
        e = ENTITIES[t.entity]
        count = sb.query(f"SELECT COUNT(*) FROM {e.table} WHERE conn = ?", (conn["key"],))[0][0]
        out.append({"name": name, "description": t.description, "entity": t.entity,
                    "columns": [c for c, _ in t.columns], "rows": count})
    return out


def _raw_value(rec: dict, source: str):
    field, _, transform = source.partition("|")
    value = rec.get(field[6:]) if field.startswith("extra:") else rec.get(field)
    if transform == "sapdate" and isinstance(value, str):
        value = value[:10].replace("-", "")
    return value


def raw_rows(e, table: RawTable, rows: list[tuple]) -> list[dict]:
    data = []
    for row in rows:
        rec = store.decode(e, row)
        rec.update(dict(zip([n for n, _ in e.columns], row[1:-1])))  # hidden columns too
        data.append({col: _raw_value(rec, src) for col, src in table.columns})
    return data


def _table(conn: dict, name: str) -> RawTable:
    table = tables_of(conn).get(name)
    if table is None:
        raise ApiError(404, f"Table {name} not found for this connection; see /api/raw/tables.")
    return table


async def raw_tables(request: Request):
    conn = await require_connection(request, "raw")
    return ok({"data": describe(sandbox_of(request), conn)})


async def raw_data(request: Request):
    conn = await require_connection(request, "raw")
    sb = sandbox_of(request)
    table = _table(conn, request.path_params["table"])
    e = ENTITIES[table.entity]
    types = dict(e.columns)
    # A source column is filterable when it is a plain copy of a stored unified column.
    fields = {col: (store.qi(src), types[src]) for col, src in table.columns if src in types}
    rows, total, q = list_table(request, sb, e, conn["key"], fields=fields)
    return ok(page_body(request, raw_rows(e, table, rows), total, q))


def _bounded(value, name: str, default: int, high: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit() \
            or int(value) > high:
        raise validation(f"query.{name}", f"query.{name} must be an integer from 0 to {high}.")
    return int(value)


def _system_answer(sb, conn: dict, body: dict) -> tuple[int, object]:
    method = body.get("method")
    if not isinstance(method, str) or method.lower() not in ("get", "post", "put", "delete"):
        raise validation("method", "The method field is required: get, post, put or delete.")
    for name in ("path", "sql"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise validation(name, f"The {name} field must be a string.")
    query = body.get("query") if isinstance(body.get("query"), dict) else {}
    limit = _bounded(query.get("limit"), "limit", 50, MAX_ROWS)
    offset = _bounded(query.get("offset"), "offset", 0, 10**9)
    columns = None
    if body.get("sql"):
        m = _SQL.match(body["sql"])
        if not m:
            raise validation("sql", "The sandbox answers SELECT <columns|*> FROM <table> "
                             "[LIMIT n] (one source table) only.")
        name, columns = m["table"], None if m["cols"] == "*" else [
            c.strip() for c in m["cols"].split(",") if c.strip()]
        limit = min(limit, int(m["limit"])) if m["limit"] else limit
    else:
        name = (body.get("path") or "").strip("/").split("/")[-1]
    if method.lower() != "get" and not body.get("sql"):
        return 405, {"error": f"{method.upper()} is not allowed: the sandbox's systems are "
                     "read-only through passthrough."}
    if name in ("", "tables"):
        return 200, {"tables": describe(sb, conn)}
    tables = tables_of(conn)
    table = tables.get(name) or next((t for n, t in tables.items()
                                      if n.lower() == name.lower()), None)
    if table is None:
        return 404, {"error": f"no table {name!r} in this system", "tables": sorted(tables)}
    if columns:
        unknown = [c for c in columns if c not in dict(table.columns)]
        if unknown:
            return 400, {"error": f"unknown column {unknown[0]!r}"}
    e = ENTITIES[table.entity]
    with sb.lock:
        rows = sb.db.execute(f"SELECT {store.select_list(e)} FROM {e.table} WHERE conn = ? "
                             "ORDER BY seq LIMIT ? OFFSET ?",
                             (conn["key"], limit, offset)).fetchall()
    data = raw_rows(e, table, rows)
    if columns:
        data = [{c: r[c] for c in columns} for r in data]
    return 200, {"rows": data, "count": len(data)}


async def passthrough(request: Request):
    conn = await require_connection(request, "passthrough")
    body = await read_json(request)
    status, answer = _system_answer(sandbox_of(request), conn, body)
    raw = json.dumps(answer, separators=(",", ":"), default=str)
    encoded = body.get("base64encoded") is True
    return ok({"data": {"status": status, "headers": {"content-type": "application/json"},
                        "body": base64.b64encode(raw.encode()).decode() if encoded else answer,
                        "base64encoded": encoded}})


def routes() -> list[Route]:
    return [Route("/api/raw/tables", raw_tables, methods=["GET"]),
            Route("/api/raw/tables/{table}/data", raw_data, methods=["GET"]),
            Route("/api/passthrough", passthrough, methods=["POST"])]
