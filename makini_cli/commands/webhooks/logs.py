"""`makini webhooks logs` and `webhooks replay`: the delivery log, shown or resent.

`logs` reads this machine's delivery log (what `test`, `listen` and `replay` sent or received),
or, with the sandbox profile, the sandbox's own deliveries. Sandbox-only endpoints are called only
when the profile is the sandbox's (`--sandbox`), never on Makini's host; their imports (the API
layer) stay in the sandbox helpers below, so reading the local log does not load it.
"""

from __future__ import annotations

import typer

from .._common import ctx, examples

SANDBOX_IDS = ("whd_", "wha_")


def _status_style(value) -> str:
    return "green" if isinstance(value, int) and 200 <= value < 300 else "red"


def public(entry: dict) -> dict:
    """A log entry for output, without the raw body and headers (`logs --full` adds them back)."""
    return {k: v for k, v in entry.items() if k not in ("body_b64", "headers")}


def _sandbox_rows(c, age, status, limit, event) -> list[dict]:
    from datetime import UTC, datetime

    from ...api import sandbox_admin
    from ...webhooks.deliverylog import parse_time

    fetch = 100_000 if (event or not limit) else min(limit, 100_000)
    rows = c.run(lambda client: sandbox_admin.webhook_deliveries(client, limit=fetch, status=status))
    if age is not None:
        cutoff = datetime.now(UTC) - age
        rows = [r for r in rows if r.get("time") and parse_time(r["time"]) >= cutoff]
    if event:
        rows = [r for r in rows if r.get("event") == event]
    return rows[:limit] if limit else rows


def _sandbox_redeliver(c, delivery_id: str, to: str | None) -> dict:
    from ...api import sandbox_admin
    from ...errors import UsageError

    if not c.is_sandbox_profile:
        if c.settings.values["base_url"].source != "default":
            raise UsageError(f"{delivery_id} is a sandbox delivery id",
                             hint="add --sandbox (and --base-url URL for a served sandbox)")
        # No host named anywhere: the id `makini --sandbox webhooks logs` printed is the
        # embedded sandbox's, as for `makini sandbox info`.
        from ...context import AppContext, GlobalOptions

        c = AppContext(GlobalOptions(sandbox=True, output=c.opts.output, query=c.opts.query,
                                     debug=c.opts.debug, no_color=c.opts.no_color))
    if to is not None:
        raise UsageError("--to does not apply to a sandbox redelivery: the sandbox sends to its configured "
                         "endpoint", hint="change it with `makini --sandbox webhooks configure-sandbox --url URL`")

    async def redeliver(client):
        full = delivery_id
        if len(delivery_id) < FULL_ID:  # a prefix, as the local log takes
            rows = await sandbox_admin.webhook_deliveries(client, limit=100_000)
            ids = {i for r in rows for i in (r.get("id"), r.get("delivery_id")) if isinstance(i, str)}
            matches = sorted(i for i in ids if i.startswith(delivery_id))
            if len(matches) > 1:
                raise UsageError(f"{delivery_id!r} is the start of {len(matches)} delivery ids",
                                 hint="give more of the id (`makini --sandbox webhooks logs` prints them whole)")
            full = matches[0] if matches else delivery_id
        return await sandbox_admin.redeliver(client, full)

    return c.run(redeliver)


FULL_ID = len("whd_") + 16


LOGS_SHORT_HELP = "Show the delivery log (or the sandbox's)."
LOGS_HELP = ("Show the local delivery log of `test`, `listen` and `replay` (newest first: time, "
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
    from datetime import timedelta

    from ...credentials import warn_if_loose
    from ...errors import UsageError
    from ...output import Column, milliseconds, relative_time, styled
    from ...timeutil import parse_duration
    from ...webhooks.deliverylog import SOURCES, DeliveryLog, body_of

    c = ctx()
    if status not in (None, "ok", "failed"):
        raise UsageError(f"bad --status {status!r}", hint="use ok or failed")
    if source not in (None, *SOURCES):
        raise UsageError(f"bad --source {source!r}", hint=f"use {', '.join(SOURCES)}")
    age = timedelta(seconds=parse_duration(since, "--since")) if since else None
    sandbox = c.is_sandbox_profile and not local
    # ids are never folded over two lines: they are what `webhooks replay` takes
    columns = ([Column("id", "ID", kind="fixed", priority=100), Column("time", "TIME", fmt=relative_time, priority=80)]
               + ([] if sandbox else [Column("source", "SOURCE", priority=40)])
               + [Column("event", "EVENT", priority=90), Column("url", "URL", kind="text", priority=50),
                  Column("status_code", "STATUS", fmt=styled(_status_style), justify="right", priority=95),
                  Column("duration_ms", "DURATION", fmt=milliseconds, justify="right", priority=60),
                  Column("attempt", "#", justify="right", priority=30),
                  Column("error", "ERROR", kind="text", priority=70)])
    if sandbox:
        if source or full:
            raise UsageError("--source and --full apply to this machine's log, not the sandbox's deliveries",
                             hint="add --local")
        rows = _sandbox_rows(c, age, status, limit, event)
        c.output.info("the sandbox's deliveries (--local shows this machine's log)")
        c.output.emit(rows, columns=columns)
        return
    log = DeliveryLog()
    warn_if_loose(log.path, c.output.warn)  # bodies and signatures: enough to replay a delivery
    entries = log.read(since=age, status=status, limit=limit or None, source=source, event=event)
    if not entries and c.output.format == "table":
        c.output.info(f"no deliveries in {log.path}")
        return
    if full:
        rows = [{**public(e), "headers": e.get("headers") or [], "body": body_of(e).decode("utf-8", "replace")}
                for e in entries]
    else:
        rows = [public(e) for e in entries]
    c.output.emit(rows, columns=columns)


REPLAY_SHORT_HELP = "Resend a logged delivery byte for byte."
REPLAY_HELP = ("Resend a logged delivery byte for byte. Same body, same signature "
               "header, to its URL or --to. Takes the ids `webhooks logs` prints, whole or a unique prefix "
               "of 6 characters or more. A sandbox delivery id (whd_…, wha_…) asks the sandbox to "
               "redeliver it (the embedded one, or with --sandbox --base-url URL a served one) to its "
               "configured endpoint: --to does not apply to those.\n\nExit codes: 0 acknowledged (2xx), 3 refused, 1 unreachable or "
               "unknown id." + examples(
                   "makini webhooks logs --status failed",
                   "makini webhooks replay wdl_3f9a1c2b4d5e6f70",
                   "makini webhooks replay wdl_3f9a1c --to http://localhost:3000/webhooks",
                   "makini --sandbox webhooks replay whd_0a1b2c3d4e5f6071"))


def replay(delivery_id: str = typer.Argument(..., metavar="ID", help="Delivery id (or a unique prefix of 6+ characters)."),
           to: str = typer.Option(None, "--to", metavar="URL", help="Send here instead of the original URL.")) -> None:
    import asyncio

    from ...errors import NotFound, UsageError
    from ...webhooks.replay import ReplayError
    from ...webhooks.replay import replay as resend

    c = ctx()
    if to is not None:
        from ...urls import require_url

        require_url(to, "--to", example="http://localhost:3000/webhooks")
    if delivery_id.startswith(SANDBOX_IDS):
        result = _sandbox_redeliver(c, delivery_id, to)
    else:
        try:
            result = asyncio.run(resend(delivery_id, to=to))
        except ReplayError as exc:
            cls = NotFound if str(exc).startswith("no delivery") else UsageError
            raise cls(str(exc), hint="list deliveries with `makini webhooks logs`") from None
    c.output.emit(public(result))
    code = result.get("status_code")
    if isinstance(code, int) and 200 <= code < 300:
        c.output.note(f"replayed {result.get('event') or 'delivery'} to {result.get('url')}: {code}")
        return
    c.output.note(f"replay to {result.get('url')} not acknowledged: {result.get('error') or code}")
    # 3: the receiver answered but refused; 1: it could not be reached at all
    raise typer.Exit(3 if isinstance(code, int) else 1)
