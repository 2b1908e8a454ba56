"""The local webhook delivery log: one JSON line per attempt, append-only.

`makini webhooks test`, `listen` and `replay` each record every attempt here, with the exact
body (base64) and headers, so `replay` can resend it byte for byte. The signature header is
kept (it is needed to replay and is not the secret); the secret itself is never written, nor
are credentials a sender might add (Authorization, Cookie).

Lines are appended with `fsutil.append_rotated` (one `write` under the log's lock), so
concurrent writers (a listener and a test run) never interleave lines. Past `max_bytes` the file
is rotated once to `webhook-deliveries.jsonl.1`, replacing the previous rotation.

Requests the listener rejects (unsigned, badly signed, malformed, too large) are anyone's to send,
so they go to a file of their own, `webhook-rejections.jsonl`, with its own smaller rotation, and
without their body (its size, its SHA-256 and a short prefix only): a flood of them can never
push an accepted delivery out of the log, nor fill the disk. Reading merges both files by time.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import json
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, UTC
from pathlib import Path

from makini_cli.fsutil import append_rotated, ensure_dir
from makini_cli.timeutil import format_rfc3339, parse_rfc3339

FILENAME = "webhook-deliveries.jsonl"
REJECTIONS = "webhook-rejections.jsonl"
MAX_BYTES = 16 * 1024 * 1024
REJECTIONS_MAX_BYTES = 4 * 1024 * 1024
PREFIX_BYTES = 64  # of a rejected body, kept to tell what was sent
MAX_HEADERS = 32  # of a rejected request, each value cut to MAX_HEADER_VALUE characters
MAX_HEADER_VALUE = 256
SOURCES = ("test", "listen", "replay")
_DROP = frozenset({"authorization", "proxy-authorization", "cookie", "host", "content-length",
                   "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"})


def default_path() -> Path:
    from makini_cli.paths import state_dir

    return state_dir() / FILENAME


def now_rfc3339() -> str:
    return format_rfc3339(timespec="milliseconds")


def parse_time(text: str) -> datetime:
    return parse_rfc3339(text)


def new_id() -> str:
    return "wdl_" + secrets.token_hex(8)


def replayable_headers(headers: Iterable[tuple[str, str]] | dict[str, str]) -> list[list[str]]:
    """The headers worth keeping and resending: all but hop-by-hop ones and credentials."""
    items = headers.items() if isinstance(headers, dict) else headers
    return [[k, v] for k, v in items if k.lower() not in _DROP]


def is_ok(entry: dict) -> bool:
    code = entry.get("status_code")
    return isinstance(code, int) and 200 <= code < 300


class DeliveryLog:
    """Append to and read the delivery log at `path` (default: the state dir)."""

    def __init__(self, path: Path | None = None, *, max_bytes: int = MAX_BYTES,
                 rejections_max_bytes: int = REJECTIONS_MAX_BYTES) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.max_bytes = max_bytes
        self.rejections_max_bytes = rejections_max_bytes
        self._dir_ready = False

    @property
    def rotated_path(self) -> Path:
        return self.path.with_name(self.path.name + ".1")

    @property
    def rejections_path(self) -> Path:
        """Beside the log: `webhook-deliveries.jsonl` → `webhook-rejections.jsonl`."""
        name = self.path.name
        return self.path.with_name(REJECTIONS if name == FILENAME else name + ".rejections")

    def append(self, *, source: str, url: str, event: str | None, status_code: int | None,
               duration_ms: float | None, error: str | None = None, attempt: int = 1,
               body: bytes = b"", headers: Iterable[tuple[str, str]] | dict[str, str] = (),
               method: str = "POST", id: str | None = None, **extra) -> dict:
        """Record one attempt; returns the entry as written."""
        entry = {
            "id": id or new_id(), "time": now_rfc3339(), "source": source, "method": method,
            "url": url, "event": event, "status_code": status_code,
            "duration_ms": None if duration_ms is None else round(duration_ms, 2),
            "error": error, "attempt": attempt,
            "headers": replayable_headers(headers),
            "body_b64": base64.b64encode(body).decode("ascii"),
        }
        if extra:
            entry.update(extra)
        self.write(entry)
        return entry

    def append_rejection(self, *, source: str, url: str, event: str | None, status_code: int,
                         duration_ms: float | None, error: str | None, body: bytes = b"",
                         headers: Iterable[tuple[str, str]] | dict[str, str] = (),
                         method: str = "POST") -> dict:
        """Record a rejected request in the rejections file: no body, bounded headers."""
        kept = replayable_headers(headers)[:MAX_HEADERS]
        entry = {
            "id": new_id(), "time": now_rfc3339(), "source": source, "method": method,
            "url": url, "event": event, "status_code": status_code,
            "duration_ms": None if duration_ms is None else round(duration_ms, 2),
            "error": error, "attempt": 1, "rejected": True,
            "headers": [[k[:MAX_HEADER_VALUE], v[:MAX_HEADER_VALUE]] for k, v in kept],
            "body_b64": "", "body_size": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "body_prefix_b64": base64.b64encode(body[:PREFIX_BYTES]).decode("ascii"),
        }
        self.write(entry, rejection=True)
        return entry

    def write(self, entry: dict, *, rejection: bool = False) -> None:
        line = (json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
        if not self._dir_ready:
            ensure_dir(self.path.parent)
            self._dir_ready = True
        if rejection:
            append_rotated(self.rejections_path, line, max_bytes=self.rejections_max_bytes,
                           backups=1)
        else:
            append_rotated(self.path, line, max_bytes=self.max_bytes, backups=1)

    def _lines(self) -> Iterator[dict]:
        """Every entry, oldest first: the deliveries and the rejections merged by time."""
        return heapq.merge(self._file_lines(self.path), self._file_lines(self.rejections_path),
                           key=_time_key)

    def _file_lines(self, current: Path) -> Iterator[dict]:
        for path in (current.with_name(current.name + ".1"), current):
            try:
                fh = open(path, "rb")
            except FileNotFoundError:
                continue
            with fh:
                for raw in fh:
                    try:
                        entry = json.loads(raw)
                    except (ValueError, RecursionError):
                        continue  # a torn or foreign line: skip, never fail the reader
                    if isinstance(entry, dict):
                        yield entry

    def read(self, *, since: timedelta | None = None, status: str | None = None,
             limit: int | None = None, source: str | None = None,
             event: str | None = None) -> list[dict]:
        """Entries newest first, filtered: `since` (age), `status` "ok"|"failed", `source`."""
        if status not in (None, "ok", "failed"):
            raise ValueError("status must be 'ok' or 'failed'")
        cutoff = datetime.now(UTC) - since if since is not None else None
        out = []
        for entry in self._lines():
            if status is not None and is_ok(entry) != (status == "ok"):
                continue
            if source is not None and entry.get("source") != source:
                continue
            if event is not None and entry.get("event") != event:
                continue
            if cutoff is not None:
                try:
                    if parse_time(entry["time"]) < cutoff:
                        continue
                except (KeyError, TypeError, ValueError):
                    continue
            out.append(entry)
        out.reverse()
        return out[:limit] if limit is not None else out

    def get(self, id: str) -> dict | None:
        """The entry with this id (or a unique prefix of at least 6 characters)."""
        matches = [e for e in self._lines() if e.get("id") == id]
        if not matches and len(id) >= 6:
            matches = [e for e in self._lines() if str(e.get("id", "")).startswith(id)]
            if len({e.get("id") for e in matches}) > 1:
                raise LookupError(f"{id!r} matches more than one delivery")
        return matches[-1] if matches else None


def _time_key(entry: dict) -> str:
    # Every entry's time is written by now_rfc3339 (UTC, fixed width), so text order is time order.
    value = entry.get("time")
    return value if isinstance(value, str) else ""


def body_of(entry: dict) -> bytes:
    return base64.b64decode(entry.get("body_b64") or "")


def headers_of(entry: dict) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in entry.get("headers") or ()]
