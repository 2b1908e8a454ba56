"""Circuit breaker per connection, kept in the user state dir so it holds across invocations.

A cron loop calling `makini` every minute against a dead system should not hammer it (nor wait
for every timeout): after `threshold` consecutive connection-level failures (no answer, a 5xx, a
timeout) the breaker opens, and calls to that connection fail fast until the cooldown ends. Then
one trial call is let through (a short lease, so two processes do not both try); its outcome
closes the breaker or opens it for another cooldown. Answers such as 401/403/404/429 prove the
system is reachable, so they close it too.

Settings (environment, so every command and every process agrees):
  MAKINI_BREAKER_THRESHOLD  consecutive failures that open it (default 5; 0 turns it off)
  MAKINI_BREAKER_COOLDOWN   seconds (or 90s, 2m, 1h) it stays open (default 120)
  MAKINI_BREAKER_FORCE=1    let calls through while open (the `--force` option does the same)

State: one small JSON file per connection under `<state dir>/breakers/`, written atomically
under an advisory lock; no file means closed with no failures, so the healthy path only stats.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import envvars, paths
from ..fsutil import atomic_write_text, locked
from ..timeutil import format_rfc3339

DEFAULT_THRESHOLD = 5
DEFAULT_COOLDOWN = 120.0
TRIAL_LEASE = 60.0  # a trial call that never reports back (killed process) frees the slot after this
FAILURE_CODES = frozenset({"network_error", "timeout", "server_error"})
_SAFE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")


def settings() -> tuple[int, float]:
    """Threshold and cooldown from the environment; a value that is not one is exit 2 (envvars)."""
    return (envvars.integer("MAKINI_BREAKER_THRESHOLD", DEFAULT_THRESHOLD, minimum=0),
            envvars.duration("MAKINI_BREAKER_COOLDOWN", DEFAULT_COOLDOWN))


def forced_by_env() -> bool:
    return envvars.flag("MAKINI_BREAKER_FORCE")


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return format_rfc3339(ts)


def counts(error: Any) -> bool:
    """Only failures that say nothing answered (or the server broke) count against a connection."""
    return getattr(error, "code", None) in FAILURE_CODES


class Breaker:
    def __init__(self, directory: Path | None = None, *, threshold: int | None = None,
                 cooldown: float | None = None, clock: Callable[[], float] = time.time) -> None:
        env_threshold, env_cooldown = settings()
        self.dir = directory or (paths.state_dir() / "breakers")
        self.threshold = env_threshold if threshold is None else threshold
        self.cooldown = env_cooldown if cooldown is None else cooldown
        self.clock = clock

    @property
    def enabled(self) -> bool:
        return self.threshold > 0

    # --- files -----------------------------------------------------------------
    def _file(self, connection: str) -> Path:
        name = connection if _SAFE.fullmatch(connection) else hashlib.sha256(connection.encode()).hexdigest()
        return self.dir / f"{name}.json"

    def _read(self, connection: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._file(connection).read_text("utf-8"))
        except (OSError, ValueError):
            return None  # missing or damaged: a breaker errs on the side of letting calls through
        return data if isinstance(data, dict) else None

    def _locked(self):
        return locked(self.dir / ".lock")

    def _write(self, connection: str, data: dict[str, Any]) -> None:
        data["connection"] = connection
        data["updated_at"] = self.clock()
        atomic_write_text(self._file(connection), json.dumps(data, indent=1))

    def _remove(self, connection: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._file(connection).unlink()

    # --- what callers ask -----------------------------------------------------
    def view(self, connection: str) -> dict[str, Any]:
        """{state: closed|open|half_open, failures, open_until, last_error} for display."""
        data = self._read(connection) or {}
        now = self.clock()
        until = data.get("open_until")
        if not isinstance(until, (int, float)):
            state = "closed"
        elif until > now:
            state = "open"
        else:
            state = "half_open"
        return {"connection": connection, "state": state, "failures": int(data.get("failures") or 0),
                "opened_at": iso(data.get("opened_at")), "open_until": iso(until if state != "closed" else None),
                "reopens_in": max(0.0, until - now) if state == "open" else None,
                "last_error": data.get("last_error")}

    def check(self, connection: str, *, force: bool = False) -> None:
        """Raise CircuitOpen if calls must fail fast; take the trial slot when the cooldown is over."""
        if not self.enabled or not self._file(connection).exists():
            return
        data = self._read(connection)
        until = (data or {}).get("open_until")
        if force or not isinstance(until, (int, float)):
            return
        now = self.clock()
        if until > now:
            raise self._open_error(connection, data, until - now, trial=False)
        with self._locked():
            data = self._read(connection) or {}  # again: another process may have moved it on
            until = data.get("open_until")
            if not isinstance(until, (int, float)):
                return
            if until > now:
                raise self._open_error(connection, data, until - now, trial=False)
            lease = data.get("trial_until")
            if isinstance(lease, (int, float)) and lease > now:
                raise self._open_error(connection, data, lease - now, trial=True)
            data["trial_until"] = now + TRIAL_LEASE  # this call is the trial; others wait for it
            self._write(connection, data)

    def record_success(self, connection: str) -> None:
        if self._file(connection).exists():
            with self._locked():
                self._remove(connection)

    def record_failure(self, connection: str, error: Any, operation: str | None = None) -> None:
        if not self.enabled:
            return
        if not counts(error):
            self.record_success(connection)  # an answer, even a refusal, proves the system is there
            return
        now = self.clock()
        with self._locked():
            data = self._read(connection) or {}
            failures = int(data.get("failures") or 0) + 1
            data["failures"] = failures
            data["last_error"] = {"at": iso(now), "operation": operation, "code": getattr(error, "code", None),
                                  "status": getattr(error, "status", None),
                                  "message": getattr(error, "message", None) or str(error),
                                  "request_id": getattr(error, "request_id", None)}
            data.pop("trial_until", None)
            if failures >= self.threshold:
                if not isinstance(data.get("open_until"), (int, float)) or data["open_until"] <= now:
                    data["opened_at"] = now  # (re)opened now: a failed trial starts a new cooldown
                data["open_until"] = now + self.cooldown
            self._write(connection, data)

    def reset(self, connection: str) -> bool:
        with self._locked():
            existed = self._file(connection).exists()
            self._remove(connection)
        return existed

    def all(self) -> list[dict[str, Any]]:
        out = []
        for path in sorted(self.dir.glob("*.json")) if self.dir.exists() else []:
            try:
                conn = json.loads(path.read_text("utf-8")).get("connection")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(conn, str):
                out.append(self.view(conn))
        return out

    def _open_error(self, connection: str, data: dict[str, Any] | None, wait: float, *, trial: bool):
        from ..errors import CircuitOpen

        data = data or {}
        last = data.get("last_error") or {}
        detail = last.get("message") or "unknown error"
        if last.get("status"):
            detail += f" (HTTP {last['status']})"
        if trial:
            what = f"a trial call is deciding whether connection {connection} is back"
        else:
            what = (f"circuit open for connection {connection} after {data.get('failures', '?')} "
                    f"consecutive failures; it reopens at {iso(self.clock() + wait)} "
                    f"(in {math.ceil(wait)}s)")
        return CircuitOpen(f"{what}; last error at {last.get('at') or '?'}: {detail}",
                           connection=connection, request_id=last.get("request_id"),
                           hint="add --force to call anyway (or set MAKINI_BREAKER_FORCE=1); "
                                "`makini connections breaker --reset ID` closes it")


class BreakerObserver:
    """Plugs the breaker into MakiniClient.observers (connection-scoped calls only)."""

    def __init__(self, breaker: Breaker, *, force: bool = False) -> None:
        self.breaker = breaker
        self.force = force

    def before(self, connection: str, operation: str) -> None:
        self.breaker.check(connection, force=self.force)

    # A full or read-only disk must never turn a good API answer into a failure.
    def success(self, connection: str, operation: str) -> None:
        with contextlib.suppress(OSError):
            self.breaker.record_success(connection)

    def failure(self, connection: str, operation: str, error: Any) -> None:
        with contextlib.suppress(OSError):
            self.breaker.record_failure(connection, error, operation)


def install(ctx: Any, client: Any) -> None:
    """Every client gets the breaker (installed by AppContext.make_client)."""
    if any(isinstance(o, BreakerObserver) for o in client.observers):
        return
    breaker = Breaker()
    if breaker.enabled:
        force = bool(getattr(ctx, "breaker_force", False)) or forced_by_env()
        client.observers.append(BreakerObserver(breaker, force=force))
