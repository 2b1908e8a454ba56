"""`makini webhooks configure-sandbox`: where the local sandbox delivers webhooks (sandbox only:
Makini's own webhooks are set up in its dashboard)."""

from __future__ import annotations

import typer

from .._common import ctx, examples
from .options import events_option, resolve_secret, secret_file_option, secret_option, split_events

SHORT_HELP = "SANDBOX ONLY: where the sandbox delivers webhooks."
HELP = ("SANDBOX ONLY: point the local sandbox's webhook deliveries at a URL, as "
        "Makini's dashboard does for real endpoints. Without --url, shows the current setting. "
        "Without a secret the sandbox keeps its own, or generates one and shows it once." + examples(
            "makini --sandbox webhooks configure-sandbox --url http://127.0.0.1:8080/ --secret-file secret.txt",
            "makini --base-url http://127.0.0.1:8765 --sandbox webhooks configure-sandbox --url "
            "http://127.0.0.1:8080/ -e 'purchase-orders.*'",
            "makini --sandbox webhooks configure-sandbox",
            "makini --sandbox webhooks configure-sandbox --off"))


def configure_sandbox(url: str = typer.Option(None, "--url", help="Where the sandbox delivers."),
                      secret: str = secret_option(), secret_file: str = secret_file_option(),
                      event: list[str] = events_option("Events the sandbox delivers (default: all)."),
                      retry_scale: float = typer.Option(None, "--retry-scale",
                                                        help="Multiply the sandbox's retry delays (0.01: fast)."),
                      off: bool = typer.Option(False, "--off", help="Stop delivering.")) -> None:
    from ...api import sandbox_admin
    from ...errors import UsageError
    from ...webhooks import catalog

    c = ctx()
    if not c.is_sandbox_profile:
        raise UsageError("configure-sandbox configures the local sandbox only; Makini's webhooks are set up "
                         "in its dashboard", hint="add --sandbox (and --base-url URL for a served sandbox)")
    if off and url:
        raise UsageError("--off and --url exclude each other")
    if url is not None:
        from ...urls import require_url

        require_url(url, "--url", example="http://127.0.0.1:8080/")
    chosen = split_events(event) or None
    unknown = catalog.validate_selection(chosen)
    if unknown:
        raise UsageError(f"unknown webhook events: {', '.join(unknown)}",
                         hint="list them with `makini webhooks events`")
    if retry_scale is not None and not retry_scale > 0:
        raise UsageError("--retry-scale must be more than 0")
    if url is None and not off:
        if secret or secret_file or chosen or retry_scale:
            raise UsageError("--url is needed to change the sandbox's webhook endpoint")
        c.output.emit(c.run(sandbox_admin.webhook_config))
        return
    key = resolve_secret(secret, secret_file, required=False) if url else None

    async def configure(client):
        return await sandbox_admin.configure_webhooks(client, url=url, secret=key, events=chosen,
                                                      retry_scale=retry_scale)

    result = c.run(configure)
    if result.get("secret"):
        c.output.note("the sandbox generated a secret for this endpoint (shown once, as Makini's dashboard "
                      "does): save it to a file and pass --secret-file to `webhooks listen`")
    c.output.emit(result)
    c.output.info("the sandbox now delivers to " + (url or "nowhere (deliveries off)"))
