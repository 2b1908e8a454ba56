"""Deterministic identities derived from the seed: the application's credentials, the token
signing key, connection and record keys.

Import-light on purpose (hashlib only): the CLI's embedded profile calls
`sandbox_credentials()` to log in without opening the database.
"""

from __future__ import annotations

import hashlib

# Record key prefixes: Makini keys are 14-digit strings ("06000398918336" in the spec);
# sandbox keys are <entity digit><connection index, 5 digits><sequence, 8 digits>.
KEY_PREFIX = {"sites": 1, "vendors": 2, "statuses": 3, "purchase-orders": 4,
              "purchase-orders.line-items": 5, "work-orders": 6, "assets": 7,
              "organizations": 8, "materials": 9}


def _digest(seed: int, label: str) -> str:
    return hashlib.sha256(f"makini-sandbox:{seed}:{label}".encode()).hexdigest()


def sandbox_credentials(seed: int = 42) -> tuple[str, str]:
    """(client_id, client_secret) of the sandbox's one application for this seed."""
    return "sbx_" + _digest(seed, "client-id")[:20], "sbs_" + _digest(seed, "client-secret")[:40]


def signing_key(seed: int) -> bytes:
    return bytes.fromhex(_digest(seed, "jwt-signing-key"))


def connection_key(seed: int, idx: int) -> str:
    """14 digits like the spec's Connection example ("09000207611898"), unique per index."""
    tail = int(_digest(seed, f"connection:{idx}")[:12], 16) % 10**8
    return f"00{idx:04d}{tail:08d}"


# The other entities: "0" + a two-digit code + <connection index, 4 digits> + <sequence, 7 digits>
# (never "00…", which connection keys start with). Codes are fixed here, so keys stay stable
# when the spec grows; an entity this list does not know yet gets a code from its name.
OTHER_ENTITIES = (
    "locations", "storerooms", "accounts", "teams", "labors", "users",
    "taxes", "currencies", "exchange-rates", "uom", "companies", "customers", "products",
    "stocks", "sales-orders", "projects", "invoices", "receipts", "bom", "production-orders",
    "receiving", "rfq", "purchase-requisitions", "inventories", "stock-transfers",
    "return-orders", "fulfillments", "asset-templates", "assets-downtime", "meters",
    "meter-readings", "pm", "service-requests", "documents", "groups", "stock-adjustments",
    "shipment-orders", "material-items")


def record_key(entity: str, conn_idx: int, n: int) -> str:
    prefix = KEY_PREFIX.get(entity)
    if prefix is not None:
        return f"{prefix}{conn_idx:05d}{n:08d}"
    try:
        code = 10 + OTHER_ENTITIES.index(entity)
    except ValueError:
        code = 10 + int(hashlib.sha256(entity.encode()).hexdigest(), 16) % 90
    return f"0{code:02d}{conn_idx:04d}{n:07d}"
