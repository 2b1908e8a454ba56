"""`makini connections create`."""

from __future__ import annotations

import typer

from .._common import ctx, examples, parse_key_values, read_json

HELP = ("Create a connection from platform credentials (a JSON object read from a file or "
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
    from ...api import connections as api
    from ...errors import UsageError

    c = ctx()
    creds = read_json(credentials_file, "--credentials-file")
    if not isinstance(creds, dict):
        raise UsageError("--credentials-file: expected a JSON object of platform credentials")
    pairs = parse_key_values(metadata, "--set")

    async def work(client):
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
    c.output.value(new_id)
    if show_token:
        c.output.value(token.access_token)
