"""`makini connections watch`: check connections every interval and report what changes."""

from __future__ import annotations

import typer

from .._common import ctx, examples
from .._health import (all_opt, concurrency_opt, deep_opt, fail_on_opt, force_opt, ids_arg, no_history_opt,
                       notify_opt, notify_secret_opt, output_file_opt, stale_after_opt, stuck_after_opt)

HELP = ("Watch connections: check them every --interval and report each change of state. On a "
        "terminal a live table (what changed highlighted, the time of the last round); piped, one NDJSON "
        "line per transition (`previous`, `state`, `since`…), and one per round with --heartbeat. "
        "Transitions are recorded in the local history like `connections status` (the first round "
        "compares with it), posted to --notify URL, and the latest round is served as OpenMetrics on "
        "--metrics-port.\n\n"
        "Exit codes: 130 on Ctrl-C; with --until STATES 0 once every connection is in one of them; with "
        "--exit-on-change 0, or 3 when a connection entered a --fail-on state; after --rounds N, 3 when "
        "some connection is in a --fail-on state, else 0; 124 when --timeout passes first." + examples(
            "makini connections watch --all",
            "makini connections watch --all --interval 5m --notify https://hooks.slack.com/services/…",
            "makini connections watch 09000207611898 --until healthy --timeout 30m",
            "makini connections watch --all --exit-on-change -o json | jq .",
            "makini connections watch --all --metrics-port 9464",
            "makini connections watch --all --heartbeat | tee -a watch.ndjson"))


def watch(
    ids: list[str] = ids_arg(),
    all_: bool = all_opt(),
    interval: str = typer.Option("60s", "--interval", "-n", metavar="DURATION", help="Time between rounds (fixed rate)."),
    fail_on: list[str] = fail_on_opt(),
    until: list[str] = typer.Option(None, "--until", metavar="STATES",
                                    help="Stop (exit 0) once every connection is in one of these states."),
    exit_on_change: bool = typer.Option(False, "--exit-on-change", help="Stop after the first round in which a "
                                        "connection changed state (exit 3 if it entered a --fail-on state)."),
    rounds: int = typer.Option(None, "--rounds", min=1, help="Stop after this many rounds."),
    timeout: str = typer.Option(None, "--timeout", metavar="DURATION", help="Stop after this long (exit 124)."),
    heartbeat: bool = typer.Option(False, "--heartbeat", help="Piped: also one NDJSON line per round."),
    notify: str = notify_opt(),
    notify_secret_file: str = notify_secret_opt(),
    metrics_port: int = typer.Option(None, "--metrics-port", metavar="PORT",
                                     help="Serve the latest round as OpenMetrics on http://HOST:PORT/metrics."),
    metrics_host: str = typer.Option("127.0.0.1", "--metrics-host", metavar="HOST",
                                     help="Address for --metrics-port (loopback unless you say otherwise)."),
    output_file: str = output_file_opt(),
    stale_after: str = stale_after_opt(),
    stuck_after: str = stuck_after_opt(),
    deep: bool = deep_opt(),
    concurrency: int = concurrency_opt(),
    no_history: bool = no_history_opt(),
    force: bool = force_opt(),
) -> None:
    import asyncio
    import sys

    from ...connections import health
    from ...connections.checker import check_all
    from ...connections.monitor import MemoryHistory, Watcher
    from ...errors import UsageError
    from ...timeutil import parse_duration
    from ...urls import is_loopback
    from .._fleet import NOTIFY_WAIT, make_notifier, notable, notice_for, open_history, write_output_file
    from .._health import output_format, quick_retry, resolve_check, states_of

    c = ctx()
    every = parse_duration(interval, "--interval")
    limit = parse_duration(timeout, "--timeout") if timeout else None
    fail_states = states_of(fail_on, "--fail-on", default=health.DEFAULT_FAIL_ON)
    until_states = states_of(until, "--until", allow_none=False)
    if metrics_port is not None and not 0 <= metrics_port <= 65535:
        raise UsageError(f"bad --metrics-port {metrics_port}: expected 0-65535 (0 picks a free port)")
    fmt = output_format(c.output)
    notifier = make_notifier(notify, notify_secret_file, no_history=False)
    check = resolve_check(ids, all_=all_, concurrency=concurrency, stale_after=stale_after,
                          stuck_after=stuck_after, deep=deep, force=force)
    history = MemoryHistory() if no_history else open_history(False)
    if metrics_port is not None and not is_loopback(metrics_host):
        c.output.warn(f"--metrics-host {metrics_host}: the metrics are reachable from other machines on this network")
    live = c.output.stdout_tty and c.output.format == "table" and output_file is None  # wide too
    from .watch_view import EventStream, LiveTable

    view = LiveTable(c.output, interval=every, fail_states=fail_states) if live else None
    stream = None if live else EventStream(c.output.stdout, heartbeat=heartbeat, fail_states=fail_states)
    kwargs = check.kwargs()

    async def one_round():
        client = c.make_client(retry=quick_retry())
        try:
            return await check_all(client, check.targets, **kwargs)
        finally:
            await client.aclose()

    async def main() -> int:
        from ...connections.openmetrics import render

        server = None
        if metrics_port is not None:
            from ...connections.metrics_http import MetricsServer

            server = MetricsServer(metrics_host, metrics_port)
            try:
                await server.start()
            except OSError as exc:
                raise UsageError(f"cannot listen on {metrics_host}:{metrics_port}: {exc.strerror or exc}",
                                 hint="pick another --metrics-port (0 picks a free one)") from None
            c.output.note(f"metrics on {server.base_url}/metrics")

        def on_round(r) -> None:
            if server is not None:
                server.update(render(r.rows))
            if output_file is not None:
                write_output_file(output_file, lambda: (c.output.stdout.write(render(r.rows)) if fmt == "openmetrics"
                                                        else c.output.emit(r.rows)))
            elif fmt == "openmetrics":
                c.output.stdout.write(render(r.rows))
                c.output.stdout.flush()
            if view is not None:
                view.round(r)
            elif output_file is None or fmt != "openmetrics":
                stream.round(r)
            if notifier is not None:
                for row in r.changes:
                    if notable(row, fail_states):
                        notifier.send(notice_for(row, r.entries[row["id"]], fail_states))

        def on_error(number: int, exc) -> None:
            c.output.warn(f"round {number} failed: {exc.message.rstrip('.')}; the next round starts in {interval}")

        watcher = Watcher(one_round, history, every, fail_states, on_round, until=until_states,
                          exit_on_change=exit_on_change, rounds=rounds, timeout=limit, blind=check.blind,
                          on_error=on_error)
        interrupted = True
        try:
            code = await watcher.run()
            interrupted = False
        finally:
            undelivered = await notifier.drain(0 if interrupted else NOTIFY_WAIT) if notifier else []
            if server is not None:
                await server.stop()
            history.close()
            for line in undelivered:
                c.output.warn(f"notice not delivered: {line}")
        return code

    if view is not None:
        with view:
            code = asyncio.run(main())
    else:
        code = asyncio.run(main())
    sys.stdout.flush()
    if code:
        raise typer.Exit(code)
