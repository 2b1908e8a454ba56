"""`makini connections`: list, get, create, metadata, token, reconnect, disconnect, status, doctor,
errors, breaker, watch, history; one module per verb. Connection ids are Makini's `key`; output rows carry the same
value as `id` too, so `jq -r '.[].id'` works.

The options `status` shares with `syncs status` live in commands/_health.py (importing this
package builds the whole group)."""

from __future__ import annotations

import typer

from . import (breaker, create, disconnect, doctor, errors, get, history, metadata, platforms, reconnect, status,
               token, watch)
from . import list as list_

app = typer.Typer(help="Connections: list them, check their health, disconnect, reconnect, diagnose.",
                  no_args_is_help=True)

# In this order: `makini connections --help` lists the verbs as registered.
app.command("list", help=list_.HELP)(list_.list_connections)
app.command("get", help=get.HELP)(get.get)
app.command("create", help=create.HELP)(create.create)
app.command("metadata", help=metadata.HELP)(metadata.metadata_cmd)
app.command("token", help=token.HELP)(token.token)
app.command("reconnect", help=reconnect.HELP)(reconnect.reconnect)
app.command("disconnect", help=disconnect.HELP)(disconnect.disconnect)
app.command("status", help=status.HELP)(status.status)
app.command("watch", help=watch.HELP)(watch.watch)
app.command("history", help=history.HELP)(history.history)
app.command("doctor", help=doctor.HELP)(doctor.doctor)
app.command("errors", help=errors.HELP)(errors.errors)
app.command("breaker", help=breaker.HELP)(breaker.breaker_cmd)
app.command("platforms", help=platforms.HELP)(platforms.platforms)
