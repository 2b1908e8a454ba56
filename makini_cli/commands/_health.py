"""The health check shared by `connections status` and `syncs status` (one check, two views): its
options, and the run that checks, renders and sets the exit code. Beside _common.py, not in the
connections package, so `syncs` uses it without building the connections group."""

from __future__ import annotations

import sys

import typer

from ._common import ctx

HINTS_SHOWN = 10


def ids_arg():
    return typer.Argument(None, help="Connection ids; - reads ids from stdin. Default: the profile's "
                          "connection, else every connection.")


def all_opt():
    return typer.Option(False, "--all", "-a", help="Every connection of the application.")


def concurrency_opt():
    return typer.Option(20, "--concurrency", "-j", min=1, max=200, help="Connections checked at once.")


def fail_on_opt():
    return typer.Option(None, "--fail-on", help="States that make the exit code 3, comma-separated; "
                        "`none` never fails. Default: every state but healthy and syncing.")


def stale_after_opt():
    return typer.Option(None, "--stale-after", help="Count a finished sync older than this (6h, 2d) as error.")


def force_opt():
    return typer.Option(False, "--force", help="Call connections whose circuit breaker is open.")


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


def health_run(ids: list[str] | None, *, all_: bool, concurrency: int, fail_on: str | None,
               stale_after: str | None, force: bool, columns) -> None:
    """Shared by `connections status` and `syncs status`: check, render, exit 0/3/4."""
    from ..connections import health
    from ..connections.checker import check_all, summary
    from ..errors import UsageError
    from ..timeutil import parse_duration

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
        # rich only when a bar is drawn (a terminal, two connections or more)
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from ._progress import count_column

        self.bar = Progress(TextColumn("checking"), BarColumn(), count_column(), TimeElapsedColumn(),
                            console=Console(file=self.output.stderr), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("check", total=total)

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
