"""Errors per connection, one JSON-lines file each in the user log dir, rotated by size.

When one customer's system misbehaves, its errors should not drown in everyone else's, and
support wants the request ids: each failed connection-scoped call appends
`{time, connection, operation, status, code, makini_code, message, request_id}`.

A line is written with one `write()` on an O_APPEND descriptor, so parallel processes never
interleave half lines; rotation (`<id>.jsonl` -> `.1` -> `.2` …) happens under an advisory lock.
MAKINI_CONNLOG_MAX_BYTES (default 1 MiB) and MAKINI_CONNLOG_BACKUPS (default 3) tune it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import envvars, paths
from ..fsutil import append_rotated, ensure_dir, rotated_paths
from ..timeutil import format_rfc3339, parse_rfc3339

DEFAULT_MAX_BYTES = 1 << 20
DEFAULT_BACKUPS = 3
_SAFE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")


def now_iso(ts: float | None = None) -> str:
    return format_rfc3339(time.time() if ts is None else ts, timespec="milliseconds")


class ConnectionLog:
    def __init__(self, directory: Path | None = None, *, max_bytes: int | None = None,
                 backups: int | None = None) -> None:
        self.dir = directory or (paths.log_dir() / "connections")
        self.max_bytes = max_bytes or envvars.integer("MAKINI_CONNLOG_MAX_BYTES", DEFAULT_MAX_BYTES, minimum=256)
        self.backups = envvars.integer("MAKINI_CONNLOG_BACKUPS", DEFAULT_BACKUPS, minimum=1) if backups is None else backups

    def file(self, connection: str) -> Path:
        name = connection if _SAFE.fullmatch(connection) else hashlib.sha256(connection.encode()).hexdigest()
        return self.dir / f"{name}.jsonl"

    def files(self, connection: str) -> list[Path]:
        """Oldest first: `.N` … `.1`, then the live file."""
        return rotated_paths(self.file(connection), self.backups)

    def append(self, connection: str, entry: dict[str, Any]) -> None:
        ensure_dir(self.dir)
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=str) + "\n").encode()
        append_rotated(self.file(connection), line, max_bytes=self.max_bytes, backups=self.backups,
                       lock_file=self.dir / ".lock")

    def record(self, connection: str, operation: str, error: Any) -> None:
        self.append(connection, {
            "time": now_iso(), "connection": connection, "operation": operation,
            "status": getattr(error, "status", None), "code": getattr(error, "code", None),
            "makini_code": getattr(error, "makini_code", None),
            "message": getattr(error, "message", None) or str(error),
            "request_id": getattr(error, "request_id", None)})

    def read(self, connection: str, *, since: float | None = None) -> Iterator[dict[str, Any]]:
        """Entries oldest first; `since` is a Unix time. Damaged lines are skipped, not fatal."""
        for path in self.files(connection):
            try:
                fh = open(path, encoding="utf-8", errors="replace")
            except OSError:
                continue
            with fh:
                for line in fh:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue
                    if not isinstance(entry, dict):
                        continue
                    if since is not None and _ts(entry.get("time")) < since:
                        continue
                    yield entry


def _ts(value: Any) -> float:
    if not isinstance(value, str):
        return 0.0
    try:
        return parse_rfc3339(value, naive_is_utc=True).timestamp()
    except ValueError:
        return 0.0


class LogObserver:
    """Plugs the log into MakiniClient.observers. A failing disk never fails the API call."""

    def __init__(self, log: ConnectionLog) -> None:
        self.log = log

    def before(self, connection: str, operation: str) -> None: ...

    def success(self, connection: str, operation: str) -> None: ...

    def failure(self, connection: str, operation: str, error: Any) -> None:
        with contextlib.suppress(OSError):
            self.log.record(connection, operation, error)


def install(ctx: Any, client: Any) -> None:
    if not any(isinstance(o, LogObserver) for o in client.observers):
        client.observers.append(LogObserver(ConnectionLog()))
