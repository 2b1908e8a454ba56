"""The local history of connection states: one SQLite file per profile and base URL in the state
folder, kept for MAKINI_HISTORY_DAYS days (default 90).

It stores state intervals, not checks: a row per transition (`transitions`), and per connection
its current state, since when, and when it was last checked (`current`). So `watch` over 500
connections every minute writes new rows only when something changes, and updates 500 small rows
in place per round.

`record()` reads each connection's previous state and writes the new one in one write
transaction (BEGIN IMMEDIATE takes SQLite's write lock, which works between processes), so two
overlapping cron runs report an incident once: the second sees what the first wrote. An
observation older than the one already recorded (a run that checked earlier but finished later)
changes nothing. No typer/rich here.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MakiniError
from .health import UNKNOWN

DEFAULT_DAYS = 90.0
PRUNE_EVERY = 3600.0  # seconds between retention sweeps
LOCK_WAIT = 30.0      # seconds a writer waits for another makini process's transaction
SCHEMA = """
CREATE TABLE IF NOT EXISTS current (
    conn TEXT PRIMARY KEY, state TEXT NOT NULL, since REAL NOT NULL, last_check REAL NOT NULL,
    previous TEXT NOT NULL, previous_since REAL, name TEXT, system TEXT);
CREATE TABLE IF NOT EXISTS transitions (
    id INTEGER PRIMARY KEY, conn TEXT NOT NULL, at REAL NOT NULL, previous TEXT NOT NULL,
    state TEXT NOT NULL, reason TEXT);
CREATE INDEX IF NOT EXISTS transitions_conn_at ON transitions (conn, at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
REASON_MAX = 500  # characters of a reason kept per transition (server text: bounded)


class HistoryError(MakiniError):
    """The history file cannot be read or written."""

    code = "history_error"


@dataclass
class Observation:
    id: str
    state: str
    at: float            # Unix time of the check
    name: str | None = None
    system: str | None = None
    reason: str | None = None
    # States this check could not see (no --deep: degraded; no --stale-after: stale; no
    # --stuck-after: stuck): it does not end them, so a quick look between two thorough cron runs
    # neither closes an incident nor makes the next run report it again.
    blind: frozenset[str] = frozenset()


@dataclass
class Entry:
    """A connection's place in its history after an observation was recorded."""

    id: str
    state: str
    since: float | None        # when the current state began
    previous: str              # the state before it (`unknown`: no history)
    previous_since: float | None
    changed: bool              # this observation began the current state


def history_days() -> float:
    from ..envvars import days

    return days("MAKINI_HISTORY_DAYS", DEFAULT_DAYS)


def path_for(profile: str, base_url: str) -> Path:
    from ..paths import state_dir

    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", profile)[:40] or "_"
    digest = hashlib.sha256(f"{profile}\n{base_url}".encode()).hexdigest()[:16]
    return state_dir() / "history" / f"{safe}-{digest}.sqlite3"


# What a state looks like to a check that cannot see it.
_SEEN_AS = {"degraded": ("healthy", "syncing"), "stale": ("healthy",), "stuck": ("syncing",)}


def _hidden(recorded: str, ob: Observation) -> bool:
    return recorded in ob.blind and ob.state in _SEEN_AS.get(recorded, ())


class History:
    def __init__(self, path: Path, *, days: float | None = None) -> None:
        self.path = Path(path)
        self.days = history_days() if days is None else days
        self._db: sqlite3.Connection | None = None

    # -- plumbing ------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        from ..fsutil import ensure_dir

        try:
            ensure_dir(self.path.parent)
            if not self.path.exists():  # 0600 from the start; SQLite gives its -wal/-shm the same mode
                os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            # check_same_thread off: `watch` records from a worker thread (one at a time)
            db = sqlite3.connect(self.path, timeout=LOCK_WAIT, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")  # readers (`history`) never block a writer
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        except OSError as exc:
            raise HistoryError(f"cannot open the history {self.path}: {exc.strerror or exc}") from None
        self._db = db
        return db

    def _error(self, exc: Exception) -> HistoryError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return HistoryError(f"the history {self.path} stayed locked by another makini process "
                                f"for {LOCK_WAIT:.0f}s", hint="try again, or pass --no-history")
        return HistoryError(f"the history {self.path} is unreadable: {text}",
                            hint="move the file away (a new one is started), or pass --no-history")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------
    def record(self, observations: Iterable[Observation], *, now: float | None = None) -> dict[str, Entry]:
        """Record a round of checks; returns each observed connection's entry."""
        observations = list(observations)
        db = self._open()
        out: dict[str, Entry] = {}
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                known = {r[0]: r[1:] for r in db.execute(
                    "SELECT conn, state, since, last_check, previous, previous_since FROM current")}
                moves, touches = [], []
                for ob in observations:
                    old = known.get(ob.id)
                    if old is not None and old[2] >= ob.at:  # a newer check is already recorded
                        state, since, _last, previous, previous_since = old
                        out[ob.id] = Entry(ob.id, state, since, previous, previous_since, False)
                        continue
                    if old is not None and (old[0] == ob.state or _hidden(old[0], ob)):
                        out[ob.id] = Entry(ob.id, old[0], old[1], old[3], old[4], False)
                        touches.append((ob.at, ob.name, ob.system, ob.id))
                        continue
                    previous, previous_since = (old[0], old[1]) if old is not None else (UNKNOWN, None)
                    out[ob.id] = Entry(ob.id, ob.state, ob.at, previous, previous_since, True)
                    moves.append(ob)
                    known[ob.id] = (ob.state, ob.at, ob.at, previous, previous_since)
                db.executemany("UPDATE current SET last_check = ?, name = COALESCE(?, name), "
                               "system = COALESCE(?, system) WHERE conn = ?", touches)
                db.executemany(
                    "INSERT INTO current (conn, state, since, last_check, previous, previous_since, name, system) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conn) DO UPDATE SET state = excluded.state, "
                    "since = excluded.since, last_check = excluded.last_check, previous = excluded.previous, "
                    "previous_since = excluded.previous_since, name = COALESCE(excluded.name, name), "
                    "system = COALESCE(excluded.system, system)",
                    [(ob.id, ob.state, ob.at, ob.at, out[ob.id].previous, out[ob.id].previous_since, ob.name,
                      ob.system) for ob in moves])
                db.executemany("INSERT INTO transitions (conn, at, previous, state, reason) VALUES (?, ?, ?, ?, ?)",
                               [(ob.id, ob.at, out[ob.id].previous, ob.state, (ob.reason or "")[:REASON_MAX])
                                for ob in moves])
                self._prune(db, time.time() if now is None else now)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        return out

    def _prune(self, db: sqlite3.Connection, now: float) -> None:
        row = db.execute("SELECT value FROM meta WHERE key = 'pruned_at'").fetchone()
        if row is not None and now - float(row[0]) < PRUNE_EVERY:
            return
        cutoff = now - self.days * 86400
        # Connections not seen within the retention go entirely; for the others, transitions
        # before the cutoff go, except the last one (the state the window starts in).
        gone = [r[0] for r in db.execute("SELECT conn FROM current WHERE last_check < ?", (cutoff,))]
        db.executemany("DELETE FROM transitions WHERE conn = ?", [(c,) for c in gone])
        db.executemany("DELETE FROM current WHERE conn = ?", [(c,) for c in gone])
        db.execute("DELETE FROM transitions WHERE at < :cutoff AND EXISTS (SELECT 1 FROM transitions t2 "
                   "WHERE t2.conn = transitions.conn AND t2.at > transitions.at AND t2.at <= :cutoff)",
                   {"cutoff": cutoff})
        db.execute("INSERT INTO meta (key, value) VALUES ('pruned_at', ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(now),))

    # -- reading -----------------------------------------------------------------------------------
    def connections(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        """The current row of each connection (all, or those of `ids` in that order)."""
        if not self.path.exists():
            return []
        db = self._open()
        try:
            rows = db.execute("SELECT conn, state, since, last_check, previous, previous_since, name, system "
                              "FROM current ORDER BY conn").fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        keys = ("id", "state", "since", "last_check", "previous", "previous_since", "name", "system")
        found = {r[0]: dict(zip(keys, r)) for r in rows}
        return list(found.values()) if ids is None else [found[i] for i in ids if i in found]

    def transitions(self, conn: str, start: float) -> list[dict[str, Any]]:
        """Transitions of one connection from the last one at or before `start` on, oldest first."""
        db = self._open()
        try:
            first = db.execute("SELECT MAX(at) FROM transitions WHERE conn = ? AND at <= ?", (conn, start)).fetchone()[0]
            rows = db.execute("SELECT at, previous, state, reason FROM transitions WHERE conn = ? AND at >= ? "
                              "ORDER BY at, id", (conn, start if first is None else first)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        return [{"at": r[0], "previous": r[1], "state": r[2], "reason": r[3]} for r in rows]

    def count_rows(self) -> dict[str, int]:
        db = self._open()
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("current", "transitions")}
