"""`makini connections get`."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = "One connection in full, its metadata included." + examples(
    "makini connections get 09000207611898", "makini connections get 09000207611898 -o json")


def get(connection_id: str = typer.Argument(..., help="Connection id.")) -> None:
    from ...api import connections as api

    c = ctx()

    async def work(client):
        conn = await api.get_connection(client, connection_id)
        row = conn.row()
        row["metadata"] = await api.metadata(client, connection_id)
        return row

    c.output.emit(c.run(work))
