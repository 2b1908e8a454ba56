"""`makini syncs`: sync status of connections, and waiting for a sync to finish.

Makini has no sync trigger or schedule API (makini-api.md): sync state is read from
`/api/integrations/current` with each connection's own token.
"""

from __future__ import annotations

import typer

from . import status, wait

app = typer.Typer(help="Sync status of connections; wait for a sync to finish.", no_args_is_help=True)

app.command("status", help=status.HELP)(status.status)
app.command("wait", help=wait.HELP)(wait.wait)
