"""`makini connections doctor`: the command and its rendering (probes and conclusion:
makini_cli/connections/doctor.py)."""

from __future__ import annotations

import typer

from .._common import check_domain, ctx, domain_option, examples, require_connection
from .._health import quick_retry

HELP = ("Diagnose one connection: its status, then a one-item request for each entity "
        "type (purchase orders, work orders, assets, vendors, sites, raw tables), and a conclusion: does "
        "the problem touch every operation (system offline, credentials expired, rate limit) or only "
        "some entity types (permissions or configuration in the source system)? Names Makini's outbound "
        "IPs for on-premises systems and ends with a support summary to paste into a ticket. The doctor "
        "calls even when the circuit breaker is open (finding out is its job).\n\nExit codes: 0 no "
        "problem found, 3 a problem found, 4 credentials refused." + examples(
            "makini connections doctor 09000207611898",
            "makini connections doctor 09000207611898 --on-prem -o json",
            "makini connections doctor 09000207611898 --domain eam"))


def doctor(
    connection_id: str = typer.Argument(None, help="Connection id (default: the profile's)."),
    domain: str = domain_option(),
    on_prem_flag: bool = typer.Option(False, "--on-prem", help="The system is hosted on-premises (also "
                                      "detected from an on-prem tag or metadata)."),
) -> None:
    c = ctx()
    check_domain(domain)
    cid = connection_id or require_connection(None) or ""
    c.breaker_force = True
    report = c.run(lambda client: _diagnose(c, client, cid, domain, on_prem_flag), retry=quick_retry())
    _render_doctor(c, report)
    if report["conclusion"]["scope"] != "none":
        raise typer.Exit(3)


async def _diagnose(c, client, cid: str, domain: str, on_prem_flag: bool) -> dict:
    from ...api import connections as api
    from ...connections import doctor as doc
    from ...connections.breaker import Breaker
    from ...connections.checker import Checker
    from ...connections.errorlog import now_iso

    started = now_iso()
    admin = conn = None
    if client.auth.has_app_credentials:
        conn = await api.get_connection(client, cid)  # unknown id: a clear NotFound, exit 1
        admin = {cid: conn}
    breaker_state = Breaker().view(cid) if cid else None
    link = await api.link_for(client, redirect=c.settings.get("link_redirect"),
                              client_id=c.app_credentials()[0].value)
    row = await Checker(client, admin=admin, link=link).check(cid)
    probes = await doc.run_probes(client, cid if admin is not None else None, domain)
    is_on_prem = doc.on_prem(conn, on_prem_flag)
    conclusion = doc.conclude(row, probes, is_on_prem=is_on_prem, link=link)
    support = doc.support_summary(row, probes, conclusion, started=started, finished=now_iso(),
                                  base_url=c.settings.base_url)
    show_ips = is_on_prem or conclusion["cause"] == "system_offline"
    return {"connection": row, "breaker": breaker_state, "probes": probes, "conclusion": conclusion,
            "on_prem": is_on_prem, "outbound_ips": list(doc.OUTBOUND_IPS) if show_ips else [],
            "support": support}


def _render_doctor(c, report: dict) -> None:
    from ...connections.doctor import support_text
    from ...output import Column, inert

    out = c.output
    if not out.custom_view:
        out.emit(report)
        return
    row = report["connection"]
    name = f" ({row['name']}, {row['system']})" if row.get("name") else ""
    out.say(inert(f"Connection {row['id']}{name}: {row['health']}: {row['reason']}"))
    b = report.get("breaker") or {}
    if b.get("state") not in (None, "closed"):
        out.say(f"Circuit breaker: {b['state']} after {b.get('failures')} failures (the doctor called anyway)")
    out.say()
    probes = [{**p, "result": "ok" if p["ok"] else p.get("kind", "failed")} for p in report["probes"]]
    out.emit(probes, columns=[Column("label", "PROBE", priority=100), Column("result", "RESULT", priority=95),
                              Column("status", "HTTP", priority=90), Column("count", "COUNT", justify="right", priority=50),
                              Column("elapsed_ms", "MS", justify="right", priority=40),
                              Column("request_id", "REQUEST ID", priority=80),
                              Column("message", "MESSAGE", kind="text", priority=70)])
    conclusion = report["conclusion"]
    out.say()
    out.say(inert(f"Conclusion: {conclusion['summary']}"))
    for action in conclusion["actions"]:
        out.say(inert(f"  - {action}"))
    ips = ", ".join(report["outbound_ips"])
    if ips and not any(ips in action for action in conclusion["actions"]):  # said once, not twice
        out.say()
        out.say(f"Makini's outbound IPs (allow them through the firewall of an on-premises system): {ips}")
    out.say()
    # every value on one line of its own: a name or message cannot forge lines of the summary
    support = report["support"]
    safe = {k: (inert(v) if isinstance(v, str) else v) for k, v in support.items()}
    safe["affected"] = [{k: (inert(v) if isinstance(v, str) else v) for k, v in a.items()}
                        for a in support.get("affected") or []]
    out.say(support_text(safe), wrap=False)  # to paste into a ticket: lines kept whole
