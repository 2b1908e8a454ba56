"""`makini connections metadata`."""

from __future__ import annotations

import typer

from .._common import ctx, examples, parse_key_values

HELP = ("Show a connection's key/value metadata; --set adds or changes pairs "
        "(an empty value, key=, removes the key)." + examples(
            "makini connections metadata 09000207611898",
            "makini connections metadata 09000207611898 --set crm_id=ACME-42 --set tier=gold"))


def metadata_cmd(
    connection_id: str = typer.Argument(..., help="Connection id."),
    set_: list[str] = typer.Option(None, "--set", help="key=value to store (repeatable); key= removes it."),
) -> None:
    from ...api import connections as api
    from ...output import Column

    c = ctx()
    pairs = {k: (v if v != "" else None) for k, v in parse_key_values(set_, "--set").items()}

    async def work(client):
        if pairs:
            await api.set_metadata(client, connection_id, pairs)
        return await api.metadata(client, connection_id)

    meta = c.run(work)
    if c.output.format in ("table", "csv"):
        c.output.emit([{"key": k, "value": v} for k, v in meta.items()],
                      columns=[Column("key", "KEY"), Column("value", "VALUE")])
    else:
        c.output.emit(meta)
