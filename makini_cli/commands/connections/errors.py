"""`makini connections errors`: the per-connection error log (makini_cli/connections/errorlog.py)."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = ("Errors logged for one connection (a JSON-lines log per connection in the user "
        "log dir, rotated by size): time, operation, HTTP status, code, message, request id." + examples(
            "makini connections errors 09000207611898 --since 1h",
            "makini connections errors 09000207611898 -o json --query '[].request_id'"))


def errors(
    connection_id: str = typer.Argument(..., help="Connection id."),
    since: str = typer.Option(None, "--since", help="Only errors newer than this: 30m, 1h, 2d, or an ISO time."),
    limit: int = typer.Option(None, "--limit", "-n", min=1, help="Only the newest N."),
) -> None:
    import time

    from ...connections.errorlog import ConnectionLog
    from ...output import Column, relative_time

    c = ctx()
    cutoff = _since(since, time.time()) if since else None
    entries = list(ConnectionLog().read(connection_id, since=cutoff))
    if limit:
        entries = entries[-limit:]
    c.output.emit(entries, columns=[Column("time", "TIME", fmt=relative_time, priority=60),
                                    Column("operation", "OPERATION", kind="text", priority=50),
                                    Column("status", "STATUS", priority=80), Column("code", "CODE", priority=70),
                                    Column("message", "MESSAGE", kind="text", priority=40),
                                    Column("request_id", "REQUEST ID", priority=90)])


def _since(text: str, now: float) -> float:
    from ...output import parse_time
    from ...timeutil import parse_duration

    when = parse_time(text)
    return when.timestamp() if when else now - parse_duration(text, "--since")
