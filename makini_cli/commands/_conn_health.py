"""`makini connections status` and `makini connections doctor` (registered on the connections group)."""

from __future__ import annotations

import sys

import typer

from ._health_opts import all_opt, concurrency_opt, fail_on_opt, force_opt, ids_arg, stale_after_opt
from ._common import ctx, domain_option, examples
from .connections import app

EXIT_HELP = ("Exit codes: 0 all healthy or syncing (or none of the --fail-on states), 3 some connection is in a "
             "--fail-on state, 4 the application credentials (or the only token) were refused, 1 other errors.")
HINTS_SHOWN = 10


def quick_retry():
    """A health check reports trouble, it does not wait it out: one quick retry at most."""
    from ..api.http import RetryPolicy

    return RetryPolicy(max_attempts=2, base_delay=0.2, max_delay=1.0, max_total_wait=3.0)


def read_ids(args: list[str] | None) -> list[str]:
    """Ids from the arguments; `-` reads more from stdin (whitespace-separated, `#` comments)."""
    out: list[str] = []
    for arg in args or []:
        if arg != "-":
            out.append(arg.strip())
            continue
        from ..api.errors import UsageError

        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("'-' reads connection ids from standard input, but it is a terminal",
                             hint="pipe them in: makini connections list -o json | jq -r '.[].id' | makini connections status -")
        for line in sys.stdin.read().splitlines():
            out.extend(line.split("#", 1)[0].split())
    return [i for i in out if i]


def status_columns():
    from ..output import Column, relative_time, styled

    colour = {"healthy": "green", "syncing": "cyan", "needs_reauth": "yellow", "inactive": "dim",
              "circuit_open": "magenta"}
    return [Column("id", "ID"), Column("name", "NAME"), Column("system", "SYSTEM"),
            Column("health", "HEALTH", fmt=styled(lambda v: colour.get(v, "bold red"))),
            Column("sync_status", "SYNC"), Column("last_sync", "LAST SYNC", fmt=relative_time),
            Column("reason", "REASON")]


def health_run(ids: list[str] | None, *, all_: bool, concurrency: int, fail_on: str | None,
               stale_after: str | None, force: bool, columns) -> None:
    """Shared by `connections status` and `syncs status`: check, render, exit 0/3/4."""
    from .. import health
    from ..api.errors import UsageError
    from ..healthcheck import check_all, summary
    from ._common import parse_duration

    c = ctx()
    try:
        fail_states = health.parse_fail_on(fail_on)
    except ValueError as exc:
        raise UsageError(f"--fail-on: {exc}") from None
    stale = parse_duration(stale_after, "--stale-after") if stale_after else None
    targets = read_ids(ids)
    if all_ and targets:
        raise UsageError("give connection ids or --all, not both")
    if ids and not targets and not all_:
        raise UsageError("no connection ids on standard input")
    if not targets and not all_:
        default = c.settings.get("connection")
        if default:
            targets = [default]
        elif c.credentials.connection_token(c.profile) and not all(c.app_credentials()):
            targets = [""]  # the single configured token's own connection
        else:
            all_ = True  # nothing narrows it down: check every connection, as `--all` would
    c.breaker_force = force  # read by the breaker hook when the client is built
    bar = _Progress(c.output) if c.output.stderr_tty else None

    async def work(client):
        return await check_all(client, None if all_ else targets, concurrency=concurrency,
                               link_redirect=c.settings.get("link_redirect"),
                               client_id=c.app_credentials()[0].value, stale_after=stale,
                               progress=bar.advance if bar else None, on_total=bar.start if bar else None,
                               make_client=lambda: c.make_client(retry=quick_retry()))

    try:
        rows, seconds = c.run(work, retry=quick_retry())
    finally:
        if bar:
            bar.stop()
    c.output.emit(rows, columns=columns)
    hinted = [row for row in rows if row["health"] in fail_states and row.get("hint")]
    for row in hinted[:HINTS_SHOWN]:  # a terminal gets the next step for the first few
        c.output.info(f"{row['id']} ({row.get('name') or '?'}): {row['hint']}")
    if len(hinted) > HINTS_SHOWN:
        c.output.info(f"… and {len(hinted) - HINTS_SHOWN} more hints (in the `hint` field of -o json)")
    c.output.info(summary(rows, seconds))
    if any(row["health"] in fail_states for row in rows):
        raise typer.Exit(3)


class _Progress:
    """A transient progress bar on stderr (terminals only) while many connections are checked."""

    def __init__(self, output) -> None:
        self.output = output
        self.bar = None
        self.task = None

    def start(self, total: int) -> None:
        if total < 2:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=Console(file=self.output.stderr), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("check", total=total)

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command("status", help="Health of connections, each read with its own token from "
             "/api/integrations/current and classified: healthy, syncing, needs_reauth, error, unreachable, "
             "inactive or circuit_open, with the reason and a hint (needs_reauth: the Makini Link URL to send "
             "the customer). Checked concurrently (--concurrency in flight). One summary line on stderr on a "
             "terminal.\n\n" + EXIT_HELP + examples(
                 "makini connections status --all",
                 "makini connections status 09000207611898 00010012345678",
                 "makini connections list -o json | jq -r '.[].id' | makini connections status -",
                 "makini connections status --all --fail-on needs_reauth,unreachable -o json",
                 "makini connections status --all --stale-after 6h --query \"[?health!='healthy'].id\""))
def status(
    ids: list[str] = ids_arg(),
    all_: bool = all_opt(),
    concurrency: int = concurrency_opt(),
    fail_on: str = fail_on_opt(),
    stale_after: str = stale_after_opt(),
    force: bool = force_opt(),
) -> None:
    health_run(ids, all_=all_, concurrency=concurrency, fail_on=fail_on, stale_after=stale_after,
               force=force, columns=status_columns())


@app.command("doctor", help="Diagnose one connection: its status, then a one-item request for each entity "
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
    from ._common import check_domain, require_connection

    c = ctx()
    check_domain(domain)
    cid = connection_id or require_connection(None) or ""
    c.breaker_force = True
    report = c.run(lambda client: _diagnose(c, client, cid, domain, on_prem_flag), retry=quick_retry())
    _render_doctor(c, report)
    if report["conclusion"]["scope"] != "none":
        raise typer.Exit(3)


async def _diagnose(c, client, cid: str, domain: str, on_prem_flag: bool) -> dict:
    from .. import doctor as doc
    from ..api import connections as api
    from ..breaker import Breaker
    from ..connlog import now_iso
    from ..healthcheck import Checker

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
    if c.output.format != "table" or c.opts.query:
        c.output.emit(report)
        return
    from ..doctor import support_text
    from ..output import Column

    row = report["connection"]
    name = f" ({row['name']}, {row['system']})" if row.get("name") else ""
    typer.echo(f"Connection {row['id']}{name}: {row['health']}: {row['reason']}")
    b = report.get("breaker") or {}
    if b.get("state") not in (None, "closed"):
        typer.echo(f"Circuit breaker: {b['state']} after {b.get('failures')} failures (the doctor called anyway)")
    typer.echo("")
    probes = [{**p, "result": "ok" if p["ok"] else p.get("kind", "failed")} for p in report["probes"]]
    c.output.emit(probes, columns=[Column("label", "PROBE"), Column("result", "RESULT"), Column("status", "HTTP"),
                                   Column("count", "COUNT", justify="right"), Column("elapsed_ms", "MS", justify="right"),
                                   Column("request_id", "REQUEST ID"), Column("message", "MESSAGE")])
    conclusion = report["conclusion"]
    typer.echo(f"\nConclusion: {conclusion['summary']}")
    for action in conclusion["actions"]:
        typer.echo(f"  - {action}")
    if report["outbound_ips"]:
        typer.echo(f"\nMakini's outbound IPs (allow them through the firewall of an on-premises system): "
                   f"{', '.join(report['outbound_ips'])}")
    typer.echo("\n" + support_text(report["support"]))
