"""`connections doctor`: probe each entity type with a one-item request and say what the failures
mean. Probing is async I/O; `conclude` is pure logic (no typer/rich).

The question an operator asks: does the problem touch every operation (the system is offline,
the stored credentials expired, the rate limit is hit) or only some entity types (permissions
or configuration in the source system)?
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from ..api import entities
from ..api.connections import OUTBOUND_IPS
from ..errors import MakiniError
from . import health
from .errorlog import now_iso

# (probe name, label, domain or None for the domain the user chose); work orders and assets are
# served under `eam` only (api/entities.py).
PROBES: tuple[tuple[str, str, str | None], ...] = (
    ("purchase-orders", "purchase orders", None), ("work-orders", "work orders", "eam"),
    ("assets", "assets", "eam"), ("vendors", "vendors", None), ("sites", "sites", None),
    ("raw-tables", "raw tables", None))
_ON_PREM = re.compile(r"on[-_ ]?prem", re.I)


def kind_of(error: dict[str, Any]) -> str:
    """A failure's kind: unreachable, auth, forbidden, rate_limit, not_found, server, other."""
    code, status = error.get("code"), error.get("status")
    if health.is_unreachable(_Err(code, status)):
        return "unreachable"
    return {"auth_failed": "auth", "permission_denied": "forbidden", "rate_limited": "rate_limit",
            "not_found": "not_found", "server_error": "server"}.get(code, "other")


class _Err:
    def __init__(self, code: Any, status: Any) -> None:
        self.code, self.status = code, status


async def probe(client: Any, connection: str | None, name: str, label: str, domain: str) -> dict[str, Any]:
    path = "/api/raw/tables" if name == "raw-tables" else entities.path(domain, name)
    out: dict[str, Any] = {"probe": name, "label": label, "operation": f"GET {path}", "at": now_iso()}
    started = time.monotonic()
    try:
        if name == "raw-tables":
            body = await entities.raw_tables(client, connection)
            out["count"] = len(body) if isinstance(body, list) else None  # tables, not rows
        else:
            body = await entities.page(client, connection, domain, name, per_page=1)
            meta = body.get("meta") if isinstance(body, dict) else None
            out["count"] = meta.get("total") if isinstance(meta, dict) else None
        out.update(ok=True, status=200)
    except MakiniError as exc:
        out.update(ok=False, status=exc.status, code=exc.code, makini_code=exc.makini_code,
                   message=exc.message, request_id=exc.request_id)
        out["kind"] = kind_of(out)
    out["elapsed_ms"] = int((time.monotonic() - started) * 1000)
    return out


async def run_probes(client: Any, connection: str | None, domain: str) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(probe(client, connection, name, label, d or domain)
                                       for name, label, d in PROBES)))


def on_prem(conn: Any, flag: bool) -> bool:
    """Known on-premises: --on-prem, or a tag or metadata value that says so."""
    if flag:
        return True
    if conn is None:
        return False
    values = list(conn.tags) + [f"{k}={v}" for k, v in (conn.user_metadata or {}).items()]
    return any(_ON_PREM.search(str(v)) for v in values)


def _names(probes: list[dict[str, Any]]) -> str:
    return ", ".join(p["label"] for p in probes)


def conclude(row: dict[str, Any], probes: list[dict[str, Any]], *, is_on_prem: bool,
             link: str | None) -> dict[str, Any]:
    """{scope: none|all|some|status, cause, summary, actions[]} from the health row and probes."""
    failed = [p for p in probes if not p["ok"]]
    kinds = {p["kind"] for p in failed}
    actions: list[str] = []
    ips = ", ".join(OUTBOUND_IPS)
    if not failed:
        if row["health"] in health.OK_STATES:
            return {"scope": "none", "cause": "none", "summary": "No problem found: the status is "
                    f"{row['health']} and every entity type answered.", "actions": []}
        summary = f"Every entity type answers, but the connection is {row['health']}: {row['reason']}."
        if row.get("hint"):
            actions.append(row["hint"])
        return {"scope": "status", "cause": row["health"], "summary": summary, "actions": actions}
    if len(failed) == len(probes):
        dominant = max(kinds, key=lambda k: sum(p["kind"] == k for p in failed))
        scope = "all"
        if dominant in ("unreachable", "server"):
            cause = "system_offline"
            summary = ("Every operation fails without a usable answer from the source system: it is "
                       "offline, overloaded, or unreachable from Makini.")
            actions.append(f"Makini connects from {ips}: an on-premises system must allow these "
                           "through its firewall" if is_on_prem else
                           f"if the system is hosted on-premises, its firewall must allow Makini's IPs: {ips}")
            actions.append("ask the customer whether the system (or its API) is up")
        elif dominant == "auth" or row["health"] == health.NEEDS_REAUTH:
            cause = "credentials_expired"
            summary = ("Every operation is refused as unauthenticated: the platform credentials stored "
                       "in Makini no longer work (expired, revoked or changed password).")
            actions.append("the customer must reconnect through Makini Link" + (f": {link}" if link else ""))
        elif dominant == "rate_limit":
            cause = "rate_limited"
            summary = "Every operation is rate limited (HTTP 429): Makini limits calls per connection per minute."
            actions.append("wait for the limit window to pass and spread the calls out")
        elif dominant == "forbidden":
            cause = "no_access"
            summary = ("Every operation is forbidden: the integration user in the source system lacks "
                       "access to all of these entity types.")
            actions.append("ask the customer's administrator to review the integration user's roles")
        else:
            cause = "all_failing"
            summary = "Every operation fails: " + "; ".join(sorted({p.get("message") or "" for p in failed}))
            actions.append("send the support summary below to Makini")
    else:
        scope = "some"
        if kinds <= {"rate_limit"}:
            cause = "rate_limited"
            summary = (f"Some calls hit the rate limit ({_names(failed)}): the connection works, but its "
                       "per-minute allowance is used up.")
            actions.append("wait a minute and run the doctor again")
        else:
            cause = "permissions_or_configuration"
            by_kind = {k: [p for p in failed if p["kind"] == k] for k in sorted(kinds)}
            detail = "; ".join(f"{_names(ps)}: {k.replace('_', ' ')}" for k, ps in by_kind.items())
            summary = (f"Only some entity types fail ({detail}) while others work: the connection itself is "
                       "fine; permissions or configuration in the source system block these.")
            if "forbidden" in kinds:
                actions.append(f"ask the customer's administrator to let the integration user read {_names(by_kind['forbidden'])}")
            if "not_found" in kinds:
                actions.append(f"{_names(by_kind['not_found'])}: not available for this system or not enabled in it")
            if kinds & {"unreachable", "server"}:
                broken = [p for p in failed if p["kind"] in ("unreachable", "server")]
                actions.append(f"{_names(broken)}: the source system fails for these modules; ask the customer to check them")
    # The status hint adds what the probes cannot know (the Link URL, credits), unless said already.
    if row["health"] not in health.OK_STATES and row.get("hint") and row["hint"] not in actions \
            and cause not in ("system_offline", "credentials_expired"):
        actions.append(row["hint"])
    return {"scope": scope, "cause": cause, "summary": summary, "actions": actions}


def support_summary(row: dict[str, Any], probes: list[dict[str, Any]], conclusion: dict[str, Any], *,
                    started: str, finished: str, base_url: str) -> dict[str, Any]:
    from .. import __version__

    affected = [{k: p.get(k) for k in ("operation", "status", "code", "makini_code", "message", "request_id", "at")}
                for p in probes if not p["ok"]]
    if row.get("error") and row["health"] not in health.OK_STATES:
        e = row["error"]
        affected.insert(0, {"operation": e.get("operation"), "status": e.get("status"),
                            "code": e.get("code"), "message": e.get("message"),
                            "request_id": e.get("request_id"), "at": started})
    return {"connection": row["id"], "name": row.get("name"), "system": row.get("system"),
            "health": row["health"], "sync_status": row.get("sync_status"), "last_sync": row.get("last_sync"),
            "window": {"from": started, "to": finished}, "affected": affected,
            "conclusion": conclusion["summary"], "client": f"makini-cli {__version__}", "base_url": base_url}


def support_text(s: dict[str, Any]) -> str:
    lines = ["--- support summary (paste into a ticket) ---",
             f"Connection: {s['connection']}" + (f" ({s['name']}, {s['system']})" if s.get("name") else ""),
             f"Checked: {s['window']['from']} to {s['window']['to']} UTC with {s['client']} against {s['base_url']}",
             f"Health: {s['health']}; sync status {s.get('sync_status') or '-'}; last sync {s.get('last_sync') or '-'}"]
    if s["affected"]:
        lines.append("Affected operations:")
        for a in s["affected"]:
            status = f"HTTP {a['status']}" if a.get("status") else "no answer"
            lines.append(f"  {a['operation']}: {status} {a.get('code') or ''} at {a.get('at')}, "
                         f"request id {a.get('request_id') or '-'}: {a.get('message') or ''}".replace("  :", ":"))
    else:
        lines.append("Affected operations: none")
    lines.append(f"Conclusion: {s['conclusion']}")
    return "\n".join(lines)
