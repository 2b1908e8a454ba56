"""`makini connections`: list, get, create, metadata, token, reconnect.

Health (`status`, `doctor`) lives in _conn_health.py, `disconnect` in _conn_disconnect.py and
`errors`/`breaker` in _conn_logs.py; they register on this group's `app`. Connection ids are Makini's `key`; output rows carry the
same value as `id` too, so `jq -r '.[].id'` works.
"""

from __future__ import annotations

import typer

from ._common import ctx, examples

app = typer.Typer(help="Connections: list them, check their health, disconnect, reconnect, diagnose.",
                  no_args_is_help=True)




def list_columns(with_sync: bool = False):
    from ..output import Column, relative_time

    cols = [Column("id", "ID"), Column("name", "NAME"), Column("system", "SYSTEM"), Column("status", "STATUS"),
            Column("connected_at", "CONNECTED", fmt=relative_time)]
    if with_sync:
        cols += [Column("sync_status", "SYNC"), Column("last_sync", "LAST SYNC", fmt=relative_time)]
    return cols + [Column("tags", "TAGS")]


@app.command("list", help="Every connection of the application (admin token), all pages. Filters compare "
             "case-insensitively; --system matches the system's name, part of it, or its provider slug. "
             "JSON rows have `id` (the spec's `key`, also present)." + examples(
                 "makini connections list",
                 "makini connections list --status inactive --status pending",
                 "makini connections list --system maximo --tag production -o csv",
                 "makini connections list -o json | jq -r '.[].id' | makini connections status -"))
def list_connections(
    status: list[str] = typer.Option(None, "--status", help="Keep this status (repeatable): Active, Inactive, Pending…"),
    system: list[str] = typer.Option(None, "--system", help="Keep this system (repeatable): name, part of it, or provider slug."),
    tag: list[str] = typer.Option(None, "--tag", help="Keep connections with this tag (repeatable: all must match)."),
    sync: bool = typer.Option(False, "--sync", help="Also read each connection's sync status and last sync "
                              "(one call per connection with its own token)."),
    concurrency: int = typer.Option(20, "--concurrency", "-j", min=1, max=200, help="Calls in flight with --sync."),
) -> None:
    from .. import health

    c = ctx()
    statuses = {health.norm_status(s) for s in status or []}
    tags = [t.lower() for t in tag or []]
    systems = [s.lower() for s in system or []]

    async def work(client):
        from ..api import connections as api

        slugs: dict[str, str] = {}
        if systems:  # provider slugs name systems too; the admin list only carries the name
            slugs = {(p.provider or "").lower(): (p.name or "").lower() for p in await api.platforms(client)}
        rows = []
        async for item in api.iter_connections(client):
            conn = api.Connection.model_validate(item)
            if statuses and health.norm_status(conn.status) not in statuses:
                continue
            name = (conn.integration_name or "").lower()
            if systems and not any(s == name or s in name or slugs.get(s) == name for s in systems):
                continue
            if tags and not all(t in {x.lower() for x in conn.tags} for t in tags):
                continue
            rows.append(conn.row())
        if sync and rows:
            await _add_sync(client, rows, concurrency)
        return rows

    rows = c.run(work)
    c.output.emit(rows, columns=list_columns(sync))


async def _add_sync(client, rows, concurrency: int) -> None:
    from ..api import connections as api
    from ..api.errors import MakiniError
    from ..healthcheck import batch_tokens, bounded

    batch_tokens(client)

    async def one(row):
        try:
            integ = await api.current(client, row["id"])
            row.update(sync_status=integ.sync_status, last_sync=integ.sync_updated_at)
        except MakiniError as exc:
            row.update(sync_status=None, sync_error=exc.message)

    await bounded(rows, one, concurrency)


@app.command("get", help="One connection in full, its metadata included." + examples(
    "makini connections get 09000207611898", "makini connections get 09000207611898 -o json"))
def get(connection_id: str = typer.Argument(..., help="Connection id.")) -> None:
    c = ctx()

    async def work(client):
        from ..api import connections as api

        conn = await api.get_connection(client, connection_id)
        row = conn.row()
        row["metadata"] = await api.metadata(client, connection_id)
        return row

    c.output.emit(c.run(work))


@app.command("create", help="Create a connection from platform credentials (a JSON object read from a file or "
             "stdin, never from the command line). Prints the new id; its token goes to the token cache, not "
             "to stdout, unless --show-token." + examples(
                 "makini connections create --provider upkeep --name 'Acme' --email it@acme.example --credentials-file creds.json",
                 "pass show makini/acme | makini connections create --provider inextia --name Acme --email a@b.example --credentials-file -"))
def create(
    provider: str = typer.Option(..., "--provider", help="Platform slug (see `makini api GET /api/system/platforms`)."),
    name: str = typer.Option(..., "--name", help="The customer's name."),
    email: str = typer.Option(..., "--email", help="The customer's contact email."),
    credentials_file: str = typer.Option(..., "--credentials-file", help="JSON object with the platform "
                                         "credentials: a file, or - for stdin."),
    metadata: list[str] = typer.Option(None, "--set", help="key=value metadata to attach (repeatable)."),
    show_token: bool = typer.Option(False, "--show-token", help="Also print the new connection token."),
) -> None:
    from ..api.errors import UsageError
    from ._common import parse_key_values, read_json

    c = ctx()
    creds = read_json(credentials_file, "--credentials-file")
    if not isinstance(creds, dict):
        raise UsageError("--credentials-file: expected a JSON object of platform credentials")
    pairs = parse_key_values(metadata, "--set")

    async def work(client):
        from ..api import connections as api

        new_id, token = await api.create(client, name=name, email=email, provider=provider, credentials=creds)
        if pairs:
            await api.set_metadata(client, new_id, pairs)
        return new_id, token

    new_id, token = c.run(work)
    c.output.info(f"Created connection {new_id} ({name}); its token is cached for later commands.")
    if c.output.explicit or c.opts.query:
        row = {"id": new_id, "key": new_id, "name": name, "provider": provider, "email": email}
        if show_token:
            row.update(access_token=token.access_token, expires_at=token.expires_at)
        c.output.emit(row)
        return
    typer.echo(new_id)
    if show_token:
        typer.echo(token.access_token)


@app.command("metadata", help="Show a connection's key/value metadata; --set adds or changes pairs "
             "(an empty value, key=, removes the key)." + examples(
                 "makini connections metadata 09000207611898",
                 "makini connections metadata 09000207611898 --set crm_id=ACME-42 --set tier=gold"))
def metadata_cmd(
    connection_id: str = typer.Argument(..., help="Connection id."),
    set_: list[str] = typer.Option(None, "--set", help="key=value to store (repeatable); key= removes it."),
) -> None:
    from ._common import parse_key_values

    c = ctx()
    pairs = {k: (v if v != "" else None) for k, v in parse_key_values(set_, "--set").items()}

    async def work(client):
        from ..api import connections as api

        if pairs:
            await api.set_metadata(client, connection_id, pairs)
        return await api.metadata(client, connection_id)

    meta = c.run(work)
    if c.output.format in ("table", "csv"):
        from ..output import Column

        c.output.emit([{"key": k, "value": v} for k, v in meta.items()],
                      columns=[Column("key", "KEY"), Column("value", "VALUE")])
    else:
        c.output.emit(meta)


@app.command("token", help="Mint a fresh connection token (admin API) and print it; it is also cached "
             "for later commands. -o json adds its expiry." + examples(
                 "makini connections token 09000207611898",
                 "TOKEN=$(makini connections token 09000207611898)"))
def token(connection_id: str = typer.Argument(..., help="Connection id.")) -> None:
    c = ctx()

    async def work(client):
        from ..api import connections as api

        return await api.mint(client, connection_id)

    tok = c.run(work)
    if c.output.explicit or c.opts.query:
        from ..breaker import iso

        c.output.emit({"id": connection_id, "access_token": tok.access_token,
                       "expires_at": iso(tok.expires_at)})
    else:
        typer.echo(tok.access_token)


@app.command("reconnect", help="Print the Makini Link URL that reconnects a connection's customer. Makini "
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
    from ..api.errors import ConfigError

    c = ctx()

    async def work(client):
        from ..api import connections as api

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
        typer.echo(url)
    if open_:
        import webbrowser

        if not webbrowser.open(url):
            c.output.warn("could not open a browser; copy the URL above")


# status/doctor, disconnect and errors/breaker register their commands on `app` (imported for that effect).
from . import _conn_disconnect, _conn_health, _conn_logs  # noqa: E402,F401
