"""`webhooks test URL`: the conformance run, shown as a live table on a terminal, a report
otherwise. Exit 0 when every required check passes, 3 when one fails."""

from __future__ import annotations

import typer

from ._common import ctx

COLOURS = {"PASS": "green", "FAIL": "bold red", "WARN": "yellow", "SKIP": "dim"}


def _columns():
    from ..output import Column, styled

    return [Column("name", "CHECK"), Column("result", "RESULT", fmt=styled(COLOURS.get)),
            Column("duration_ms", "TIME", fmt=lambda v, _r: _ms(v), justify="right"),
            Column("detail", "DETAIL")]


def _ms(value) -> str:
    if not value:
        return ""
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def test_cmd(url: str, secret: str | None, secret_file: str | None, events: list[str] | None,
             retry_schedule: str, timeout: float, slow_after: float) -> None:
    import asyncio

    from ..api.errors import UsageError
    from ..webhooks import catalog, conformance
    from ._wh_sign import resolve_secret

    c = ctx()
    if retry_schedule not in conformance.SCHEDULES:
        raise UsageError(f"bad --retry-schedule {retry_schedule!r}",
                         hint="use fast (seconds) or makini (30 s, doubling: minutes)")
    if timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    chosen = _split(events)
    unknown = catalog.validate_selection(chosen)
    if unknown:
        raise UsageError(f"unknown webhook events: {', '.join(unknown)}",
                         hint="list them with `makini webhooks events`; patterns like 'assets.*' work")
    key = resolve_secret(secret, secret_file, what="the endpoint's webhook secret")
    live = c.output.stdout_tty and c.output.format == "table" and not c.output.query
    if retry_schedule == "makini":
        c.output.info("retry schedule makini: a failing endpoint is retried after 30 s, 60 s, 120 s, 240 s")
    table, on_check = _live_table() if live else (None, None)
    try:
        if table is not None:
            with table:
                report = asyncio.run(_run(url, key, chosen, retry_schedule, timeout, slow_after, on_check))
        else:
            report = asyncio.run(_run(url, key, chosen, retry_schedule, timeout, slow_after, None))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not live:
        if c.output.format in ("table", "csv"):
            c.output.emit([_row(ch) for ch in report.checks], columns=_columns())
        else:
            c.output.emit(report.to_dict())
    counts = {r: sum(1 for ch in report.checks if ch.result == r) for r in ("PASS", "FAIL", "WARN", "SKIP")}
    summary = ", ".join(f"{n} {r.lower()}" for r, n in counts.items() if n)
    failed = [ch.name for ch in report.checks if ch.required and ch.result == "FAIL"]
    if failed:
        c.output.note(f"{url}: not ready for Makini's webhooks ({summary}); failed: {'; '.join(failed)}")
        raise typer.Exit(report.exit_code)
    c.output.note(f"{url}: ready for Makini's webhooks ({summary})")


async def _run(url, key, events, schedule, timeout, slow_after, on_check):
    from ..webhooks import conformance

    return await conformance.run(url, key, events or None, retry_schedule=schedule, ack_timeout=timeout,
                                 slow_after=slow_after, on_check=on_check)


def _row(check) -> dict:
    return {"name": check.name, "result": check.result, "required": check.required,
            "duration_ms": check.duration_ms, "detail": check.detail}


def _live_table():
    """A Rich table that grows by one row as each check completes."""
    from rich import box
    from rich.live import Live
    from rich.table import Table
    from rich.text import Text

    c = ctx()
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for col in _columns():
        table.add_column(col.title, overflow="fold", justify=col.justify)
    live = Live(table, console=c.output.console(), auto_refresh=False, transient=False)

    def on_check(check) -> None:
        style = COLOURS.get(check.result, "") if c.output.color else ""
        table.add_row(check.name, Text(check.result, style=style), _ms(check.duration_ms), check.detail)
        live.refresh()

    return live, on_check


def _split(values: list[str] | None) -> list[str]:
    """`--event a --event b` and `--event a,b` alike."""
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]
