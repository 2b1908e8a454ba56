"""`makini webhooks listen`: a local receiver. One JSON line per accepted event on stdout (flushed,
for pipelines), a readable line per event and per rejection on stderr, a ready line with the bound
URL on stderr. Ctrl-C or SIGTERM stops it cleanly with exit 0 (it is the normal way to stop a
server, as for `makini sandbox serve`)."""

from __future__ import annotations

import sys

import typer

from .._common import check_domain, connection_option, ctx, domain_option, examples, require_connection
from .options import ENV, events_option, resolve_secret, secret_file_option, secret_option, split_events

# Events whose ids are connection ids: expanded through the admin connection list.
CONNECTION_ENTITIES = ("connection-statuses", "connection", "sync")
# Entities the spec serves only in the eam domain; the rest follow --domain.
EAM_ONLY = ("assets", "work-orders")
EXPAND_PARALLEL = 8


class Expander:
    """Fetches the records an event names. One MakiniClient for the listener's lifetime, made
    inside the server's event loop on first use and closed when the server shuts down."""

    def __init__(self, connection: str | None, domain: str, log) -> None:
        self.connection, self.domain, self.log = connection, domain, log
        self.client = None

    async def __call__(self, event: dict) -> list:
        # Imported here, not by `listen`: this runs inside the server, once --expand is on.
        import asyncio

        from ...api import connections, entities
        from ...errors import ConnectionNotFound, NotFound
        from ...output import jsonable

        if self.client is None:
            self.client = ctx().make_client()
        entity = event["event"].split(".", 1)[0]
        keys = [str(k) for k in event["body"]]
        if entity in CONNECTION_ENTITIES:
            found = await connections.find_connections(self.client, keys)
            missing = [k for k in keys if k not in found]
            if missing:
                self.log(f"expand: no connection {', '.join(missing)} in this application (deleted?)")
            return [jsonable(found[k]) for k in keys if k in found]
        domain = "eam" if entity in EAM_ONLY else self.domain
        limit = asyncio.Semaphore(EXPAND_PARALLEL)

        async def one(key: str):
            async with limit:
                try:
                    return await entities.get(self.client, self.connection, domain, entity, key)
                except ConnectionNotFound:
                    raise  # not a missing record: the connection itself is gone
                except NotFound:
                    self.log(f"expand: no {entity} {key} on connection {self.connection or '(token)'}")
                    return None

        got = await asyncio.gather(*(one(k) for k in keys))
        return [jsonable(r) for r in got if r is not None]

    async def aclose(self) -> None:
        if self.client is not None:
            client, self.client = self.client, None
            await client.aclose()

    def wrap(self, app):
        """The app, closing the client once the listener has drained its queue at shutdown."""

        async def asgi(scope, receive, send):
            if scope["type"] != "lifespan":
                return await app(scope, receive, send)

            async def send_closing(message):
                if message["type"] == "lifespan.shutdown.complete":
                    try:
                        await self.aclose()
                    except Exception:  # noqa: BLE001 - shutting down; nothing left to tell
                        pass
                await send(message)

            return await app(scope, receive, send_closing)

        return asgi


def _expander(c, connection: str | None, domain: str, only_connections: bool, log) -> Expander:
    """Check the credentials before listening, so a bad login fails now, not on every event."""
    conn = connection or c.settings.get("connection")
    if not only_connections:
        conn = require_connection(connection)

    async def preflight(client) -> None:
        # minting a connection token needs the admin token too; a static token is checked on use
        if only_connections:
            await client.auth.admin_token()
        else:
            await client.auth.connection_token(conn)

    c.run(preflight)
    return Expander(conn, domain, log)


def _describe(event: dict) -> str:
    ids = [str(i) for i in event.get("body") or ()]
    shown = ", ".join(ids[:3]) + (f" (+{len(ids) - 3} more)" if len(ids) > 3 else "")
    verified = {True: "verified", False: "NOT verified", None: "signature not checked"}[event.get("verified")]
    line = f"{event.get('event')} {shown} [{verified}]"
    if "records" in event:
        line += f" → {len(event['records'])} record(s)"
    if event.get("expand_error"):
        line += f" (expand failed: {event['expand_error']})"
    return line


SHORT_HELP = "Receive and verify webhooks locally."
HELP = ("Receive and verify webhooks locally. Each delivery's signature is checked (invalid: 401 and "
        "a line on stderr); each accepted event is printed as one JSON line on stdout, and as a "
        "readable line on stderr. Prints `listening on URL` on stderr once ready (--port 0 picks a free port). "
        "--forward-to passes the exact body and headers on; --expand fetches the changed records by id "
        "through the API (-c connection; connection events through the admin API). Malformed bodies "
        "get a 4xx; the listener never dies on input. Ctrl-C or SIGTERM stops it: exit 0." + examples(
            "makini webhooks listen --secret-file secret.txt",
            "makini webhooks listen --port 9000 --path /hooks -e 'purchase-orders.*' --expand -c 09000207611898",
            "makini webhooks listen --forward-to http://localhost:3000/webhooks | jq -c .body",
            "makini --sandbox webhooks configure-sandbox --url http://127.0.0.1:8080/ --secret-file secret.txt"))


def listen(host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback unless you say otherwise)."),
           port: int = typer.Option(8080, "--port", help="Port (0 picks a free one)."),
           path: str = typer.Option("/", "--path", help="Path that takes deliveries."),
           secret: str = secret_option(), secret_file: str = secret_file_option(),
           forward_to: str = typer.Option(None, "--forward-to", metavar="URL", help="Forward accepted deliveries here."),
           event: list[str] = events_option("Only hand on these events (others are acknowledged and ignored)."),
           expand: bool = typer.Option(False, "--expand", help="Fetch the changed records through the API."),
           connection: str = connection_option("Connection whose records --expand fetches (default: the profile's)."),
           domain: str = domain_option()) -> None:
    import signal
    import time

    from ...urls import is_loopback
    from ...errors import UsageError
    from ...handler import _silence_stdout
    from ...output import jsonable
    from ...output.data import json_line
    from ...sandbox.server import serve
    from ...webhooks import catalog
    from ...webhooks.listener import create_app

    c = ctx()
    if not 0 <= port <= 65535:
        raise UsageError(f"bad --port {port}: expected 0-65535 (0 picks a free port)")
    path = path if path.startswith("/") else "/" + path
    chosen = split_events(event)
    unknown = catalog.validate_selection(chosen)
    if unknown:
        raise UsageError(f"unknown webhook events: {', '.join(unknown)}",
                         hint="list them with `makini webhooks events`; patterns like 'assets.*' work")
    if forward_to:
        from ...urls import require_url

        require_url(forward_to, "--forward-to", example="http://localhost:3000/webhooks")
    check_domain(domain)
    key = resolve_secret(secret, secret_file, required=False)

    def err(line: str) -> None:
        # event names, ids and errors come from whoever sent the delivery: one inert line each
        c.output.line(f"{time.strftime('%H:%M:%S')} {line}", err=True)

    expander = None
    if expand:
        expanded = {catalog.BY_NAME[e].entity for e in catalog.expand_selection(chosen or ["*"])}
        expander = _expander(c, connection, domain, expanded <= set(CONNECTION_ENTITIES), err)
    if key is None:
        c.output.warn(f"no secret (--secret-file or {ENV}): signatures are not checked, every "
                      "well-formed delivery is accepted")
    if not is_loopback(host):
        c.output.warn(f"binding {host}: the listener is reachable from other machines on this network")
    broken = []
    stdout_tty = c.output.stdout_tty

    async def on_event(event: dict, body: bytes, headers: dict) -> None:
        if broken:
            return
        try:
            # On a terminal the readable line says it all (unless records were fetched); for
            # pipelines every accepted event is one JSON line on stdout.
            if not (stdout_tty and expander is None):
                sys.stdout.write(json_line(jsonable(event)))  # exact data, C1 controls as \u escapes
                sys.stdout.flush()
        except BrokenPipeError:  # `| head -1` is done reading: stop like any filter would
            broken.append(True)
            signal.raise_signal(signal.SIGTERM)
            return
        err(_describe(event))

    app = create_app(secret=key, path=path, events=chosen or None, forward_to=forward_to,
                     on_event=on_event, on_log=err, expand=expander)
    stats = app.state.listener.stats

    def ready(base_url: str) -> None:
        what = "signatures checked" if key else "signatures NOT checked"
        extra = f", forwarding to {forward_to}" if forward_to else ""
        extra += ", expanding records" if expander else ""
        sys.stderr.write(f"listening on {base_url}{path} ({what}{extra}; Ctrl-C stops)\n")
        sys.stderr.flush()

    try:
        serve(expander.wrap(app) if expander else app, host, port, on_ready=ready)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         hint="pick another --port (0 picks a free one)") from None
    sys.stderr.write(f"stopped: {stats.received} received, {stats.accepted} accepted, "
                     f"{stats.rejected} rejected, {stats.ignored} ignored\n")
    if broken:
        _silence_stdout()
        raise typer.Exit(141)
