"""`makini auth token`: print a usable admin or connection token for other tools."""

from __future__ import annotations

import sys
from .._common import connection_option, ctx, examples


HELP = ("Print a usable token: the admin token, or with --connection that "
        "connection's token (minted and cached as needed). For scripts: keep it out of logs." + examples(
        "curl -H \"Authorization: Bearer $(makini auth token)\" https://api.makini.io/api/system/client",
        "makini auth token --connection 09000207611898"))


def token(connection: str = connection_option("Print this connection's token instead of the admin token.")) -> None:
    c = ctx()

    async def get(client):
        if connection:
            return await client.auth.connection_token(connection)
        if not client.auth.has_app_credentials and client.auth.static_token:
            return client.auth.static_token
        return await client.auth.admin_token()

    value = c.run(get)
    sys.stdout.write(value + "\n")
