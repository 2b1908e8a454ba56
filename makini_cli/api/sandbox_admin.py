"""Sandbox-only endpoints (`/_sandbox/...`) that stand in for Makini's dashboard: the webhook
endpoint configuration and the sandbox's own delivery log.

Makini has no such API. Callers must only use these against the local sandbox (the `sandbox`
profile, embedded or served); a host that is not a sandbox answers 404, reported as a usage error.
"""

from __future__ import annotations

from typing import Any

from .client import MakiniClient, seg
from ..errors import NotFound, UsageError

WEBHOOKS = "/_sandbox/webhooks"
DELIVERIES = "/_sandbox/webhooks/deliveries"


def _not_a_sandbox(client: MakiniClient, path: str) -> UsageError:
    return UsageError(f"{client.http.base_url} is not a makini sandbox (no {path})",
                      hint="sandbox-only commands need `--sandbox` (and `--base-url` for a served one)")


async def _call(client: MakiniClient, method: str, path: str, *, params: Any = None,
                body: Any = None) -> Any:
    from .http import json_or_error

    response = await client.http.send(method, path, params=params, json_body=body)
    if response.status_code == 404 and not path.startswith(DELIVERIES + "/"):
        raise _not_a_sandbox(client, path)
    data = json_or_error(response)
    return data.get("data", data) if isinstance(data, dict) and "data" in data else data


async def webhook_config(client: MakiniClient) -> dict:
    """The sandbox's webhook endpoint: url, events, secret_set, retry_scale (never the secret)."""
    return _numbers(await _call(client, "GET", WEBHOOKS))


async def configure_webhooks(client: MakiniClient, *, url: str | None, secret: str | None = None,
                             events: list[str] | None = None,
                             retry_scale: float | None = None) -> dict:
    """Point the sandbox's deliveries at `url` (None: stop delivering). Without a secret the
    sandbox keeps its current one or generates one, returned once as `secret`."""
    if url is None:
        return _numbers(await _call(client, "DELETE", WEBHOOKS))
    body: dict[str, Any] = {"url": url}
    if secret is not None:
        body["secret"] = secret
    if events is not None:
        body["events"] = events
    if retry_scale is not None:
        body["retry_scale"] = retry_scale
    return _numbers(await _call(client, "POST", WEBHOOKS, body=body))


async def webhook_deliveries(client: MakiniClient, *, limit: int = 50,
                             status: str | None = None) -> list[dict]:
    """The sandbox's delivery attempts, newest first; `status` "ok" or "failed" filters."""
    params = [("limit", str(limit))]
    if status:
        params.append(("status", status))
    data = await _call(client, "GET", DELIVERIES, params=params)
    return [_numbers(row) for row in data] if isinstance(data, list) else []


def _numbers(row: Any) -> Any:
    """A duration or a factor is no money: a plain number (the client parses JSON numbers as
    Decimal, which would print as a string), as in the local delivery log."""
    if isinstance(row, dict):
        for key in ("duration_ms", "retry_scale"):
            if row.get(key) is not None:
                row[key] = float(row[key])
    return row


async def redeliver(client: MakiniClient, delivery_id: str) -> dict:
    """Have the sandbox send a delivery again now (a `whd_` delivery or `wha_` attempt id)."""
    path = f"{DELIVERIES}/{seg(delivery_id)}/redeliver"
    try:
        return _numbers(await _call(client, "POST", path))
    except NotFound:
        raise NotFound(f"the sandbox has no delivery {delivery_id!r}",
                       hint="list them with `makini --sandbox webhooks logs`") from None
