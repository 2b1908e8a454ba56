"""`makini auth status`: which credentials are in use, and where each value came from."""

from __future__ import annotations

import typer

from .._common import ctx, examples


HELP = ("Show the profile, base URL and which credentials are in use, where "
        "each value came from and where each secret lives (the credentials file, the OS keyring or "
        "the environment). Exits 4 when not logged in." + examples(
        "makini auth status", "makini auth status -o json | jq .client_secret"))


def status() -> None:
    from ...config import display_url
    from ...keyring_store import location

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
        "client_secret_location": _where(c, secret, "client_secret", location) if secret else None,
        "connection_token": "set" if token else "not set",
        "connection_token_source": token.source if token else None,
        "connection_token_location": _where(c, token, "token", location) if token else None,
        "credential_store": s.get("credential_store") or "file",
        "credential_store_source": s.values["credential_store"].source,
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


def _where(c, secret, name: str, location) -> str | None:
    store = c.credentials
    if hasattr(store, "where"):
        return store.where(c.profile, secret, name)
    return location(secret, store.path, name)


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    from ...timeutil import format_rfc3339

    return format_rfc3339(ts, timespec="auto")
