"""`makini sandbox`: serve the local Makini over HTTP, show its credentials, rebuild its data.

The sandbox's client id and secret are not secrets: they are derived from the seed and printed
on purpose, so scripts and tests can log in to a served sandbox.
"""

from __future__ import annotations

import sys

import typer

from ._common import ctx, examples

app = typer.Typer(help="The local Makini sandbox: serve it, show its credentials, rebuild its data.",
                  no_args_is_help=True)


@app.command("serve", help="Serve the sandbox over HTTP (uvicorn, loopback by default) until Ctrl-C or "
             "SIGTERM. Prints the base URL and credentials, then a ready line." + examples(
                 "makini sandbox serve",
                 "makini sandbox serve --port 9000 --db :memory: --pos-per-connection 100000",
                 "makini sandbox serve --webhook-url http://127.0.0.1:8080/hooks --webhook-secret s3cr3t",
                 "makini --base-url http://127.0.0.1:8765 --sandbox connections status"))
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; loopback unless you say otherwise."),
    port: int = typer.Option(8765, "--port", help="Port (0 picks a free one)."),
    db: str = typer.Option(None, "--db", help="SQLite file, or :memory:. Default: the embedded sandbox's file."),
    seed: int = typer.Option(42, "--seed", help="Seed for the generated data (on a new database)."),
    pos_per_connection: int = typer.Option(40, "--pos-per-connection", min=0,
                                           help="Purchase orders per connection (on a new database)."),
    time_factor: float = typer.Option(1.0, "--time-factor", min=0.0,
                                      help="Clock speed: syncs and webhook retries run this many times faster."),
    webhook_url: str = typer.Option(None, "--webhook-url", help="Deliver webhooks to this URL."),
    webhook_secret: str = typer.Option(None, "--webhook-secret", envvar="MAKINI_WEBHOOK_SECRET",
                                       help="Secret that signs deliveries (env MAKINI_WEBHOOK_SECRET).", show_envvar=False),
) -> None:
    import json

    from .. import paths
    from ..api.errors import UsageError
    from ..api.http import is_loopback
    from ..sandbox.app import create_app
    from ..sandbox.server import serve as run_server

    c = ctx()
    if not (0 <= port <= 65535):
        raise UsageError(f"bad --port {port}: expected 0-65535")
    if webhook_url and not webhook_url.startswith(("http://", "https://")):
        raise UsageError(f"bad --webhook-url {webhook_url!r}: expected http:// or https://")
    if not is_loopback(host):
        c.output.warn(f"binding {host}: the sandbox is reachable from other machines on this network")
    db_path = db or str(paths.sandbox_db())
    if db_path != ":memory:":
        paths.data_dir().mkdir(parents=True, exist_ok=True)
    try:
        application = create_app(db_path, seed=seed, pos_per_connection=pos_per_connection,
                                 time_factor=time_factor, webhook_url=webhook_url, webhook_secret=webhook_secret)
    except OSError as exc:
        raise UsageError(f"cannot open the sandbox database {db_path}: {exc.strerror or exc}") from None
    state = application.state.sandbox

    def ready(base_url: str) -> None:
        info = {"event": "ready", "base_url": base_url, "client_id": state.client_id,
                "client_secret": state.client_secret, "db": db_path}
        if c.output.stdout_tty:
            sys.stderr.write(
                f"Makini sandbox serving {base_url}\n"
                f"  client id      {state.client_id}\n  client secret  {state.client_secret}\n"
                f"  database       {db_path}\n"
                f"  log in:        makini --base-url {base_url} --sandbox connections list\n"
                "Ready. Ctrl-C stops it.\n")
        else:
            sys.stdout.write(json.dumps(info) + "\n")
            sys.stdout.flush()
            sys.stderr.write(f"ready: {base_url}\n")
        sys.stderr.flush()

    try:
        run_server(application, host, port, on_ready=ready)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         hint="pick another --port (0 picks a free one)") from None
    sys.stderr.write("sandbox stopped\n")


@app.command("info", help="Base URL, client id, client secret and database of the sandbox in use: the "
             "embedded one, or a served one given with --base-url." + examples(
                 "makini sandbox info",
                 "makini --base-url http://127.0.0.1:8765 sandbox info -o json | jq -r .client_secret"))
def info() -> None:
    ctx().output.emit(_call(ctx(), "GET", "/_sandbox/info"))


@app.command("reset", help="Rebuild the sandbox's data from a seed (the embedded database, or a served "
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
    from ..api.errors import UsageError
    from ..api.http import json_or_error

    if not c.settings.embedded and c.settings.values["base_url"].source == "default":
        # No base URL given anywhere: plain `makini sandbox info` means the embedded sandbox.
        from ..context import AppContext, GlobalOptions

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
            from ..sandbox.seed import sandbox_credentials

            cid, secret = sandbox_credentials(int(result.get("seed", 42)))
            if result.get("client_id") == cid:
                result["client_secret"] = secret
    return result
