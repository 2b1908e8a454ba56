"""The health check shared by `connections status` and `syncs status` (one check, two views): its
options, and the run that checks, records the history, renders and sets the exit code. Beside
_common.py, not in the connections package, so `syncs` uses it without building the connections
group. `connections watch` reuses the options and the check (`check_kwargs`)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import typer

from ._common import ctx

HINTS_SHOWN = 10


# --- options ------------------------------------------------------------------------------------
def ids_arg():
    return typer.Argument(None, help="Connection ids; - reads ids from stdin. Default: the profile's "
                          "connection, else every connection.")


def all_opt():
    return typer.Option(False, "--all", "-a", help="Every connection of the application.")


def concurrency_opt():
    return typer.Option(20, "--concurrency", "-j", min=1, max=200, help="Connections checked at once.")


def fail_on_opt():
    return typer.Option(None, "--fail-on", metavar="STATES",
                        help="States that make the exit code 3; repeat it or give a comma list; `none` "
                        "never fails. Default: every state but healthy and syncing (degraded, stuck and "
                        "stale included).")


def stale_after_opt():
    return typer.Option(None, "--stale-after", metavar="DURATION",
                        help="A finished sync older than this (6h, 2d) is `stale`.")


def stuck_after_opt():
    return typer.Option(None, "--stuck-after", metavar="DURATION",
                        help="A sync in progress for longer than this (2h) is `stuck`.")


def deep_opt():
    return typer.Option(False, "--deep", help="Also probe each entity type with a one-item request (as "
                        "`doctor` does): a connection where some fail is `degraded`.")


def force_opt():
    return typer.Option(False, "--force", help="Call connections whose circuit breaker is open.")


def health_opt():
    return typer.Option(None, "--health", metavar="STATES",
                        help="Show only connections in these states (repeat it or give a comma list).")


def problems_opt():
    return typer.Option(False, "--problems", help="Show only connections that are neither healthy nor syncing.")


def sort_opt():
    return typer.Option(None, "--sort", metavar="KEY", help="health (worst first), name, age (oldest sync "
                        "first), system or id. Default: health on a terminal, id when piped.")


def summary_opt():
    return typer.Option(False, "--summary", help="Print only the counts by state (as JSON with -o json).")


def changes_opt():
    return typer.Option(False, "--changes", help="Show only connections whose state differs from the last "
                        "recorded one; exit 3 only when one newly entered a --fail-on state.")


def no_history_opt():
    return typer.Option(False, "--no-history", help="Do not record this check in the local history.")


def notify_opt():
    return typer.Option(None, "--notify", metavar="URL", help="POST each transition as JSON to this webhook "
                        "(Slack and Teams incoming webhooks show its `text`).")


def notify_secret_opt():
    return typer.Option(None, "--notify-secret-file", metavar="FILE",
                        help="Sign each notice: X-Makini-Cli-Signature: t=…,v1=HMAC-SHA256(\"t.body\").")


def output_file_opt():
    return typer.Option(None, "--output-file", "-O", metavar="FILE",
                        help="Write the output to FILE atomically (e.g. a node_exporter textfile with -o openmetrics).")


# --- parsing --------------------------------------------------------------------------------------
def quick_retry():
    """A health check reports trouble, it does not wait it out: one quick retry at most."""
    from ..api.http import RetryPolicy

    return RetryPolicy(max_attempts=2, base_delay=0.2, max_delay=1.0, max_total_wait=3.0)


def read_ids(args: list[str] | None) -> list[str]:
    """Ids from the arguments; `-` reads more from stdin (whitespace-separated, `#` comments)."""
    from ..errors import UsageError

    out: list[str] = []
    for arg in args or []:
        if arg != "-":
            out.append(arg.strip())
            continue
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("'-' reads connection ids from standard input, but it is a terminal",
                             hint="pipe them in: makini connections list -o json | jq -r '.[].id' | makini connections status -")
        for line in sys.stdin.read().splitlines():
            out.extend(line.split("#", 1)[0].split())
    return [i for i in out if i]


def states_of(values: list[str] | None, option: str, *, allow_none: bool = True, default=None) -> frozenset[str] | None:
    from ..connections import health
    from ..errors import UsageError

    try:
        if default is None and not values:
            return None
        return health.parse_states(values, default=default if default is not None else frozenset(),
                                   allow_none=allow_none)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def output_format(output) -> str:
    """The chosen format as asked for: `openmetrics` and `wide` too (`output.format` folds them
    into json and table for the commands that do not draw them)."""
    return output.fmt


@dataclass
class Check:
    """What to check and how: the options `status`, `syncs status` and `watch` share."""

    targets: list[str] | None  # None: every connection
    concurrency: int
    stale_after: float | None
    stuck_after: float | None
    deep: bool

    @property
    def blind(self) -> frozenset[str]:
        from ..connections.monitor import blind_to

        return blind_to(deep=self.deep, stale_after=self.stale_after, stuck_after=self.stuck_after)

    def kwargs(self) -> dict[str, Any]:
        c = ctx()
        return dict(concurrency=self.concurrency, link_redirect=c.settings.get("link_redirect"),
                    client_id=c.app_credentials()[0].value, stale_after=self.stale_after,
                    stuck_after=self.stuck_after, deep=self.deep,
                    make_client=lambda: c.make_client(retry=quick_retry()))


def resolve_check(ids: list[str] | None, *, all_: bool, concurrency: int, stale_after: str | None,
                  stuck_after: str | None, deep: bool, force: bool) -> Check:
    from ..errors import UsageError
    from ..timeutil import parse_duration

    c = ctx()
    stale = parse_duration(stale_after, "--stale-after") if stale_after else None
    stuck = parse_duration(stuck_after, "--stuck-after") if stuck_after else None
    targets = read_ids(ids)
    if all_ and targets:
        raise UsageError("give connection ids or --all, not both")
    if ids and not targets and not all_:
        raise UsageError("no connection ids on standard input")
    _require_login(c)
    if not targets and not all_:
        default = c.settings.get("connection")
        if default:
            targets = [default]
        elif c.credentials.connection_token(c.profile) and not all(c.app_credentials()):
            targets = [""]  # the single configured token's own connection
        else:
            all_ = True  # nothing narrows it down: check every connection, as `--all` would
    c.breaker_force = force  # read by the breaker hook when the client is built
    return Check(None if all_ else targets, concurrency, stale, stuck, deep)


def _require_login(c) -> None:
    """No credentials at all is "log in first" (exit 4, as `connections list` says it), not a
    complaint about an --all the user never passed."""
    from ..errors import AuthFailed

    client_id, secret = c.app_credentials()
    if not (client_id and secret) and not c.credentials.connection_token(c.profile):
        raise AuthFailed("not logged in: checking connections needs application credentials "
                         "or a connection token",
                         hint="run `makini auth login --client-id ID` (or `--with-token`), set "
                              "MAKINI_CLIENT_ID and MAKINI_CLIENT_SECRET or MAKINI_TOKEN, or try "
                              "`makini --sandbox …`")


# --- the run ----------------------------------------------------------------------------------------
def health_run(ids: list[str] | None, *, all_: bool, concurrency: int, fail_on: list[str] | None,
               stale_after: str | None, force: bool, columns, stuck_after: str | None = None,
               deep: bool = False, health_states: list[str] | None = None, problems: bool = False,
               sort: str | None = None, summary_only: bool = False, changes: bool = False,
               no_history: bool = False, notify: str | None = None, notify_secret_file: str | None = None,
               output_file: str | None = None) -> None:
    """Shared by `connections status` and `syncs status`: check, record, render, exit 0/3/4."""
    from ..connections import health, monitor, selection
    from ..connections.checker import check_all, counts, summary
    from ..errors import UsageError
    from ._fleet import ProgressBar, change_columns, deliver_notices, make_notifier, notable, open_history, record_checks
    from ._fleet import write_output_file

    c = ctx()
    fail_states = states_of(fail_on, "--fail-on", default=health.DEFAULT_FAIL_ON)
    shown_states = states_of(health_states, "--health", allow_none=False)
    if problems:
        shown_states = (shown_states or frozenset(health.STATES)) - health.OK_STATES
    if sort is not None and sort not in selection.SORTS:
        raise UsageError(f"--sort: unknown key {sort!r}", hint=f"one of: {', '.join(selection.SORTS)}")
    if changes and no_history:
        raise UsageError("--changes compares with the recorded history: it cannot go with --no-history")
    fmt = output_format(c.output)
    if fmt == "openmetrics" and (summary_only or changes):
        raise UsageError("-o openmetrics describes every connection checked: it takes neither --summary nor --changes")
    notifier = make_notifier(notify, notify_secret_file, no_history=no_history)
    check = resolve_check(ids, all_=all_, concurrency=concurrency, stale_after=stale_after,
                          stuck_after=stuck_after, deep=deep, force=force)
    history = open_history(no_history)  # a bad MAKINI_HISTORY_DAYS fails before any request
    bar = ProgressBar(c.output) if c.output.stderr_tty else None

    async def work(client):
        return await check_all(client, check.targets, progress=bar.advance if bar else None,
                               on_total=bar.start if bar else None, **check.kwargs())

    try:
        rows, seconds = c.run(work, retry=quick_retry())
    finally:
        if bar:
            bar.stop()
    entries = record_checks(history, rows, check.blind, required=changes or notifier is not None)
    shown = rows
    changed = [r for r in rows if (e := entries.get(r["id"])) is not None and e.changed]
    if changes:
        shown = changed
    shown = selection.keep(shown, shown_states)
    shown = selection.sort_rows(shown, sort, terminal=c.output.stdout_tty)

    def render() -> None:
        if fmt == "openmetrics":
            from ..connections.openmetrics import render as metrics

            c.output.stdout.write(metrics(shown))
        elif summary_only:
            if c.output.format == "table":
                c.output.stdout.write(summary(shown, None) + "\n")
            else:
                c.output.emit({"total": len(shown), "counts": counts(shown), "seconds": round(seconds, 3)})
        else:
            c.output.emit(shown, columns=change_columns() if changes else columns)

    if output_file is not None:
        write_output_file(output_file, render)
    else:
        render()
    if not summary_only:
        hinted = [row for row in shown if row["health"] in fail_states and row.get("hint")]
        for row in hinted[:HINTS_SHOWN]:  # a terminal gets the next step for the first few
            c.output.info(f"{row['id']} ({row.get('name') or '?'}): {row['hint']}")
        if len(hinted) > HINTS_SHOWN:
            c.output.info(f"… and {len(hinted) - HINTS_SHOWN} more hints (in the `hint` field of -o json)")
        c.output.info(summary(shown, seconds))
    if notifier is not None:
        deliver_notices(notifier, [r for r in changed if notable(r, fail_states)], entries, fail_states)
    if changes:
        failing = any(monitor.newly_failing(entries[r["id"]], fail_states) for r in shown)
    else:
        failing = any(row["health"] in fail_states for row in shown)
    if failing:
        raise typer.Exit(3)


def status_command(columns):
    """The command function of `connections status` and `syncs status`: the same options, the
    columns differ (`columns()` builds them when the command runs: output imports stay lazy)."""

    def status(
        ids: list[str] = ids_arg(),
        all_: bool = all_opt(),
        health_states: list[str] = health_opt(),
        problems: bool = problems_opt(),
        sort: str = sort_opt(),
        summary_only: bool = summary_opt(),
        changes: bool = changes_opt(),
        fail_on: list[str] = fail_on_opt(),
        stale_after: str = stale_after_opt(),
        stuck_after: str = stuck_after_opt(),
        deep: bool = deep_opt(),
        concurrency: int = concurrency_opt(),
        no_history: bool = no_history_opt(),
        notify: str = notify_opt(),
        notify_secret_file: str = notify_secret_opt(),
        output_file: str = output_file_opt(),
        force: bool = force_opt(),
    ) -> None:
        health_run(ids, all_=all_, concurrency=concurrency, fail_on=fail_on, stale_after=stale_after,
                   force=force, columns=columns(), stuck_after=stuck_after, deep=deep,
                   health_states=health_states, problems=problems, sort=sort, summary_only=summary_only,
                   changes=changes, no_history=no_history, notify=notify,
                   notify_secret_file=notify_secret_file, output_file=output_file)

    return status
