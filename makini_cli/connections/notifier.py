"""`--notify URL`: each state transition POSTed as JSON to a webhook, in the background.

The body carries a `text` field that Slack and Microsoft Teams incoming webhooks display as is.
Names and reasons come from customers' systems, so `&`, `<` and `>` are escaped the way Slack
asks (`&amp;`, `&lt;`, `&gt;`): a connection named `<!channel>` or `<https://x|y>` is shown, not
obeyed; control characters are replaced and lengths bounded.

Deliveries never hold up the checks: workers send from a queue, and a failed delivery (network,
timeout, 429 with its Retry-After, 5xx) is put back after an exponential backoff with jitter
while the workers go on with the others. Other answers (400, 404, …) are final. With a secret,
every attempt is signed: `X-Makini-Cli-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<body>">`. The body holds no token or secret; the webhook URL itself (Slack's carries a
secret in its path) is shown only as scheme://host/….
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

SIGNATURE_HEADER = "X-Makini-Cli-Signature"
EVENT = "connection.state_changed"
NAME_MAX, REASON_MAX = 120, 400
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def sign(secret: bytes, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def masked(url: str) -> str:
    """scheme://host/… : enough to tell which endpoint, none of the secret in its path or query."""
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#@]*@)?([^/?#]*)", url)
    if not m:
        return "(the --notify URL)"
    rest = url[m.end():]
    return f"{m.group(1)}{m.group(3)}" + ("/…" if rest.strip("/") else "")


def plain(text: Any, limit: int) -> str:
    """Untrusted text for a chat message: one line, no control characters, bounded."""
    s = _CONTROL.sub("\ufffd", str(text if text is not None else ""))
    return s if len(s) <= limit else s[: limit - 1] + "…"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _human(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def notice(row: dict[str, Any], *, previous: str, previous_since: float | None, at: float,
           failing: bool, profile: str | None = None) -> dict[str, Any]:
    """The JSON body for one transition (times RFC 3339)."""
    from ..timeutil import format_rfc3339

    name = plain(row.get("name") or "?", NAME_MAX)
    system = plain(row.get("system") or "", NAME_MAX)
    reason = plain(row.get("reason") or "", REASON_MAX)
    state = row["health"]
    mark = "\U0001F534" if failing else ("\U0001F7E2" if state in ("healthy", "syncing") else "\U0001F7E1")
    was = f"was {previous}" + (f" for {_human(at - previous_since)}" if previous_since is not None else "")
    where = f" ({escape(row['id'])}" + (f", {escape(system)})" if system else ")")
    text = f"{mark} makini: {escape(name)}{where} is now *{state}* ({was})"
    if reason:
        text += f": {escape(reason)}"
    body = {"text": text, "event": EVENT, "id": row["id"], "name": row.get("name"), "system": row.get("system"),
            "previous": previous, "state": state, "failing": failing, "at": format_rfc3339(at),
            "previous_since": format_rfc3339(previous_since) if previous_since is not None else None,
            "reason": row.get("reason"), "hint": row.get("hint"), "sync_status": row.get("sync_status"),
            "last_sync": row.get("last_sync")}
    if profile:
        body["profile"] = profile
    return body


@dataclass
class _Item:
    body: bytes
    about: str  # "<id> <previous> → <state>", for the undelivered report
    attempt: int = 0
    last_error: str = ""


@dataclass
class Notifier:
    url: str
    secret: bytes | None = None
    timeout: float = 10.0
    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    workers: int = 4
    delivered: int = 0
    failed: list[_Item] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: asyncio.Queue[_Item] | None = None
        self._tasks: list[asyncio.Task] = []
        self._pending: set[int] = set()  # ids of items queued, in flight or waiting for a retry
        self._waiting: dict[int, tuple[asyncio.TimerHandle, _Item]] = {}
        self._idle: asyncio.Event | None = None
        self._client = None

    # -- the queue -------------------------------------------------------------------------------
    def _start(self) -> None:
        if self._queue is not None:
            return
        import httpx

        from .. import __version__
        from ..urls import is_loopback

        self._queue = asyncio.Queue()
        self._idle = asyncio.Event()
        self._idle.set()
        self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False,
                                         trust_env=not is_loopback(httpx.URL(self.url).host or ""),
                                         headers={"User-Agent": f"makini-cli/{__version__}"})
        self._tasks = [asyncio.ensure_future(self._worker()) for _ in range(self.workers)]

    def send(self, body: dict[str, Any]) -> None:
        """Queue one notice (needs a running event loop); returns at once."""
        self._start()
        item = _Item(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
                     f"{body.get('id')} {body.get('previous')} → {body.get('state')}")
        self._pending.add(id(item))
        self._idle.clear()
        self._queue.put_nowait(item)

    async def _worker(self) -> None:
        while True:
            item = await self._queue.get()
            retry_in = await self._attempt(item)
            if retry_in is None:
                self._done(item)
            else:
                handle = asyncio.get_running_loop().call_later(retry_in, self._requeue, item)
                self._waiting[id(item)] = (handle, item)

    def _requeue(self, item: _Item) -> None:
        self._waiting.pop(id(item), None)
        self._queue.put_nowait(item)

    def _done(self, item: _Item) -> None:
        self._pending.discard(id(item))
        if not self._pending:
            self._idle.set()

    async def _attempt(self, item: _Item) -> float | None:
        """Send once: None when finished (delivered or given up), else seconds until a retry."""
        import httpx

        item.attempt += 1
        headers = {"Content-Type": "application/json"}
        if self.secret is not None:
            headers[SIGNATURE_HEADER] = sign(self.secret, item.body, int(time.time()))
        retry_after = None
        try:
            response = await self._client.post(self.url, content=item.body, headers=headers)
        except httpx.TimeoutException:
            item.last_error = f"no answer within {self.timeout:g}s"
        except httpx.HTTPError as exc:
            item.last_error = f"{type(exc).__name__}" + (f": {exc}" if str(exc) else "")
            item.last_error = item.last_error.replace(self.url, masked(self.url))
        else:
            if 200 <= response.status_code < 300:
                self.delivered += 1
                return None
            item.last_error = f"HTTP {response.status_code}"
            if response.status_code != 429 and response.status_code < 500:
                self.failed.append(item)  # refused: sending it again would not help
                return None
            retry_after = _seconds(response.headers.get("Retry-After"))
        if item.attempt >= self.max_attempts:
            self.failed.append(item)
            return None
        backoff = random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (item.attempt - 1)))
        return max(backoff, min(retry_after or 0.0, self.max_delay))

    # -- the end -----------------------------------------------------------------------------------
    async def drain(self, timeout: float) -> list[str]:
        """Wait up to `timeout` seconds for every queued notice; stop. Returns one line per notice
        not delivered (given up, or still waiting when time ran out)."""
        if self._queue is None:
            return []
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        unsent = [item for _handle, item in self._waiting.values()]
        for handle, _item in self._waiting.values():
            handle.cancel()
        self._waiting.clear()
        queued = []
        while not self._queue.empty():
            queued.append(self._queue.get_nowait())
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._client.aclose()
        self._queue = None
        lines = [f"{i.about}: {i.last_error} (gave up after {i.attempt} attempt{'s' if i.attempt != 1 else ''})"
                 for i in self.failed]
        lines += [f"{i.about}: {i.last_error or 'not sent'} (still retrying after {i.attempt} "
                  f"attempt{'s' if i.attempt != 1 else ''} when time ran out)" for i in unsent + queued]
        in_flight = len(self._pending) - len(unsent) - len(queued)
        if in_flight > 0:
            lines.append(f"{in_flight} notice{'s' if in_flight != 1 else ''} in flight when time ran out")
        self._pending.clear()
        self.failed = []
        return lines


def _seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None
