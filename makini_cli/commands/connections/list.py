"""`makini connections list`."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = ("Every connection of the application (admin token), all pages. Filters compare "
        "case-insensitively; --system matches the system's name, part of it, or its provider slug. "
        "JSON rows have `id` (the spec's `key`, also present); `last_sync` and `sync_status` only with "
        "--sync, which reads them from each connection." + examples(
            "makini connections list",
            "makini connections list --status inactive --status pending",
            "makini connections list --system maximo --tag production -o csv",
            "makini connections list -o json | jq -r '.[].id' | makini connections status -"))


def list_columns(with_sync: bool = False):
    from ...output import Column, relative_time

    cols = [Column("id", "ID", priority=100), Column("name", "NAME", kind="text", priority=80),
            Column("system", "SYSTEM", kind="text", priority=60), Column("status", "STATUS", priority=90),
            Column("connected_at", "CONNECTED", fmt=relative_time, priority=40)]
    if with_sync:
        cols += [Column("sync_status", "SYNC", priority=70),
                 Column("last_sync", "LAST SYNC", fmt=relative_time, priority=50)]
    return cols + [Column("tags", "TAGS", kind="text", priority=30)]


def list_connections(
    status: list[str] = typer.Option(None, "--status", help="Keep this status (repeatable): Active, Inactive, Pending…"),
    system: list[str] = typer.Option(None, "--system", help="Keep this system (repeatable): name, part of it, or provider slug."),
    tag: list[str] = typer.Option(None, "--tag", help="Keep connections with this tag (repeatable: all must match)."),
    sync: bool = typer.Option(False, "--sync", help="Also read each connection's sync status and last sync "
                              "(one call per connection with its own token)."),
    concurrency: int = typer.Option(20, "--concurrency", "-j", min=1, max=200, help="Calls in flight with --sync."),
) -> None:
    from ...api import connections as api
    from ...connections import health

    c = ctx()
    statuses = {health.norm_status(s) for s in status or []}
    tags = [t.lower() for t in tag or []]
    systems = [s.lower() for s in system or []]

    async def work(client):
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
            row = conn.row()
            if not sync and row.get("last_sync") is None:
                # unknown without --sync: a null would read like "never synced"
                row.pop("last_sync", None)
            rows.append(row)
        if sync and rows:
            await _add_sync(client, rows, concurrency)
        return rows

    rows = c.run(work)
    c.output.emit(rows, columns=list_columns(sync))


async def _add_sync(client, rows, concurrency: int) -> None:
    from ...api import connections as api
    from ...connections.checker import batch_tokens, bounded
    from ...errors import MakiniError

    batch_tokens(client)

    async def one(row):
        try:
            integ = await api.current(client, row["id"])
            row.update(sync_status=integ.sync_status, last_sync=integ.sync_updated_at)
        except MakiniError as exc:
            row.update(sync_status=None, sync_error=exc.message)

    await bounded(rows, one, concurrency)
