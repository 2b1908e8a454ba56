"""`makini connections breaker`: show or reset circuit breakers (makini_cli/connections/breaker.py)."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = ("Circuit breaker states (per connection, shared by every makini process of "
        "this user); --reset closes one. Tune with MAKINI_BREAKER_THRESHOLD (failures, default 5, 0 "
        "turns it off) and MAKINI_BREAKER_COOLDOWN (default 120s)." + examples(
            "makini connections breaker", "makini connections breaker --reset 09000207611898"))


def breaker_cmd(
    connection_ids: list[str] = typer.Argument(None, help="Only these connections."),
    reset: bool = typer.Option(False, "--reset", help="Close the breakers of the given connections."),
) -> None:
    from ...connections.breaker import Breaker
    from ...errors import UsageError
    from ...output import Column

    c = ctx()
    b = Breaker()
    if reset:
        if not connection_ids:
            raise UsageError("--reset needs connection ids")
        for cid in connection_ids:
            c.output.note(f"{cid}: breaker {'closed' if b.reset(cid) else 'was already closed'}")
        return
    rows = [b.view(cid) for cid in connection_ids] if connection_ids else b.all()
    c.output.emit(rows, columns=[Column("connection", "CONNECTION", priority=100), Column("state", "STATE", priority=90),
                                 Column("failures", "FAILURES", priority=50), Column("open_until", "OPEN UNTIL", priority=60),
                                 Column("last_error.message", "LAST ERROR", kind="text", priority=40)])
