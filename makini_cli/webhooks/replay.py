"""`makini webhooks replay ID [--to URL]`: resend a logged delivery byte for byte.

The body and headers (signature included) come from the delivery log unchanged, so the
receiver sees exactly what it saw, or should have seen, the first time. The resend is itself
logged, with `source: "replay"` and `replay_of` naming the original.
"""

from __future__ import annotations

import asyncio
import time

from makini_cli.webhooks import catalog
from makini_cli.webhooks.deliverylog import DeliveryLog, body_of, headers_of


class ReplayError(Exception):
    """The delivery cannot be replayed (unknown id, no URL)."""


async def replay(id_or_entry: str | dict, *, to: str | None = None,
                 log: DeliveryLog | None = None, timeout: float = catalog.ACK_TIMEOUT_S,
                 client=None) -> dict:
    """Resend a logged delivery (its id, a unique id prefix, or the entry) to its URL or `to`.

    Returns the new log entry: status_code, duration_ms, error. Raises ReplayError."""
    import httpx

    log = log or DeliveryLog()
    if isinstance(id_or_entry, dict):
        entry = id_or_entry
    else:
        try:
            entry = log.get(id_or_entry)
        except LookupError as exc:
            raise ReplayError(str(exc)) from None
        if entry is None:
            raise ReplayError(f"no delivery {id_or_entry!r} in {log.path}")
    if entry.get("rejected"):
        raise ReplayError(f"{entry.get('id')} is a request the listener rejected "
                          f"({entry.get('error') or entry.get('status_code')}): rejections are "
                          "logged without their body, so there is nothing to replay")
    url = to or entry.get("url")
    if not url:
        raise ReplayError("the delivery has no URL; pass one with --to")
    body, headers = body_of(entry), headers_of(entry)
    own_client = client is None
    if own_client:
        from makini_cli.urls import direct_mounts

        client = httpx.AsyncClient(timeout=timeout, follow_redirects=False,
                                   mounts=direct_mounts(url))
    start = time.perf_counter()
    status = error = None
    try:
        async with asyncio.timeout(timeout):  # for the whole exchange, not only each read
            resp = await client.request(entry.get("method") or "POST", url, content=body,
                                        headers=headers)
        status = resp.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except (httpx.TimeoutException, TimeoutError):
        error = f"no answer within {timeout:g} s"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    finally:
        if own_client:
            await client.aclose()
    duration = (time.perf_counter() - start) * 1000.0
    fields = dict(source="replay", url=url, event=entry.get("event"), status_code=status,
                  duration_ms=duration, error=error, attempt=1, body=body, headers=headers,
                  method=entry.get("method") or "POST", replay_of=entry.get("id"))
    try:
        return log.append(**fields)
    except OSError:  # an unwritable log must not hide the result
        return {k: v for k, v in fields.items() if k not in ("body", "headers")}
