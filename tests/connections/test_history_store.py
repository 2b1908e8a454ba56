"""The local state history: intervals, not checks; one lock around read-previous/write-new;
bounded retention; private files; a run that cannot see a state does not end it."""

from __future__ import annotations

import multiprocessing
import os
import stat
import time

import pytest

from makini_cli.connections.history import History, Observation, path_for


def obs(cid: str, state: str, at: float, **kw) -> Observation:
    return Observation(cid, state, at, name=f"Customer {cid}", system="SAP", reason=f"{state} reason", **kw)


def test_watching_500_connections_writes_a_row_per_transition_not_per_check(tmp_path):
    with History(tmp_path / "h.sqlite3", days=90) as h:
        ids = [f"{n:014d}" for n in range(500)]
        start = time.time() - 3600
        for minute in range(60):  # an hour of `watch --interval 60s`
            states = {cid: "healthy" for cid in ids}
            if minute >= 30:
                states[ids[7]] = "unreachable"  # one incident half-way
            h.record([obs(cid, states[cid], start + minute * 60) for cid in ids], now=start + minute * 60)
        rows = h.count_rows()
    assert rows == {"current": 500, "transitions": 501}  # 500 first sights and one change, not 30,000


def test_an_observation_reports_its_previous_state_and_since_when(tmp_path):
    with History(tmp_path / "h.sqlite3", days=90) as h:
        first = h.record([obs("a", "healthy", 1000.0)], now=1000.0)["a"]
        assert (first.previous, first.state, first.changed, first.since) == ("unknown", "healthy", True, 1000.0)
        same = h.record([obs("a", "healthy", 1060.0)], now=1060.0)["a"]
        assert (same.previous, same.changed, same.since) == ("unknown", False, 1000.0)
        moved = h.record([obs("a", "error", 1120.0)], now=1120.0)["a"]
        assert (moved.previous, moved.previous_since, moved.state, moved.since, moved.changed) == \
            ("healthy", 1000.0, "error", 1120.0, True)
        assert h.connections(["a"])[0]["last_check"] == 1120.0
        assert [t["state"] for t in h.transitions("a", 0)] == ["healthy", "error"]


def test_an_older_observation_recorded_late_changes_nothing(tmp_path):
    with History(tmp_path / "h.sqlite3", days=90) as h:
        h.record([obs("a", "error", 2000.0)], now=2000.0)
        late = h.record([obs("a", "healthy", 1990.0)], now=2001.0)["a"]  # checked earlier, finished later
        assert (late.state, late.changed) == ("error", False)
        assert h.count_rows()["transitions"] == 1


def test_a_check_that_cannot_see_a_state_does_not_end_it(tmp_path):
    with History(tmp_path / "h.sqlite3", days=90) as h:
        h.record([obs("a", "degraded", 1000.0), obs("b", "stale", 1000.0), obs("c", "stuck", 1000.0)], now=1000.0)
        quick = frozenset({"degraded", "stale", "stuck"})  # no --deep, --stale-after or --stuck-after
        out = h.record([obs("a", "healthy", 1060.0, blind=quick), obs("b", "healthy", 1060.0, blind=quick),
                        obs("c", "syncing", 1060.0, blind=quick)], now=1060.0)
        assert {k: (e.state, e.changed) for k, e in out.items()} == {
            "a": ("degraded", False), "b": ("stale", False), "c": ("stuck", False)}
        seen = h.record([obs("a", "healthy", 1120.0)], now=1120.0)["a"]  # a --deep run sees it healed
        assert (seen.previous, seen.state, seen.changed) == ("degraded", "healthy", True)
        other = h.record([obs("b", "error", 1120.0, blind=quick)], now=1120.0)["b"]
        assert (other.previous, other.state, other.changed) == ("stale", "error", True)


def test_retention_drops_old_transitions_but_keeps_the_state_a_window_starts_in(tmp_path):
    day = 86400.0
    now = 100 * day
    with History(tmp_path / "h.sqlite3", days=10) as h:
        h.record([obs("a", "healthy", now - 30 * day), obs("gone", "healthy", now - 30 * day)], now=now - 30 * day)
        h.record([obs("a", "error", now - 20 * day)], now=now - 20 * day)
        h.record([obs("a", "healthy", now - 15 * day)], now=now - 15 * day)
        h.record([obs("a", "error", now - 1 * day)], now=now)
        assert [t["at"] for t in h.transitions("a", 0)] == [now - 15 * day, now - day]
        assert h.connections() and [c["id"] for c in h.connections()] == ["a"]  # unseen for 30 days: gone


def test_history_days_comes_from_the_environment_and_is_validated(tmp_path, monkeypatch, cli):
    monkeypatch.setenv("MAKINI_HISTORY_DAYS", "2.5")
    assert History(tmp_path / "h.sqlite3").days == 2.5
    for bad in ("abc", "0", "-3", "nan", "inf"):
        r = cli("--sandbox", "connections", "status", "--all", env={"MAKINI_HISTORY_DAYS": bad})
        assert r.code == 2, r
        assert "expected a number of days above 0" in r.stderr and r.stdout == ""


def test_history_files_are_private_and_one_per_profile_and_base_url(cli, config_dir):
    r = cli("--sandbox", "connections", "status", "--all", "-o", "json")
    assert r.code == 3, r
    files = list((config_dir / "state" / "history").glob("*.sqlite3"))
    assert len(files) == 1 and files[0].name.startswith("sandbox-")
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700
    assert path_for("prod", "https://api.makini.io") != path_for("prod", "https://eu.api.makini.io")
    assert path_for("prod", "https://api.makini.io") != path_for("staging", "https://api.makini.io")
    assert path_for("a/../../b", "x").parent == path_for("a", "x").parent  # a name never leaves the folder


def test_no_history_records_nothing(cli, config_dir):
    r = cli("--sandbox", "connections", "status", "--all", "--no-history", "-o", "json")
    assert r.code == 3 and "previous" not in r.json()[0], r
    assert not (config_dir / "state" / "history").exists()


def test_an_unreadable_history_warns_but_the_check_still_counts(cli, config_dir):
    cli("--sandbox", "connections", "status", "--all", "-o", "json")
    target = next((config_dir / "state" / "history").glob("sandbox-*.sqlite3"))
    target.write_bytes(b"this is not a database" * 100)
    r = cli("--sandbox", "connections", "status", "--all", "-o", "json")
    assert r.code == 3 and len(r.json()) == 10, r
    assert "warning: not recorded in the history" in r.stderr and "unreadable" in r.stderr
    r = cli("--sandbox", "connections", "status", "--all", "--changes", "-o", "json")
    assert r.code == 1 and r.stdout == "", r
    assert "is unreadable" in r.stderr and "--no-history" in r.stderr and "Traceback" not in r.stderr


def _record_in_process(path: str, state: str, start_at: float, results) -> None:
    h = History(path, days=90)
    while time.time() < start_at:  # both processes reach the lock together
        time.sleep(0.001)
    entry = h.record([Observation("a", state, time.time())])["a"]
    results.put(entry.changed)
    h.close()


def test_two_processes_recording_the_same_change_at_once_report_it_once(tmp_path):
    path = str(tmp_path / "h.sqlite3")
    with History(path, days=90) as h:
        h.record([Observation("a", "healthy", time.time() - 60)])
    ctx = multiprocessing.get_context("spawn" if os.name == "nt" else "fork")
    results = ctx.Queue()
    start_at = time.time() + 0.3
    procs = [ctx.Process(target=_record_in_process, args=(path, "unreachable", start_at, results)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(20)
    changed = sorted(results.get(timeout=5) for _ in procs)
    assert changed == [False, False, False, True]
    with History(path, days=90) as h:
        assert h.count_rows()["transitions"] == 2


@pytest.mark.parametrize("bad", ["", "/"])
def test_path_for_always_names_a_file_in_the_history_folder(bad):
    assert path_for(bad, "https://api.makini.io").suffix == ".sqlite3"
