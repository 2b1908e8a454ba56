"""`--deep`: probe each entity type with a one-item request (the probes of `connections doctor`)
and call a connection `degraded` when some entity types fail while it otherwise reads healthy or
syncing: the status endpoint says nothing about a MaintainX integration user who may not read
purchase orders. Pure verdicts here; the probing itself is doctor.run_probes. No typer/rich."""

from __future__ import annotations

from typing import Any

from . import health
from .doctor import run_probes

# States in which the source system answers, so per-entity failures mean something.
PROBED = frozenset({health.HEALTHY, health.SYNCING, health.STALE, health.STUCK})
# A used-up rate limit says nothing about an entity type: the allowance is per connection.
_IGNORED_KINDS = frozenset({"rate_limit"})


async def probe(client: Any, connection: str | None, domain: str = "erp") -> list[dict[str, Any]]:
    return await run_probes(client, connection, domain)


def failures(probes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a status row keeps of the failed probes (no bodies, no timings)."""
    return [{k: p.get(k) for k in ("probe", "kind", "status", "code", "request_id")}
            for p in probes if not p["ok"]]


def _what(p: dict[str, Any]) -> str:
    kind = (p.get("kind") or "other").replace("_", " ")
    return f"{kind}, HTTP {p['status']}" if p.get("status") else kind


def verdict(h: health.Health, probes: list[dict[str, Any]]) -> health.Health:
    """The check's verdict, corrected by the probes."""
    failed = [p for p in probes if not p["ok"] and p.get("kind") not in _IGNORED_KINDS]
    if not failed or h.state not in (health.HEALTHY, health.SYNCING):
        return h  # stale and stuck already say what matters; the failures stay in the row
    kinds = {p["kind"] for p in failed}
    if len(failed) == len(probes) and kinds <= {"unreachable", "server"}:
        return health.Health(health.UNREACHABLE, "every entity type fails without an answer from the source system",
                             "the source system is offline or blocks Makini; run `makini connections doctor ID`")
    if len(failed) == len(probes) and kinds == {"auth"}:
        return health.Health(health.NEEDS_REAUTH, "every entity type is refused as unauthenticated",
                             "the customer must reconnect through Makini Link; `makini connections reconnect ID` "
                             "prints the URL")
    listed = "; ".join(f"{p['label']} ({_what(p)})" for p in failed)
    working = len(probes) - len(failed)
    return health.Health(health.DEGRADED, f"{h.reason}, but some entity types fail: {listed}"
                         + (f" ({working} of {len(probes)} answer)" if working else ""),
                         "permissions or configuration in the source system block these; "
                         "`makini connections doctor ID` says what to ask the customer")
