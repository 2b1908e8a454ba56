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
    provider: str = typer.Option(..., "--provider", metavar="SLUG",
                                 help="Platform slug, e.g. sap_s4hana (see `makini connections platforms`)."),
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
        await _check_provider(client, provider)
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


async def _check_provider(client, provider: str) -> None:
    """An unknown slug is refused before anything is sent, naming the slug that was meant.
    If the list cannot be read, Makini itself judges the slug."""
    from ...api import connections as api
    from ...connections.platforms import unknown_message
    from ...errors import AuthFailed, MakiniError, UsageError

    try:
        known = await api.platforms(client)
    except AuthFailed:
        raise
    except MakiniError:
        return
    if known and provider not in {p.provider for p in known}:
        message, hint = unknown_message(provider, known)
        raise UsageError(message, hint=hint)
