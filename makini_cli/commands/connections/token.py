"""`makini connections token`."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = ("Mint a fresh connection token (admin API) and print it; it is also cached "
        "for later commands. -o json adds its expiry." + examples(
            "makini connections token 09000207611898",
            "TOKEN=$(makini connections token 09000207611898)"))


def token(connection_id: str = typer.Argument(..., help="Connection id.")) -> None:
    from ...api import connections as api
    from ...connections.breaker import iso

    c = ctx()

    async def work(client):
        return await api.mint(client, connection_id)

    tok = c.run(work)
    if c.output.explicit or c.opts.query:
        c.output.emit({"id": connection_id, "access_token": tok.access_token,
                       "expires_at": iso(tok.expires_at)})
    else:
        c.output.value(tok.access_token)
