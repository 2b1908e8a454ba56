"""`makini webhooks`: the developer's side of Makini's webhooks. Makini configures them in its
dashboard and has no webhook API, so these commands prove an endpoint is ready (`test`), receive
and verify deliveries locally without a tunnel (`listen`), sign and verify bodies, and keep a local
delivery log to inspect and replay. The implementations live in `_wh_*.py`."""

from __future__ import annotations

import typer

from ._common import connection_option, domain_option, examples

app = typer.Typer(help="Test webhook endpoints; receive, verify and sign deliveries; logs and replay.\n\n"
                  "Secrets come from --secret-file FILE or MAKINI_WEBHOOK_SECRET (or --secret, which "
                  "other users can see in `ps`); they are never printed or logged.",
                  no_args_is_help=True)


def _secret():
    return typer.Option(None, "--secret", help="The endpoint's secret (visible in `ps` and shell history; "
                        "prefer --secret-file or env MAKINI_WEBHOOK_SECRET).")


def _secret_file():
    return typer.Option(None, "--secret-file", metavar="FILE",
                        help="Read the secret from FILE (- for stdin); a trailing newline is ignored.")


def _events(help_text: str):
    return typer.Option(None, "--event", "--events", "-e", metavar="EVENT",
                        help=help_text + " Repeat, or separate with commas; patterns like 'assets.*' work.")


@app.command("events", short_help="The event catalog, and sample payloads.",
             help="List the webhook events Makini sends, or print a sample payload. "
             "With --sample the exact bytes Makini would send are printed (compact JSON, no trailing "
             "newline when piped), ready for `webhooks sign`." + examples(
                 "makini webhooks events",
                 "makini webhooks events -o json",
                 "makini webhooks events --sample purchase-orders.inserted",
                 "makini webhooks events --sample assets.updated | makini webhooks sign --secret-file secret.txt"))
def events(sample: str = typer.Option(None, "--sample", metavar="EVENT", help="Print a sample payload of EVENT."),
           count: int = typer.Option(1, "--count", min=1, max=1000, help="Ids in the sample payload.")) -> None:
    from ._wh_sign import events_cmd

    events_cmd(sample, count)


@app.command("sign", short_help="Print the signature of a body.",
             help="Print the X-Webhook-Signature of a body. HMAC-SHA256 keyed by the secret, hex "
             "(Makini's current form) or base64. The body is signed byte for byte.\n\n"
             "Secret precedence: --secret, --secret-file, MAKINI_WEBHOOK_SECRET; none is exit 2." + examples(
                 "makini webhooks sign --secret-file secret.txt body.json",
                 "MAKINI_WEBHOOK_SECRET=whsec_x makini webhooks sign --encoding base64 < body.json",
                 "makini webhooks events --sample assets.updated | makini webhooks sign --secret-file secret.txt"))
def sign(source: str = typer.Argument("-", metavar="[FILE|-]", help="The body (default: stdin)."),
         secret: str = _secret(), secret_file: str = _secret_file(),
         encoding: str = typer.Option("hex", "--encoding", help="hex or base64.")) -> None:
    from ._wh_sign import sign_cmd

    sign_cmd(source, secret, secret_file, encoding)


@app.command("verify", short_help="Check a signature; say why it fails.",
             help="Check a body's signature, and say why it fails. Constant time; hex or base64. When it "
             "fails, stderr says why: wrong secret or tampered body, body re-serialised (equal JSON, "
             "different bytes), wrong encoding, whitespace or newline added. The result is JSON on stdout "
             "when piped or with -o.\n\nExit codes: 0 valid, 3 invalid, 2 no secret or bad input." + examples(
                 "makini webhooks verify --signature 5f2b…e1 --secret-file secret.txt body.json",
                 "makini webhooks verify --signature \"$SIG\" - < body.json && echo genuine",
                 "makini webhooks verify --signature \"$SIG\" body.json -o json | jq .cause"))
def verify(source: str = typer.Argument("-", metavar="[FILE|-]", help="The body exactly as received (default: stdin)."),
           signature: str = typer.Option(..., "--signature", "-s", help="The X-Webhook-Signature value."),
           secret: str = _secret(), secret_file: str = _secret_file()) -> None:
    from ._wh_sign import verify_cmd

    verify_cmd(source, signature, secret, secret_file)


@app.command("test", short_help="Check an endpoint is ready for Makini's webhooks.",
             help="Check an endpoint is ready for Makini's webhooks. Works on localhost "
             "(no tunnel). Checks: signed deliveries of each event are acknowledged with 2xx in time; wrong, missing and "
             "tampered signatures rejected with 4xx; duplicates and out-of-order events acknowledged; failures "
             "retried on a schedule; warnings for plain http off loopback, slow answers and redirects. A live "
             "table on a terminal, a JSON report when piped or with -o json. Every attempt goes to the local "
             "delivery log (`webhooks logs`).\n\nExit codes: 0 every required check passed, 3 one failed, "
             "2 bad input or no secret." + examples(
                 "makini webhooks test http://localhost:3000/webhooks --secret-file secret.txt",
                 "makini webhooks test https://example.com/hooks -e purchase-orders.inserted -e 'assets.*'",
                 "makini webhooks test http://127.0.0.1:8080/ --retry-schedule makini --timeout 10",
                 "makini webhooks test http://127.0.0.1:8080/ -o json | jq '.checks[] | select(.result==\"FAIL\")'"))
def test(url: str = typer.Argument(..., help="The endpoint's URL."),
         secret: str = _secret(), secret_file: str = _secret_file(),
         event: list[str] = _events("Events to deliver (default: every confirmed event)."),
         retry_schedule: str = typer.Option("fast", "--retry-schedule",
                                            help="fast (0.2 s, doubling, 4 attempts) or makini (30 s, doubling, 5 "
                                                 "attempts: minutes)."),
         timeout: float = typer.Option(10.0, "--timeout", help="Seconds an answer may take (Makini: 10)."),
         slow_after: float = typer.Option(5.0, "--slow-after", help="Warn about answers slower than this.")) -> None:
    from ._wh_test import test_cmd

    test_cmd(url, secret, secret_file, event, retry_schedule, timeout, slow_after)


@app.command("listen", short_help="Receive and verify webhooks locally.",
             help="Receive and verify webhooks locally. Each delivery's signature is checked (invalid: 401 and "
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
           secret: str = _secret(), secret_file: str = _secret_file(),
           forward_to: str = typer.Option(None, "--forward-to", metavar="URL", help="Forward accepted deliveries here."),
           event: list[str] = _events("Only hand on these events (others are acknowledged and ignored)."),
           expand: bool = typer.Option(False, "--expand", help="Fetch the changed records through the API."),
           connection: str = connection_option("Connection whose records --expand fetches (default: the profile's)."),
           domain: str = domain_option()) -> None:
    from ._wh_listen import listen_cmd

    listen_cmd(host, port, path, secret, secret_file, forward_to, event, expand, connection, domain)


@app.command("logs", short_help="Show the delivery log (or the sandbox's).",
             help="Show the local delivery log of `test`, `listen` and `replay` (newest first: time, "
             "source, event, URL, status, duration, attempt, error). With the sandbox profile (--sandbox, "
             "with --base-url for a served sandbox) the sandbox's own deliveries instead; --local keeps to "
             "this machine's log." + examples(
                 "makini webhooks logs",
                 "makini webhooks logs --since 1h --status failed",
                 "makini webhooks logs --source listen --limit 5 --full -o json",
                 "makini --sandbox webhooks logs --status failed"))
def logs(since: str = typer.Option(None, "--since", help="Only newer than this (30m, 1h, 2d)."),
         status: str = typer.Option(None, "--status", help="ok (2xx) or failed."),
         limit: int = typer.Option(50, "--limit", "-n", min=0, help="At most this many (0: all)."),
         source: str = typer.Option(None, "--source", help="test, listen or replay."),
         event: str = typer.Option(None, "--event", "-e", help="Only this event."),
         local: bool = typer.Option(False, "--local", help="This machine's log even with the sandbox profile."),
         full: bool = typer.Option(False, "--full", help="Include the body and headers.")) -> None:
    from ._wh_logs import logs_cmd

    logs_cmd(since, status, limit, source, event, local, full)


@app.command("replay", short_help="Resend a logged delivery byte for byte.",
             help="Resend a logged delivery byte for byte. Same body, same signature "
             "header, to its URL or --to. A sandbox delivery id (whd_…, wha_…) with --sandbox asks the "
             "sandbox to redeliver it.\n\nExit codes: 0 acknowledged (2xx), 3 refused, 1 unreachable or "
             "unknown id." + examples(
                 "makini webhooks logs --status failed",
                 "makini webhooks replay wdl_3f9a1c2b4d5e6f70",
                 "makini webhooks replay wdl_3f9a1c --to http://localhost:3000/webhooks",
                 "makini --sandbox webhooks replay whd_0a1b2c3d4e5f6071"))
def replay(delivery_id: str = typer.Argument(..., metavar="ID", help="Delivery id (or a unique prefix of 6+ characters)."),
           to: str = typer.Option(None, "--to", metavar="URL", help="Send here instead of the original URL.")) -> None:
    from ._wh_logs import replay_cmd

    replay_cmd(delivery_id, to)


@app.command("configure-sandbox", short_help="SANDBOX ONLY: where the sandbox delivers webhooks.",
             help="SANDBOX ONLY: point the local sandbox's webhook deliveries at a URL, as "
             "Makini's dashboard does for real endpoints. Without --url, shows the current setting. "
             "Without a secret the sandbox keeps its own, or generates one and shows it once." + examples(
                 "makini --sandbox webhooks configure-sandbox --url http://127.0.0.1:8080/ --secret-file secret.txt",
                 "makini --base-url http://127.0.0.1:8765 --sandbox webhooks configure-sandbox --url "
                 "http://127.0.0.1:8080/ -e 'purchase-orders.*'",
                 "makini --sandbox webhooks configure-sandbox",
                 "makini --sandbox webhooks configure-sandbox --off"))
def configure_sandbox(url: str = typer.Option(None, "--url", help="Where the sandbox delivers."),
                      secret: str = _secret(), secret_file: str = _secret_file(),
                      event: list[str] = _events("Events the sandbox delivers (default: all)."),
                      retry_scale: float = typer.Option(None, "--retry-scale",
                                                        help="Multiply the sandbox's retry delays (0.01: fast)."),
                      off: bool = typer.Option(False, "--off", help="Stop delivering.")) -> None:
    from ._wh_logs import configure_cmd

    configure_cmd(url, secret, secret_file, event, retry_scale, off)
