"""Serving lists: SQL tables and small in-memory lists through the same Laravel paginator."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from . import store
from .fields import Entity
from .query import ListQuery, page_body, parse_list


def entity_fields(e: Entity) -> dict[str, tuple[str, str]]:
    return {name: (store.qi(name), kind) for name, kind in e.filterable().items()}


def list_table(request: Request, sb, e: Entity, conn_key: str, *, where: str = "",
               where_args: tuple = (), fields: dict | None = None,
               default_per_page: int | None = None) -> tuple[list[tuple], int, ListQuery]:
    """Rows of `e` for one connection: (rows for this page, total, parsed query)."""
    kwargs = {"default_per_page": default_per_page} if default_per_page else {}
    q = parse_list(request.query_params, fields or entity_fields(e), **kwargs)
    base, args = q.sql_where("conn = ?" + where, [conn_key, *where_args])
    with sb.lock:
        total = sb.count(f"SELECT COUNT(*) FROM {e.table} WHERE {base}", args)
        rows = sb.db.execute(
            f"SELECT {store.select_list(e)} FROM {e.table} WHERE {base}{q.sql_order()} "
            "LIMIT ? OFFSET ?", args + [q.per_page, (q.page - 1) * q.per_page]).fetchall()
    return rows, total, q


def list_values(request: Request, sb, items: list[dict[str, Any]],
                fields: dict[str, str]) -> dict:
    """Paginate (and filter/sort) a small Python list through SQLite, so the rules and the
    422s are exactly those of the table-backed lists. `fields`: name -> type ("s" only here)."""
    q = parse_list(request.query_params, {n: (store.qi(n), t) for n, t in fields.items()})
    cols = list(fields)
    if items:
        values = ", ".join("(" + ", ".join("?" * (len(cols) + 2)) + ")" for _ in items)
        args: list = []
        for i, item in enumerate(items):
            args += [i] + [None if item.get(c) is None else str(item.get(c)) for c in cols]
            args.append(json.dumps(item))
        cte = (f"WITH v(seq, {', '.join(store.qi(c) for c in cols)}, doc) AS "
               f"(VALUES {values}) ")
    else:
        cte = (f"WITH v(seq, {', '.join(store.qi(c) for c in cols)}, doc) AS "
               f"(SELECT {', '.join(['NULL'] * (len(cols) + 2))} WHERE 0) ")
        args = []
    where, wargs = q.sql_where("1", [])
    with sb.lock:
        total = sb.db.execute(cte + f"SELECT COUNT(*) FROM v WHERE {where}",
                              args + wargs).fetchone()[0]
        rows = sb.db.execute(cte + f"SELECT doc FROM v WHERE {where}{q.sql_order()} "
                             "LIMIT ? OFFSET ?", args + wargs + [q.per_page,
                                                                 (q.page - 1) * q.per_page])
        data = [json.loads(r[0]) for r in rows.fetchall()]
    return page_body(request, data, total, q)
