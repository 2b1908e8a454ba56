"""Reading records as the API serves them: decoded rows, purchase orders with their line items
embedded, one record by key (404 when the connection has none), and a part in the spec's
`Material` shape (what `PUT …/materials/{key}/inventory` answers with)."""

from __future__ import annotations

from . import contract, store
from .errors import ApiError
from .fields import ENTITIES, LINE_ITEM, PURCHASE_ORDER, Entity


def singular(e: Entity) -> str:
    words = e.name.replace(".", " ").replace("-", " ")
    return (words[:-1] if words.endswith("s") and not words.endswith("ss") else words).capitalize()


def attach_line_items(sb, conn_key: str, records: list[dict], seqs: list[int]) -> None:
    """Embed each order's line items (spec: PurchaseOrder.lineItems, POLineItem) with one
    query per page, not one per order."""
    by_seq: dict[int, list] = {s: [] for s in seqs}
    if seqs:
        marks = ", ".join("?" * len(seqs))
        # No ORDER BY: with one, SQLite walks the (conn, seq) index over every line of the
        # connection (0.5 s at 200,000 orders) instead of looking the page's orders up.
        rows = sorted(sb.query(f"SELECT {store.select_list(LINE_ITEM)} FROM line_items "
                               f"WHERE conn = ? AND po_seq IN ({marks})", [conn_key, *seqs]))
        po_seq_at = 1 + [n for n, _ in LINE_ITEM.columns].index("po_seq")
        for row in rows:
            by_seq[row[po_seq_at]].append(store.decode(LINE_ITEM, row))
    for rec, seq in zip(records, seqs):
        rec["lineItems"] = by_seq[seq]


def serve_rows(sb, e: Entity, conn_key: str, rows: list[tuple]) -> list[dict]:
    records = [store.decode(e, r) for r in rows]
    if e is PURCHASE_ORDER:
        attach_line_items(sb, conn_key, records, [r[0] for r in rows])
    return records


def fetch_one(sb, e: Entity, conn_key: str, key: str) -> dict:
    rows = sb.query(f"SELECT {store.select_list(e)} FROM {e.table} WHERE conn = ? AND key = ?",
                    (conn_key, key))
    if not rows:
        raise ApiError(404, f"{singular(e)} {key} not found.")
    return serve_rows(sb, e, conn_key, rows)[0]


def material_view(sb, conn_key: str, key: str) -> dict:
    """A material (stored as the list's `Part`) in the spec's `Material` shape: its fields,
    with `inventories` (every stock record of it) for the single `inventory`."""
    part = fetch_one(sb, ENTITIES["materials"], conn_key, key)
    inv = ENTITIES["inventories"]
    rows = sb.query(f"SELECT {store.select_list(inv)} FROM {inv.table} WHERE conn = ? AND "
                    "materialKey = ? ORDER BY seq", (conn_key, key))
    out = {name: part.get(name) for name, _ in contract.schema("Material")}
    out["inventories"] = [store.decode(inv, r) for r in rows]
    return out
