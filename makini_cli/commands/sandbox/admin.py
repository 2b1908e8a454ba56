"""`makini sandbox info` and `makini sandbox reset`: the sandbox's own /_sandbox/ calls."""

from __future__ import annotations

import typer

from .._common import ctx, examples


INFO_HELP = ("Base URL, client id, client secret and database of the sandbox in use: the "
             "embedded one, or a served one given with --base-url." + examples(
             "makini sandbox info",
             "makini --base-url http://127.0.0.1:8765 sandbox info -o json | jq -r .client_secret"))


def info() -> None:
    ctx().output.emit(_call(ctx(), "GET", "/_sandbox/info"))


RESET_HELP = ("Rebuild the sandbox's data from a seed (the embedded database, or a served "
              "sandbox given with --base-url). Tokens and cached state from before stop working." + examples(
              "makini sandbox reset", "makini sandbox reset --seed 7 --pos-per-connection 500"))


def reset(
    seed: int = typer.Option(None, "--seed", help="Seed (default: the current one)."),
    pos_per_connection: int = typer.Option(None, "--pos-per-connection", min=0),
) -> None:
    body = {k: v for k, v in (("seed", seed), ("pos_per_connection", pos_per_connection)) if v is not None}
    result = _call(ctx(), "POST", "/_sandbox/reset", body)
    ctx().output.emit(result)


def _call(c, method: str, path: str, body: dict | None = None):
    """A /_sandbox/ call: the embedded sandbox unless --base-url (or the profile) names a served one."""
    from ...errors import UsageError
    from ...api.http import json_or_error

    if not c.settings.embedded and c.settings.values["base_url"].source == "default":
        # No base URL given anywhere: plain `makini sandbox info` means the embedded sandbox.
        from ...context import AppContext, GlobalOptions

        c = AppContext(GlobalOptions(sandbox=True, output=c.opts.output, query=c.opts.query,
                                     debug=c.opts.debug, no_color=c.opts.no_color))

    async def call(client):
        response = await client.http.send(method, path, json_body=body)
        if response.status_code == 404:
            raise UsageError(f"{c.settings.base_url} is not a makini sandbox (no {path})")
        data = json_or_error(response)
        return data.get("data", data) if isinstance(data, dict) else data

    result = c.run(call)
    if path.endswith("/reset"):
        c.token_cache().clear()  # the old data's tokens are gone with it
    if isinstance(result, dict):
        if c.settings.embedded:
            result["base_url"] = "embedded (in-process)"
            state = c.get_embedded_app().state.sandbox
            result["client_secret"] = state.client_secret
        else:
            from ...sandbox.seed import sandbox_credentials

            cid, secret = sandbox_credentials(int(result.get("seed", 42)))
            if result.get("client_id") == cid:
                result["client_secret"] = secret
    return result
