"""SQLite layout and row (de)serialisation for the sandbox.

One table per unified entity: `seq` (insertion order, the default sort, so a paginated export
never shifts), `conn` (connection key), one column per scalar field, an exact integer shadow
column `<field>__n` per decimal field (value x 10^6, so comparisons and sorts on money are exact
SQL without floats) and `extra`: JSON holding nested fields and per-system custom fields.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from .fields import ENTITIES, Entity

SCALE = 6
SCHEMA_VERSION = "3"  # bump when the tables change: older sandbox files are then rebuilt
CORE_TABLES = ("meta", "connections", "tokens")

_CORE_DDL = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS connections (
    seq INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, idx INTEGER NOT NULL,
    name TEXT, email TEXT, provider TEXT NOT NULL, integration_name TEXT, tier INTEGER,
    credits INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, tags TEXT, metadata TEXT,
    created_at REAL, connected_at REAL, updated_at REAL, disconnected_at REAL,
    sync_state TEXT, sync_started_at REAL, sync_ends_at REAL, sync_updated_at REAL,
    scenario TEXT NOT NULL DEFAULT 'healthy', scenario_params TEXT,
    rl_log TEXT);
CREATE TABLE IF NOT EXISTS tokens (
    jti TEXT PRIMARY KEY, pair TEXT NOT NULL, kind TEXT NOT NULL, typ TEXT NOT NULL,
    sub TEXT NOT NULL, issued_at REAL, expires_at REAL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_sub ON tokens (sub);
CREATE INDEX IF NOT EXISTS tokens_pair ON tokens (pair);
"""

# Extra indexes, created after a bulk seed (faster than maintaining them during inserts).
_INDEXES = {
    "purchase_orders": ["updatedAt", "orderNo", "statusKey"],
    "line_items": ["po_seq"],
    "work_orders": ["updatedAt"],
    # the `…/{key}/materials` sub-resources look their lines up by owner
    "material_items": ["workOrderKey", "assetKey", "pmKey", "assetTemplateKey",
                       "productionOrderKey"],
}


def qi(name: str) -> str:
    """Quote an identifier (field names are camelCase and come from our own tables only)."""
    return '"' + name.replace('"', '""') + '"'


def entity_ddl(e: Entity) -> str:
    cols = ["seq INTEGER PRIMARY KEY", "conn TEXT NOT NULL"]
    for name, kind in e.columns:
        cols.append(f"{qi(name)} {'INTEGER' if name == 'po_seq' or kind in 'bi' else 'TEXT'}")
        if kind == "d":
            cols.append(f"{qi(name + '__n')} INTEGER")
    cols.append("extra TEXT")
    return (f"CREATE TABLE IF NOT EXISTS {e.table} ({', '.join(cols)});\n"
            f"CREATE UNIQUE INDEX IF NOT EXISTS {e.table}_key ON {e.table} (conn, key);\n"
            # Pages are `WHERE conn = ? ORDER BY seq LIMIT/OFFSET`: this index serves them in
            # order, without sorting the connection's whole table for every page.
            f"CREATE INDEX IF NOT EXISTS {e.table}_conn_seq ON {e.table} (conn, seq);\n")


def create_schema(db: sqlite3.Connection) -> None:
    db.executescript(_CORE_DDL + "".join(entity_ddl(e) for e in ENTITIES.values()))


def create_indexes(db: sqlite3.Connection) -> None:
    for table, cols in _INDEXES.items():
        for col in cols:
            db.execute(f"CREATE INDEX IF NOT EXISTS {table}_{col.lower()} "
                       f"ON {table} (conn, {qi(col)})")


def drop_all(db: sqlite3.Connection) -> None:
    for table in CORE_TABLES + tuple(e.table for e in ENTITIES.values()):
        db.execute(f"DROP TABLE IF EXISTS {table}")


def scaled(value: Any) -> int | None:
    """Exact integer shadow of a decimal string (value x 10^6), None for empty."""
    if value is None or value == "":
        return None
    try:
        return int(Decimal(value if isinstance(value, str) else str(value)).scaleb(SCALE)
                   .to_integral_value(ROUND_HALF_EVEN))
    except (InvalidOperation, ValueError):
        return None


def insert_sql(e: Entity, *, with_seq: bool = False) -> str:
    """INSERT for `row_values` tuples; `with_seq` expects the seq value prepended."""
    names = (["seq"] if with_seq else []) + ["conn"]
    for name, kind in e.columns:
        names.append(name)
        if kind == "d":
            names.append(name + "__n")
    names.append("extra")
    return (f"INSERT INTO {e.table} ({', '.join(qi(n) for n in names)}) "
            f"VALUES ({', '.join('?' * len(names))})")


def row_values(e: Entity, conn: str, rec: dict, extra: str | None) -> tuple:
    """Column values for `insert_sql(e)` from a record dict (missing fields are NULL)."""
    out: list[Any] = [conn]
    get, add = rec.get, out.append
    for name, kind in e.columns:
        v = get(name)
        if kind == "s" or v is None:
            add(v)
            if kind == "d":
                add(None)
        elif kind == "d":
            add(v)
            add(scaled(v))
        elif kind == "b":
            add(1 if v else 0)
        else:
            add(v)
    add(extra)
    return tuple(out)


def select_list(e: Entity) -> str:
    return ", ".join(["seq"] + [qi(n) for n, _ in e.columns] + ["extra"])


_PLANS: dict[str, tuple] = {}


def _plan(e: Entity) -> tuple:
    """(prop names, row index per prop or None for nested JSON, bool props, simple?) -- the
    decode recipe, computed once per entity: decoding runs for every served record."""
    plan = _PLANS.get(e.name)
    if plan is None:
        index = {n: i + 1 for i, (n, _) in enumerate(e.columns)}  # row[0] is seq
        names = tuple(n for n, _ in e.props)
        where = tuple(None if k == "j" else index[n] for n, k in e.props)
        bools = tuple(n for n, k in e.props if k == "b")
        simple = all(w == i + 1 for i, w in enumerate(where))
        plan = _PLANS[e.name] = (names, where, bools, simple)
    return plan


def decode(e: Entity, row: tuple) -> dict:
    """A served record (spec field order, nested and custom fields from `extra`)."""
    names, where, bools, simple = _plan(e)
    if simple:  # no nested fields before the last scalar: a straight zip
        out = dict(zip(names, row[1:len(names) + 1]))
    else:
        out = {n: (None if i is None else row[i]) for n, i in zip(names, where)}
    for name in bools:
        if out[name] is not None:
            out[name] = bool(out[name])
    if row[-1]:
        extra = json.loads(row[-1])
        out.update(extra)  # nested fields, then the system's custom fields beyond the model
    return out


def meta_get(db: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    try:
        row = db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
    except sqlite3.OperationalError:
        return default
    return row[0] if row else default


def meta_set(db: sqlite3.Connection, key: str, value: Any) -> None:
    db.execute("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
               (key, str(value)))
