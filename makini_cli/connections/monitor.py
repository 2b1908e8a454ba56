"""Rounds of checks over time, shared by `connections status` (one round) and `connections watch`
(a round every interval): record each round in the history, find the transitions, and decide when
a watch is done. No typer/rich here; the commands render and notify through callbacks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from . import health
from .history import Entry, Observation


def _unix(value: Any) -> float:
    from ..output import parse_time

    dt = parse_time(value)
    return dt.timestamp() if dt is not None else time.time()


def blind_to(*, deep: bool, stale_after: float | None, stuck_after: float | None) -> frozenset[str]:
    """The states a check with these options cannot see."""
    return frozenset(s for s, seen in ((health.DEGRADED, deep), (health.STALE, stale_after is not None),
                                       (health.STUCK, stuck_after is not None)) if not seen)


def observations(rows: list[dict[str, Any]], blind: frozenset[str] = frozenset()) -> list[Observation]:
    return [Observation(r["id"], r["health"], _unix(r.get("checked_at")), r.get("name"), r.get("system"),
                        r.get("reason"), blind) for r in rows if r.get("id")]


def annotate(rows: list[dict[str, Any]], entries: dict[str, Entry]) -> None:
    """Give each row its place in the history: `previous` (the state before this one, `unknown`
    without history), `since` (when this state began), `previous_since`."""
    from ..timeutil import format_rfc3339

    for row in rows:
        entry = entries.get(row.get("id"))
        if entry is None:
            continue
        row["previous"] = entry.previous
        row["since"] = format_rfc3339(entry.since) if entry.since is not None else None
        row["previous_since"] = format_rfc3339(entry.previous_since) if entry.previous_since is not None else None


def newly_failing(entry: Entry, fail_states: frozenset[str]) -> bool:
    """This observation moved the connection into a --fail-on state from outside them: an
    incident begins (error → unreachable is the same incident going on)."""
    return entry.changed and entry.state in fail_states and entry.previous not in fail_states


class MemoryHistory:
    """The history of one `watch --no-history` run, kept in memory only (same interface)."""

    def __init__(self) -> None:
        self.known: dict[str, Entry] = {}

    def record(self, observations: list[Observation], **_: Any) -> dict[str, Entry]:
        out = {}
        for ob in observations:
            old = self.known.get(ob.id)
            if old is not None and old.state == ob.state:
                out[ob.id] = Entry(ob.id, old.state, old.since, old.previous, old.previous_since, False)
            else:
                prev, prev_since = (old.state, old.since) if old else (health.UNKNOWN, None)
                out[ob.id] = Entry(ob.id, ob.state, ob.at, prev, prev_since, True)
            self.known[ob.id] = out[ob.id]
        return out

    def close(self) -> None:
        pass


@dataclass
class Round:
    number: int
    started: float           # Unix time
    seconds: float           # how long the checks took
    rows: list[dict[str, Any]]
    entries: dict[str, Entry]
    changes: list[dict[str, Any]] = field(default_factory=list)  # rows that changed state

    def baseline(self, row: dict[str, Any]) -> bool:
        """A first sight (`unknown → state`), not a change anyone saw happen."""
        return self.entries[row["id"]].previous == health.UNKNOWN


async def record_round(history: Any, rows: list[dict[str, Any]], blind: frozenset[str]) -> dict[str, Entry]:
    """Record off the event loop's thread: a slow disk never stalls deliveries or /metrics."""
    obs = observations(rows, blind)
    return await asyncio.to_thread(history.record, obs)


_FATAL = frozenset({"auth_failed", "permission_denied", "usage_error", "config_error", "insecure_transport"})


@dataclass
class Watcher:
    check: Callable[[], Awaitable[tuple[list[dict[str, Any]], float]]]
    history: Any
    interval: float
    fail_states: frozenset[str]
    on_round: Callable[[Round], Any]
    until: frozenset[str] | None = None
    exit_on_change: bool = False
    rounds: int | None = None
    timeout: float | None = None
    blind: frozenset[str] = frozenset()
    # A round that fails as a whole (the connection list unreadable, Makini down) is reported here
    # and the watch goes on; refused credentials and bad settings still end it.
    on_error: Callable[[int, Exception], Any] | None = None

    async def run(self) -> int:
        """Rounds until a stop condition holds; returns the exit code (0, 3, or 124 on --timeout)."""
        from ..errors import MakiniError

        began = time.monotonic()
        number = 0
        while True:
            number += 1
            started, tick = time.time(), time.monotonic()
            try:
                rows, seconds = await self.check()
            except MakiniError as exc:
                last = self.rounds is not None and number >= self.rounds
                if self.on_error is None or exc.code in _FATAL or last:
                    raise
                self.on_error(number, exc)
            else:
                entries = await record_round(self.history, rows, self.blind)
                annotate(rows, entries)
                this = Round(number, started, seconds, rows, entries,
                             [r for r in rows if r.get("id") in entries and entries[r["id"]].changed])
                result = self.on_round(this)
                if asyncio.iscoroutine(result):
                    await result
                code = self._verdict(this)
                if code is not None:
                    return code
            if self.timeout is not None and time.monotonic() - began >= self.timeout:
                return 124
            # A fixed rate: the next round starts `interval` after this one started.
            delay = self.interval - (time.monotonic() - tick)
            if self.timeout is not None:
                delay = min(delay, self.timeout - (time.monotonic() - began))
            if delay > 0:
                await asyncio.sleep(delay)

    def _verdict(self, this: Round) -> int | None:
        failing = any(r["health"] in self.fail_states for r in this.rows)
        if self.until is not None and all(r["health"] in self.until for r in this.rows):
            return 0
        if self.exit_on_change:
            seen = [r for r in this.changes if not this.baseline(r)]
            if seen:
                return 3 if any(r["health"] in self.fail_states for r in seen) else 0
        if self.rounds is not None and this.number >= self.rounds:
            return 3 if failing else 0
        return None
