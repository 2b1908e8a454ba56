"""`makini auth login`: save and verify application credentials, or a single connection token."""

from __future__ import annotations

import sys

import typer

from .._common import ctx, examples


HELP = ("Save and verify credentials for the current profile. The secret is read "
        "from a hidden prompt or stdin, never from the command line. It is kept in credentials.toml "
        "(0600), or with --store keyring in the OS keyring (needs `pip install 'makini-cli[keyring]'`; "
        "the choice is saved as the profile's credential_store setting; with no usable keyring the "
        "file is used, with a warning)." + examples(
        "makini auth login --client-id 9f2c…",
        "printf '%s' \"$SECRET\" | makini auth login --client-id 9f2c… --client-secret-stdin",
        "makini auth login --client-id 9f2c… --store keyring",
        "makini auth login --with-token < token.txt"))


def login(
    client_id: str = typer.Option(None, "--client-id", help="The application's client id (dashboard: Settings > Application Settings)."),
    client_secret_stdin: bool = typer.Option(False, "--client-secret-stdin", help="Read the client secret from stdin."),
    with_token: bool = typer.Option(False, "--with-token", help="Read a single connection token from stdin instead."),
    store: str = typer.Option(None, "--store", help="Where to keep the secret: file (default) or keyring "
                              "(the OS keyring). Saved as the profile's credential_store."),
) -> None:
    from ...errors import UsageError
    from ...config import CREDENTIAL_STORES, ConfigFile

    c = ctx()
    if store is not None and store not in CREDENTIAL_STORES:
        raise UsageError(f"bad --store {store!r}", hint="use file (credentials.toml, 0600) or keyring (the OS keyring)")
    if with_token:
        token = _read_secret_stdin("connection token")
        c.credentials.update(c.profile, token=None)  # verify the new one, not an old one
        import os

        os.environ["MAKINI_TOKEN"] = token  # the client below uses exactly this token

        async def whoami(client):
            return await client.data("GET", "/api/integrations/current")

        info = c.run(whoami)
        _save_secret(c, store, token=token)
        _save_base_url(c)
        name = (info or {}).get("company_name") or (info or {}).get("id") or "the connection"
        c.output.note(f"Logged in to {name} with a connection token (profile {c.profile}).")
        return
    if not client_id:
        client_id = c.settings.get("client_id")
    if not client_id:
        raise UsageError("--client-id is required", hint="find it in the Makini dashboard: Settings > Application Settings")
    if client_secret_stdin:
        secret = _read_secret_stdin("client secret")
    elif sys.stdin.isatty() and sys.stderr.isatty():
        secret = typer.prompt("Client secret", hide_input=True, err=True).strip()
    else:
        raise UsageError("no client secret: stdin is not a terminal",
                         hint="pipe it in with --client-secret-stdin")
    if not secret:
        raise UsageError("the client secret is empty")
    from ...api.auth import Auth

    async def verify(_client):
        http = _client.http
        auth = Auth(http, client_id=client_id, client_secret=secret, cache=c.token_cache())
        await auth.verify_app_credentials()

    c.run(verify)
    config = ConfigFile()
    config.set(c.profile, "client_id", client_id)
    if c.opts.base_url:
        config.set(c.profile, "base_url", c.opts.base_url)
    config.save()
    _save_secret(c, store, client_secret=secret)
    c.output.note(f"Logged in as application {client_id} (profile {c.profile}).")


def _save_secret(c, store: str | None, **secret: str) -> None:
    """Save the verified secret in the store asked for (else the profile's), and remember the
    choice. A keyring that cannot be used leaves the secret in the file (with a warning)."""
    from ...config import ConfigFile
    from ...credentials import CredentialStore

    chosen = store or c.settings.get("credential_store") or "file"
    if chosen == "keyring":
        from ...keyring_store import KeyringCredentialStore

        target = KeyringCredentialStore(warn=c.output.warn)
        if target.ring() is None:
            chosen = "file"  # the fallback: the warning said why
    else:
        target = CredentialStore(warn=c.output.warn)
        if store == "file":  # leaving the keyring: take the secret out of it too
            _forget_in_keyring(c, *secret)
    target.update(c.profile, **secret)
    if store is not None or chosen != (c.settings.get("credential_store") or "file"):
        config = ConfigFile()
        if chosen == "file":
            config.unset(c.profile, "credential_store")
        else:
            config.set(c.profile, "credential_store", chosen)
        config.save()
    where = (target.ring().where(c.profile, next(iter(secret))) if chosen == "keyring"
             else str(target.path))
    c.output.info(f"The secret is kept in {where}.")


def _forget_in_keyring(c, *names: str) -> None:
    if c.settings.get("credential_store") != "keyring":
        return  # never used: do not pay for the keyring library
    from ...keyring_store import Keyring, KeyringUnavailable

    try:
        ring = Keyring()
        for name in names:
            ring.delete(c.profile, name)
    except KeyringUnavailable:
        pass


def _save_base_url(c) -> None:
    if c.opts.base_url:
        from ...config import ConfigFile

        config = ConfigFile()
        config.set(c.profile, "base_url", c.opts.base_url)
        config.save()


def _read_secret_stdin(what: str) -> str:
    from ...errors import UsageError

    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(f"expected the {what} on stdin", hint=f"pipe it in: makini auth login … < {what.replace(' ', '-')}.txt")
    value = sys.stdin.read().strip()
    if not value:
        raise UsageError(f"the {what} on stdin is empty")
    if any(ch.isspace() for ch in value):
        raise UsageError(f"the {what} on stdin contains whitespace", hint="give exactly one value")
    return value
