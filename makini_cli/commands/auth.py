"""`makini auth`: log in with application credentials or a single connection token, see status."""

from __future__ import annotations

import sys

import typer

from ._common import connection_option, ctx, examples

app = typer.Typer(help="Log in, see where credentials come from, print tokens for scripts.",
                  no_args_is_help=True)


@app.command("login", help="Save and verify credentials for the current profile. The secret is read "
             "from a hidden prompt or stdin, never from the command line." + examples(
                 "makini auth login --client-id 9f2c…",
                 "printf '%s' \"$SECRET\" | makini auth login --client-id 9f2c… --client-secret-stdin",
                 "makini auth login --with-token < token.txt"))
def login(
    client_id: str = typer.Option(None, "--client-id", help="The application's client id (dashboard: Settings > Application Settings)."),
    client_secret_stdin: bool = typer.Option(False, "--client-secret-stdin", help="Read the client secret from stdin."),
    with_token: bool = typer.Option(False, "--with-token", help="Read a single connection token from stdin instead."),
) -> None:
    from ..api.errors import UsageError
    from ..config import ConfigFile

    c = ctx()
    if with_token:
        token = _read_secret_stdin("connection token")
        c.credentials.update(c.profile, token=None)  # verify the new one, not an old one
        import os

        os.environ["MAKINI_TOKEN"] = token  # the client below uses exactly this token

        async def whoami(client):
            return await client.data("GET", "/api/integrations/current")

        info = c.run(whoami)
        c.credentials.update(c.profile, token=token)
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
    from ..api.auth import Auth

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
    c.credentials.update(c.profile, client_secret=secret)
    c.output.note(f"Logged in as application {client_id} (profile {c.profile}).")


def _save_base_url(c) -> None:
    if c.opts.base_url:
        from ..config import ConfigFile

        config = ConfigFile()
        config.set(c.profile, "base_url", c.opts.base_url)
        config.save()


def _read_secret_stdin(what: str) -> str:
    from ..api.errors import UsageError

    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(f"expected the {what} on stdin", hint=f"pipe it in: makini auth login … < {what.replace(' ', '-')}.txt")
    value = sys.stdin.read().strip()
    if not value:
        raise UsageError(f"the {what} on stdin is empty")
    if any(ch.isspace() for ch in value):
        raise UsageError(f"the {what} on stdin contains whitespace", hint="give exactly one value")
    return value


@app.command("status", help="Show the profile, base URL and which credentials are in use, and where "
             "each value came from. Exits 4 when not logged in." + examples(
                 "makini auth status", "makini auth status -o json | jq .client_secret"))
def status() -> None:
    from ..config import display_url

    c = ctx()
    s = c.settings
    client_id, secret = c.app_credentials()
    token = c.credentials.connection_token(c.profile)
    cache = c.token_cache()
    admin = cache.get("admin")
    out = {
        "profile": s.profile,
        "profile_source": s.profile_source,
        "base_url": display_url(s.base_url),
        "base_url_source": s.values["base_url"].source,
        "client_id": client_id.value,
        "client_id_source": client_id.source if client_id else None,
        "client_secret": "set" if secret else "not set",
        "client_secret_source": secret.source if secret else None,
        "connection_token": "set" if token else "not set",
        "connection_token_source": token.source if token else None,
        "default_connection": s.get("connection"),
        "admin_token_expires_at": _iso(admin.expires_at) if admin else None,
        "admin_token_valid": bool(admin and admin.fresh(0)) if admin else False,
        "cached_connection_tokens": len([k for k in cache.slots() if k.startswith("connection:")]),
        "logged_in": bool((client_id and secret) or token),
    }
    c.output.emit(out)
    if not out["logged_in"]:
        c.output.note("Not logged in: run `makini auth login --client-id ID`, set MAKINI_CLIENT_ID and "
                      "MAKINI_CLIENT_SECRET, or set MAKINI_TOKEN.")
        raise typer.Exit(4)


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ts, timezone.utc).isoformat().replace("+00:00", "Z")


@app.command("logout", help="Forget the profile's client secret, connection token and cached tokens." + examples(
    "makini auth logout", "makini --profile staging auth logout"))
def logout() -> None:
    c = ctx()
    removed = c.credentials.remove_profile(c.profile)
    c.token_cache().clear()
    c.output.note(f"Logged out of profile {c.profile}." if removed else
                  f"Profile {c.profile} had no saved credentials; cached tokens cleared.")


@app.command("token", help="Print a usable token: the admin token, or with --connection that "
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
