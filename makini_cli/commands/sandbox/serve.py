"""`makini sandbox serve`: the local Makini over HTTP until Ctrl-C or SIGTERM."""

from __future__ import annotations

import sys

import typer

from .._common import ctx, examples


HELP = ("Serve the sandbox over HTTP (uvicorn, loopback by default) until Ctrl-C or "
        "SIGTERM. Prints the base URL and credentials, then a ready line." + examples(
        "makini sandbox serve",
        "makini sandbox serve --port 9000 --db :memory: --pos-per-connection 100000",
        "makini sandbox serve --webhook-url http://127.0.0.1:8080/hooks --webhook-secret s3cr3t",
        "makini sandbox serve --db :memory: --time-factor 60",
        "makini --base-url http://127.0.0.1:8765 --sandbox connections status"))


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; loopback unless you say otherwise."),
    port: int = typer.Option(8765, "--port", help="Port (0 picks a free one)."),
    db: str = typer.Option(None, "--db", help="SQLite file, or :memory:. Default: the embedded sandbox's file."),
    seed: int = typer.Option(42, "--seed", help="Seed for the generated data (on a new database)."),
    pos_per_connection: int = typer.Option(40, "--pos-per-connection", min=0,
                                           help="Purchase orders per connection (on a new database)."),
    time_factor: float = typer.Option(1.0, "--time-factor", metavar="F",
                                      help="Clock speed: syncs, scenarios (flapping) and webhook retries run "
                                      "this many times faster (above 0, at most 1000000)."),
    webhook_url: str = typer.Option(None, "--webhook-url", help="Deliver webhooks to this URL."),
    webhook_secret: str = typer.Option(None, "--webhook-secret", envvar="MAKINI_WEBHOOK_SECRET",
                                       help="Secret that signs deliveries (env MAKINI_WEBHOOK_SECRET).", show_envvar=False),
) -> None:
    import json

    from ... import paths
    from ...errors import UsageError
    from ...urls import is_loopback
    from ...sandbox.app import create_app
    from ...sandbox.server import serve as run_server

    from ...sandbox.clock import MAX_TIME_FACTOR

    c = ctx()
    if not (0 < time_factor <= MAX_TIME_FACTOR):  # NaN fails this too
        raise UsageError(f"bad --time-factor {time_factor:g}: expected a number above 0 and at most "
                         f"{MAX_TIME_FACTOR:g}", hint="e.g. --time-factor 60: a minute of sandbox time per second")
    if not (0 <= port <= 65535):
        raise UsageError(f"bad --port {port}: expected 0-65535")
    if webhook_url:
        from ...urls import require_url

        require_url(webhook_url, "--webhook-url", example="http://127.0.0.1:8080/")
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
