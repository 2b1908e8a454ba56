"""`makini connections errors` and `makini connections breaker` (registered on the connections group)."""

from __future__ import annotations

import typer

from ._common import ctx, examples
from .connections import app


@app.command("errors", help="Errors logged for one connection (a JSON-lines log per connection in the user "
             "log dir, rotated by size): time, operation, HTTP status, code, message, request id." + examples(
                 "makini connections errors 09000207611898 --since 1h",
                 "makini connections errors 09000207611898 -o json --query '[].request_id'"))
def errors(
    connection_id: str = typer.Argument(..., help="Connection id."),
    since: str = typer.Option(None, "--since", help="Only errors newer than this: 30m, 1h, 2d, or an ISO time."),
    limit: int = typer.Option(None, "--limit", "-n", min=1, help="Only the newest N."),
) -> None:
    import time

    from ..connlog import ConnectionLog
    from ..output import Column, relative_time

    c = ctx()
    cutoff = _since(since, time.time()) if since else None
    entries = list(ConnectionLog().read(connection_id, since=cutoff))
    if limit:
        entries = entries[-limit:]
    c.output.emit(entries, columns=[Column("time", "TIME", fmt=relative_time), Column("operation", "OPERATION"),
                                    Column("status", "STATUS"), Column("code", "CODE"), Column("message", "MESSAGE"),
                                    Column("request_id", "REQUEST ID")])


def _since(text: str, now: float) -> float:
    from ..output import parse_time
    from ._common import parse_duration

    when = parse_time(text)
    return when.timestamp() if when else now - parse_duration(text, "--since")


@app.command("breaker", help="Circuit breaker states (per connection, shared by every makini process of "
             "this user); --reset closes one. Tune with MAKINI_BREAKER_THRESHOLD (failures, default 5, 0 "
             "turns it off) and MAKINI_BREAKER_COOLDOWN (default 120s)." + examples(
                 "makini connections breaker", "makini connections breaker --reset 09000207611898"))
def breaker_cmd(
    connection_ids: list[str] = typer.Argument(None, help="Only these connections."),
    reset: bool = typer.Option(False, "--reset", help="Close the breakers of the given connections."),
) -> None:
    from ..api.errors import UsageError
    from ..breaker import Breaker
    from ..output import Column

    c = ctx()
    b = Breaker()
    if reset:
        if not connection_ids:
            raise UsageError("--reset needs connection ids")
        for cid in connection_ids:
            c.output.note(f"{cid}: breaker {'closed' if b.reset(cid) else 'was already closed'}")
        return
    rows = [b.view(cid) for cid in connection_ids] if connection_ids else b.all()
    c.output.emit(rows, columns=[Column("connection", "CONNECTION"), Column("state", "STATE"),
                                 Column("failures", "FAILURES"), Column("open_until", "OPEN UNTIL"),
                                 Column("last_error.message", "LAST ERROR")])
