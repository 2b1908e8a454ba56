"""`makini connections reconnect`."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = ("Print the Makini Link URL that reconnects a connection's customer. Makini "
        "has no reconnect API: the customer goes through Makini Link again, which creates a NEW "
        "connection with a new token (disconnect the old one afterwards). Client id and redirect "
        "come from the profile (`link_redirect`) or `GET /api/system/client`." + examples(
            "makini connections reconnect 09000207611898",
            "makini connections reconnect 09000207611898 --open",
            "makini config set link_redirect https://app.example.com/makini/callback"))


def reconnect(
    connection_id: str = typer.Argument(..., help="Connection id."),
    open_: bool = typer.Option(False, "--open", help="Open the URL in a browser."),
) -> None:
    from ...api import connections as api
    from ...errors import ConfigError

    c = ctx()

    async def work(client):
        conn = await api.get_connection(client, connection_id)
        url = await api.link_for(client, redirect=c.settings.get("link_redirect"),
                                 client_id=c.app_credentials()[0].value)
        return conn, url

    conn, url = c.run(work)
    if not url:
        raise ConfigError("cannot build the Makini Link URL: no client id",
                          hint="log in with `makini auth login --client-id ID`")
    c.output.info(f"Send this link to {conn.name or connection_id} ({conn.email or 'no email'}). Reconnecting "
                  "creates a new connection with a new token; disconnect the old one once it is live.")
    if c.output.explicit or c.opts.query:
        c.output.emit({"id": connection_id, "name": conn.name, "email": conn.email, "url": url})
    else:
        c.output.value(url)
    if open_:
        import webbrowser  # only with --open: it pulls in subprocess, shutil…

        if not webbrowser.open(url):
            c.output.warn("could not open a browser; copy the URL above")
