"""`makini syncs wait`: poll a connection's sync until it finishes, fails or times out."""

from __future__ import annotations

import typer

from .._common import ctx, examples, require_connection

TIMEOUT_EXIT = 124  # like timeout(1)
TERMINAL_OK = ("done", "fulldone")
TERMINAL_FAIL = ("error", "fail")

HELP = ("Wait until a connection's sync finishes: a spinner on a terminal, a line per "
        "change on stderr otherwise, the outcome on stdout. Without --new, a connection that is not "
        "syncing right now reports its last sync at once.\n\n"
        f"Exit codes: 0 the sync completed (done/fulldone), 3 it failed (error, or fail: credentials "
        f"invalid), {TIMEOUT_EXIT} timed out (like timeout(1)), 4 credentials refused, 1 other errors." + examples(
            "makini syncs wait 09000207611898",
            "makini syncs wait 09000207611898 --timeout 2h --interval 30s",
            "makini syncs wait 09000207611898 --new && makini po list -c 09000207611898"))


def wait(
    connection_id: str = typer.Argument(None, help="Connection id (default: the profile's)."),
    timeout: str = typer.Option("30m", "--timeout", "-t", help="Give up after this long (90s, 30m, 2h)."),
    interval: str = typer.Option("10s", "--interval", "-i", help="Time between checks."),
    new: bool = typer.Option(False, "--new", help="Wait for a sync that finishes after now (ignore the last one)."),
    force: bool = typer.Option(False, "--force", help="Call even if the circuit breaker is open."),
) -> None:
    from ...errors import UsageError
    from ...timeutil import parse_duration

    c = ctx()
    limit = parse_duration(timeout, "--timeout")
    every = parse_duration(interval, "--interval")
    if every <= 0:
        raise UsageError("--interval must be more than 0")
    cid = connection_id or require_connection(None)
    c.breaker_force = force
    result = c.run(lambda client: _wait(c, client, cid, limit, every, new))
    c.output.emit(result)
    code = {"completed": 0, "failed": 3, "timeout": TIMEOUT_EXIT}[result["result"]]
    if code:
        raise typer.Exit(code)


async def _wait(c, client, cid, limit: float, every: float, new: bool) -> dict:
    import asyncio
    import time

    from ...api import connections as api
    from ...connections.errorlog import now_iso
    from ...errors import MakiniError

    transient = {"network_error", "timeout", "server_error", "rate_limited", "circuit_open"}
    started = time.monotonic()
    spinner = _Spinner(c.output)
    first: tuple | None = None
    seen_running = False
    last_line = None
    integ = None
    try:
        while True:
            try:
                integ = await api.current(client, cid)
                state = (integ.sync_status or "").lower()
                line = f"sync {state or 'unknown'} (updated {integ.sync_updated_at or '?'})"
            except MakiniError as exc:
                if exc.code not in transient:
                    raise  # not found, refused, forbidden: waiting will not change it
                state, line = "", f"check failed: {exc.message} (will retry)"
            waited = time.monotonic() - started
            if line != last_line:
                spinner.change(f"{now_iso()} {cid or 'connection'}: {line}")
                last_line = line
            key = (state, integ.sync_updated_at if integ else None)
            first = first or (key if state else None)
            seen_running = seen_running or state == "inprogress"
            fresh = not new or seen_running or (first is not None and key != first)
            if state in TERMINAL_OK + TERMINAL_FAIL and fresh:
                outcome = "completed" if state in TERMINAL_OK else "failed"
                return _result(cid, integ, outcome, waited)
            if waited >= limit:
                return _result(cid, integ, "timeout", waited)
            spinner.tick(f"{cid or 'connection'}: {line} · {int(waited)}s of {int(limit)}s")
            await asyncio.sleep(max(0.0, min(every, limit - waited)))
    finally:
        spinner.stop()


def _result(cid, integ, outcome: str, waited: float) -> dict:
    return {"id": cid or (integ.id if integ else None), "result": outcome,
            "sync_status": integ.sync_status if integ else None,
            "sync_updated_at": integ.sync_updated_at if integ else None, "waited_seconds": round(waited, 1)}


class _Spinner:
    """A rich spinner on a terminal's stderr; otherwise one stderr line per change."""

    def __init__(self, output) -> None:
        self.output = output
        self.status = None
        if output.stderr_tty:
            self.status = output.console(output.stderr).status("waiting for the sync…")
            self.status.start()

    def change(self, line: str) -> None:
        if self.status is None:
            self.output.note(line)

    def tick(self, text: str) -> None:
        if self.status is not None:
            from ...output import inert
            from rich.text import Text

            self.status.update(Text(inert(text)))  # the server's status, never markup

    def stop(self) -> None:
        if self.status is not None:
            self.status.stop()
