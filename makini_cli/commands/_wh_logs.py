"""`webhooks logs`, `replay`, `configure-sandbox`.

`logs` reads this machine's delivery log (what `test`, `listen` and `replay` sent or received),
or, with the sandbox profile, the sandbox's own deliveries. Sandbox-only endpoints are called only
when the profile is the sandbox's (`--sandbox`), never on Makini's host.
"""

from __future__ import annotations

import typer

from ._common import ctx

SANDBOX_IDS = ("whd_", "wha_")


def _status_style(value) -> str:
    return "green" if isinstance(value, int) and 200 <= value < 300 else "red"


def _columns(sandbox: bool):
    from ..output import Column, relative_time, styled

    cols = [Column("id", "ID"), Column("time", "TIME", fmt=relative_time)]
    if not sandbox:
        cols.append(Column("source", "SOURCE"))
    return cols + [Column("event", "EVENT"), Column("url", "URL"),
                   Column("status_code", "STATUS", fmt=styled(_status_style), justify="right"),
                   Column("duration_ms", "MS", justify="right"), Column("attempt", "#", justify="right"),
                   Column("error", "ERROR")]


def public(entry: dict, full: bool = False) -> dict:
    """A log entry for output: the raw body and headers only with --full."""
    from ..webhooks.deliverylog import body_of

    out = {k: v for k, v in entry.items() if k not in ("body_b64", "headers")}
    if full:
        out["headers"] = entry.get("headers") or []
        out["body"] = body_of(entry).decode("utf-8", "replace")
    return out


def logs_cmd(since: str | None, status: str | None, limit: int, source: str | None, event: str | None,
             local: bool, full: bool) -> None:
    from datetime import timedelta

    from ..api.errors import UsageError
    from ..webhooks.deliverylog import SOURCES, DeliveryLog
    from ._common import parse_duration

    c = ctx()
    if status not in (None, "ok", "failed"):
        raise UsageError(f"bad --status {status!r}", hint="use ok or failed")
    if source not in (None, *SOURCES):
        raise UsageError(f"bad --source {source!r}", hint=f"use {', '.join(SOURCES)}")
    age = timedelta(seconds=parse_duration(since, "--since")) if since else None
    if c.is_sandbox_profile and not local:
        if source or full:
            raise UsageError("--source and --full apply to this machine's log, not the sandbox's deliveries",
                             hint="add --local")
        rows = _sandbox_rows(c, age, status, limit, event)
        c.output.info("the sandbox's deliveries (--local shows this machine's log)")
        c.output.emit(rows, columns=_columns(True))
        return
    log = DeliveryLog()
    from ..credentials import warn_if_loose

    warn_if_loose(log.path, c.output.warn)  # bodies and signatures: enough to replay a delivery
    entries = log.read(since=age, status=status, limit=limit or None, source=source, event=event)
    if not entries and c.output.format == "table":
        c.output.info(f"no deliveries in {log.path}")
        return
    c.output.emit([public(e, full) for e in entries], columns=_columns(False))


def _sandbox_rows(c, age, status, limit, event) -> list[dict]:
    from datetime import UTC, datetime

    from ..api import sandbox_admin
    from ..webhooks.deliverylog import parse_time

    fetch = 100_000 if (event or not limit) else min(limit, 100_000)
    rows = c.run(lambda client: sandbox_admin.webhook_deliveries(client, limit=fetch, status=status))
    for row in rows:  # a duration is no money: a plain number, as in the local log
        if row.get("duration_ms") is not None:
            row["duration_ms"] = float(row["duration_ms"])
    if age is not None:
        cutoff = datetime.now(UTC) - age
        rows = [r for r in rows if r.get("time") and parse_time(r["time"]) >= cutoff]
    if event:
        rows = [r for r in rows if r.get("event") == event]
    return rows[:limit] if limit else rows


def replay_cmd(delivery_id: str, to: str | None) -> None:
    import asyncio

    from ..api.errors import NotFound, UsageError
    from ..webhooks.replay import ReplayError, replay

    c = ctx()
    if to is not None and not to.startswith(("http://", "https://")):
        raise UsageError(f"bad --to {to!r}: expected an http:// or https:// URL")
    if delivery_id.startswith(SANDBOX_IDS):
        result = _sandbox_redeliver(c, delivery_id, to)
    else:
        try:
            result = asyncio.run(replay(delivery_id, to=to))
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


def _sandbox_redeliver(c, delivery_id: str, to: str | None) -> dict:
    from ..api import sandbox_admin
    from ..api.errors import UsageError

    if not c.is_sandbox_profile:
        raise UsageError(f"{delivery_id} is a sandbox delivery id",
                         hint="add --sandbox (and --base-url URL for a served sandbox)")
    if to is not None:
        raise UsageError("--to does not apply to a sandbox redelivery: the sandbox sends to its configured "
                         "endpoint", hint="change it with `makini --sandbox webhooks configure-sandbox --url URL`")
    return c.run(lambda client: sandbox_admin.redeliver(client, delivery_id))


def configure_cmd(url: str | None, secret: str | None, secret_file: str | None, events: list[str] | None,
                  retry_scale: float | None, off: bool) -> None:
    from ..api import sandbox_admin
    from ..api.errors import UsageError
    from ..webhooks import catalog
    from ._wh_sign import resolve_secret
    from ._wh_test import _split

    c = ctx()
    if not c.is_sandbox_profile:
        raise UsageError("configure-sandbox configures the local sandbox only; Makini's webhooks are set up "
                         "in its dashboard", hint="add --sandbox (and --base-url URL for a served sandbox)")
    if off and url:
        raise UsageError("--off and --url exclude each other")
    if url is not None and not url.startswith(("http://", "https://")):
        raise UsageError(f"bad --url {url!r}: expected an http:// or https:// URL")
    chosen = _split(events) or None
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
