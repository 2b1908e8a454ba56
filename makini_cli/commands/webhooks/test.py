"""`makini webhooks test URL`: the conformance run, shown as a live table on a terminal, a report
otherwise. Exit 0 when every required check passes, 3 when one fails."""

from __future__ import annotations

import typer

from .._common import ctx, examples
from .options import events_option, resolve_secret, secret_file_option, secret_option, split_events

COLOURS = {"PASS": "green", "FAIL": "bold red", "WARN": "yellow", "SKIP": "dim"}


def _row(check) -> dict:
    return {"name": check.name, "result": check.result, "required": check.required,
            "duration_ms": check.duration_ms, "detail": check.detail}


SHORT_HELP = "Check an endpoint is ready for Makini's webhooks."
HELP = ("Check an endpoint is ready for Makini's webhooks. Works on localhost "
        "(no tunnel). Checks: signed deliveries of each event are acknowledged with 2xx in time; wrong, missing and "
        "tampered signatures rejected with 4xx; duplicates and out-of-order events acknowledged; failures "
        "retried on a schedule; warnings for plain http off loopback, slow answers and redirects. A live "
        "table on a terminal, a JSON report when piped or with -o json. Every attempt goes to the local "
        "delivery log (`webhooks logs`).\n\nExit codes: 0 every required check passed, 3 one failed, "
        "2 bad input or no secret." + examples(
            "makini webhooks test http://localhost:3000/webhooks --secret-file secret.txt",
            "makini webhooks test https://example.com/hooks -e purchase-orders.inserted -e 'assets.*'",
            "makini webhooks test http://127.0.0.1:8080/ --retry-schedule makini --timeout 10",
            "makini webhooks test http://127.0.0.1:8080/ -o json | jq '.checks[] | select(.result==\"FAIL\")'"))


def test(url: str = typer.Argument(..., help="The endpoint's URL."),
         secret: str = secret_option(), secret_file: str = secret_file_option(),
         event: list[str] = events_option("Events to deliver (default: every confirmed event)."),
         retry_schedule: str = typer.Option("fast", "--retry-schedule",
                                            help="fast (0.2 s, doubling, 4 attempts) or makini (30 s, doubling, 5 "
                                                 "attempts: minutes)."),
         timeout: float = typer.Option(10.0, "--timeout", help="Seconds an answer may take (Makini: 10)."),
         slow_after: float = typer.Option(5.0, "--slow-after", help="Warn about answers slower than this.")) -> None:
    import asyncio
    from contextlib import nullcontext

    from ...errors import UsageError
    from ...output import Column, milliseconds, styled
    from ...urls import require_url
    from ...webhooks import catalog, conformance

    c = ctx()
    require_url(url, "URL", example="http://localhost:3000/webhooks")
    if retry_schedule not in conformance.SCHEDULES:
        raise UsageError(f"bad --retry-schedule {retry_schedule!r}",
                         hint="use fast (seconds) or makini (30 s, doubling: minutes)")
    if timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    chosen = split_events(event)
    unknown = catalog.validate_selection(chosen)
    if unknown:
        raise UsageError(f"unknown webhook events: {', '.join(unknown)}",
                         hint="list them with `makini webhooks events`; patterns like 'assets.*' work")
    key = resolve_secret(secret, secret_file, what="the endpoint's webhook secret")
    live = c.output.stdout_tty and c.output.custom_view
    if retry_schedule == "makini":
        c.output.info("retry schedule makini: a failing endpoint is retried after 30 s, 60 s, 120 s, 240 s")
    columns = [Column("name", "CHECK", kind="fixed", priority=100),
               Column("result", "RESULT", fmt=styled(COLOURS.get), priority=110),
               Column("duration_ms", "TIME", fmt=milliseconds, justify="right", priority=50),
               Column("detail", "DETAIL", kind="text", priority=60)]
    display, on_check = nullcontext(), None
    if live:  # a table that grows by one row as each check completes, refitted to the terminal
        from rich.live import Live

        out = c.output
        done: list = []

        def table():
            rows = [[col.fmt(r[col.key], r) if col.fmt else r[col.key] for col in columns]
                    for r in map(_row, done)]
            return out.fit_table(columns, rows, width=out.width, quiet=True)

        display = Live(table(), console=out.console(), auto_refresh=False, transient=False)

        def on_check(check) -> None:
            done.append(check)
            display.update(table(), refresh=True)

    try:
        with display:
            report = asyncio.run(conformance.run(url, key, chosen or None, retry_schedule=retry_schedule,
                                                 ack_timeout=timeout, slow_after=slow_after,
                                                 on_check=on_check))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not live:
        if c.output.format in ("table", "csv"):
            c.output.emit([_row(ch) for ch in report.checks], columns=columns)
        else:
            c.output.emit(report.to_dict())
    elif display.renderable.dropped:  # said once, not at every redraw
        c.output.dropped(display.renderable.dropped)
    counts = {r: sum(1 for ch in report.checks if ch.result == r) for r in ("PASS", "FAIL", "WARN", "SKIP")}
    summary = ", ".join(f"{n} {r.lower()}" for r, n in counts.items() if n)
    failed = [ch.name for ch in report.checks if ch.required and ch.result == "FAIL"]
    signed = [ch for ch in report.checks if ch.name.startswith("delivers ")]
    if signed and all(ch.attempts and all(a.get("status_code") in conformance.SIGNATURE_REFUSED
                                          for a in ch.attempts) for ch in signed):
        c.output.note("the endpoint refuses the signature of every signed delivery "
                      f"({signed[0].attempts[0]['status_code']}): it verifies with another secret, or "
                      "over a re-serialised body; check its secret against --secret-file")
    if failed:
        c.output.note(f"{url}: not ready for Makini's webhooks ({summary}); failed: {'; '.join(failed)}")
        raise typer.Exit(report.exit_code)
    c.output.note(f"{url}: ready for Makini's webhooks ({summary})")
