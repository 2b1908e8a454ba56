"""`makini sandbox serve`: the local Makini over HTTP until Ctrl-C or SIGTERM."""

from __future__ import annotations

import sys

import typer

from .._common import ctx, examples


HELP = ("Serve the sandbox over HTTP (uvicorn, loopback by default) until Ctrl-C or "
        "SIGTERM. Prints the base URL and credentials, then a ready line." + examples(
        "makini sandbox serve",
        "makini sandbox serve --port 9000 --db :memory: --pos-per-connection 100000",
        "makini sandbox serve --webhook-url http://127.0.0.1:8080/hooks --webhook-secret-file secret.txt",
        "makini sandbox serve --db :memory: --time-factor 60",
        "makini --base-url http://127.0.0.1:8765 --sandbox connections status"))


def serve(
    typer_ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; loopback unless you say otherwise."),
    port: int = typer.Option(8765, "--port", help="Port (0 picks a free one)."),
    db: str = typer.Option(None, "--db", help="SQLite file, or :memory:. Default: the embedded sandbox's file."),
    seed: int = typer.Option(None, "--seed", help="Seed for the generated data (a new database only; default 42)."),
    pos_per_connection: int = typer.Option(None, "--pos-per-connection", min=0,
                                           help="Purchase orders per connection (a new database only; default 40)."),
    time_factor: float = typer.Option(1.0, "--time-factor", metavar="F",
                                      help="Clock speed: syncs, scenarios (flapping) and webhook retries run "
                                      "this many times faster (above 0, at most 1000000)."),
    webhook_url: str = typer.Option(None, "--webhook-url", help="Deliver webhooks to this URL."),
    webhook_secret: str = typer.Option(None, "--webhook-secret", envvar="MAKINI_WEBHOOK_SECRET",
                                       help="Secret that signs deliveries (env MAKINI_WEBHOOK_SECRET); "
                                            "shows in `ps`: prefer --webhook-secret-file.", show_envvar=False),
    webhook_secret_file: str = typer.Option(None, "--webhook-secret-file", metavar="FILE",
                                            help="Read the webhook secret from FILE (- for stdin)."),
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
    if webhook_secret_file is not None:
        source = typer_ctx.get_parameter_source("webhook_secret")
        if webhook_secret is not None and getattr(source, "name", "") == "COMMANDLINE":
            raise UsageError("give the webhook secret once: --webhook-secret or --webhook-secret-file")
        webhook_secret = _secret_from_file(webhook_secret_file)  # the file wins over the environment
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
        application = create_app(db_path, seed=42 if seed is None else seed,
                                 pos_per_connection=40 if pos_per_connection is None else pos_per_connection,
                                 time_factor=time_factor, webhook_url=webhook_url, webhook_secret=webhook_secret)
    except OSError as exc:
        raise UsageError(f"cannot open the sandbox database {db_path}: {exc.strerror or exc}") from None
    state = application.state.sandbox
    _warn_if_kept(c, state.config, db_path, seed=seed, pos_per_connection=pos_per_connection)

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


def _warn_if_kept(c, config, db_path: str, **asked) -> None:
    """--seed and --pos-per-connection shape a NEW database; an existing one keeps its data.
    Say so, and how to get what was asked, instead of serving the old data silently."""
    kept = {name: getattr(config, name) for name, value in asked.items()
            if value is not None and getattr(config, name) != value}
    if not kept:
        return
    flags = " ".join(f"--{name.replace('_', '-')} {asked[name]}" for name in kept)
    have = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in kept.items())
    verb = "applies" if len(kept) == 1 else "apply"
    c.output.warn(f"{flags} {verb} to a new database only: {db_path} already exists and keeps its "
                  f"data ({have}). To get what you asked: serve a new one (--db :memory: or a new "
                  f"file), or rebuild this one once it serves: `makini --base-url URL sandbox reset {flags}`")


def _secret_from_file(path: str) -> str:
    from .._common import read_input
    from ...errors import UsageError

    raw = read_input(path, "--webhook-secret-file")
    try:
        secret = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UsageError("--webhook-secret-file: not UTF-8 text") from None
    if not secret:
        raise UsageError(f"--webhook-secret-file: {path} is empty")
    return secret
