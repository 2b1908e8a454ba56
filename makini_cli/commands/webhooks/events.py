"""`makini webhooks events`: the event catalog, and sample payloads."""

from __future__ import annotations

import sys

import typer

from .._common import ctx, examples

SHORT_HELP = "The event catalog, and sample payloads."
HELP = ("List the webhook events Makini sends, or print a sample payload. "
        "With --sample the exact bytes Makini would send are printed (compact JSON, no trailing "
        "newline when piped), ready for `webhooks sign`." + examples(
            "makini webhooks events",
            "makini webhooks events -o json",
            "makini webhooks events --sample purchase-orders.inserted",
            "makini webhooks events --sample assets.updated | makini webhooks sign --secret-file secret.txt"))


def events(sample: str = typer.Option(None, "--sample", metavar="EVENT", help="Print a sample payload of EVENT."),
           count: int = typer.Option(1, "--count", min=1, max=1000, help="Ids in the sample payload.")) -> None:
    from ...errors import UsageError
    from ...output import Column
    from ...webhooks import catalog

    c = ctx()
    if sample is not None:
        if sample not in catalog.BY_NAME:
            raise UsageError(f"unknown webhook event {sample!r}", hint="list them with `makini webhooks events`")
        body = catalog.encode(sample, catalog.sample(sample, count)["body"])
        # the exact bytes Makini sends (compact, no newline), so `| makini webhooks sign` signs them as-is
        sys.stdout.write(body.decode() + ("\n" if c.output.stdout_tty else ""))
        sys.stdout.flush()
        return
    rows = [{"event": e.name, "entity": e.entity, "action": e.action, "confirmed": not e.unconfirmed,
             "description": e.description} for e in catalog.EVENTS]
    c.output.emit(rows, columns=[Column("event", "EVENT"), Column("confirmed", "CONFIRMED"),
                                 Column("description", "DESCRIPTION")])
