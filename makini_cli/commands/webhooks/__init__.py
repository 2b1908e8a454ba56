"""`makini webhooks`: the developer's side of Makini's webhooks. Makini configures them in its
dashboard and has no webhook API, so these commands prove an endpoint is ready (`test`), receive
and verify deliveries locally without a tunnel (`listen`), sign and verify bodies, and keep a local
delivery log to inspect and replay. One module per verb; `sign.py` holds sign and verify,
`logs.py` logs and replay."""

from __future__ import annotations

import typer

from . import configure_sandbox, events, listen, logs, sign, test

app = typer.Typer(help="Test webhook endpoints; receive, verify and sign deliveries; logs and replay.\n\n"
                  "Secrets come from --secret-file FILE or MAKINI_WEBHOOK_SECRET (or --secret, which "
                  "other users can see in `ps`); they are never printed or logged.",
                  no_args_is_help=True)

app.command("events", short_help=events.SHORT_HELP, help=events.HELP)(events.events)
app.command("sign", short_help=sign.SIGN_SHORT_HELP, help=sign.SIGN_HELP)(sign.sign)
app.command("verify", short_help=sign.VERIFY_SHORT_HELP, help=sign.VERIFY_HELP)(sign.verify)
app.command("test", short_help=test.SHORT_HELP, help=test.HELP)(test.test)
app.command("listen", short_help=listen.SHORT_HELP, help=listen.HELP)(listen.listen)
app.command("logs", short_help=logs.LOGS_SHORT_HELP, help=logs.LOGS_HELP)(logs.logs)
app.command("replay", short_help=logs.REPLAY_SHORT_HELP, help=logs.REPLAY_HELP)(logs.replay)
app.command("configure-sandbox", short_help=configure_sandbox.SHORT_HELP,
            help=configure_sandbox.HELP)(configure_sandbox.configure_sandbox)
