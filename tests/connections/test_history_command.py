"""`connections history`: shares of time per state, incidents, longest outage, last transition,
a timeline per connection; JSON/CSV when piped, a coloured timeline on a terminal. The history is
written as the status command writes it (same store, times chosen by the test)."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest

from makini_cli.connections.history import History, Observation, path_for

from .test_terminal import run_on_a_terminal

BASE = "https://api.example.test"
HOUR, DAY = 3600.0, 86400.0


@pytest.fixture
def fleet_history():
    """A: healthy for six days less an hour, a 2 h outage three days ago, a 30 min error a day ago. B: degraded since
    two hours ago, first seen then."""
    now = time.time()
    with History(path_for("default", BASE), days=90) as h:
        def at(t, **states):
            h.record([Observation(cid, s, t, name=f"Customer {cid}", system="SAP") for cid, s in states.items()], now=t)

        at(now - 6 * DAY + HOUR, A="healthy")
        at(now - 3 * DAY + 3 * HOUR, A="unreachable")  # (clear of the day cells' edges)
        at(now - 3 * DAY + 5 * HOUR, A="healthy")
        at(now - DAY + 3 * HOUR, A="error")
        at(now - DAY + 3 * HOUR + 30 * 60, A="healthy")
        at(now - 2 * HOUR, B="degraded")
        at(now - 60, A="healthy", B="degraded")
    return now


def test_history_reports_shares_incidents_and_the_longest_outage(fleet_history, cli):
    r = cli("connections", "history", "-o", "json", env={"MAKINI_BASE_URL": BASE})
    assert r.code == 0, r
    rows = {row["id"]: row for row in r.json()}
    a = rows["A"]
    covered = 6 * DAY - HOUR - 60
    assert a["covered_seconds"] == pytest.approx(covered, abs=1)
    assert a["share"]["unreachable"] == pytest.approx(2 * HOUR / covered, abs=1e-4)
    assert a["share"]["error"] == pytest.approx(30 * 60 / covered, abs=1e-4)
    assert a["uptime"] == pytest.approx(1 - 2.5 * HOUR / covered, abs=1e-4)
    assert a["incidents"] == 2 and a["longest_outage_seconds"] == pytest.approx(2 * HOUR, abs=1)
    assert (a["last_transition"]["from"], a["last_transition"]["to"]) == ("error", "healthy")
    assert a["state"] == "healthy" and a["name"] == "Customer A" and a["last_check"].endswith("Z")
    assert a["timeline"]["bucket"] == "day" and len(a["timeline"]["cells"]) == 7
    assert a["timeline"]["cells"][0] is None and "unreachable" in a["timeline"]["cells"]
    b = rows["B"]
    assert b["incidents"] == 1 and b["share"] == {"degraded": 1.0} and b["uptime"] == 0.0
    assert b["last_transition"]["from"] == "unknown"


def test_a_shorter_window_cuts_the_intervals_and_uses_hour_cells(fleet_history, cli):
    r = cli("connections", "history", "A", "--since", "36h", "-o", "json", env={"MAKINI_BASE_URL": BASE})
    [a] = r.json()
    assert a["incidents"] == 1 and a["longest_outage_seconds"] == pytest.approx(30 * 60, abs=1)
    cells = a["timeline"]["cells"]
    assert a["timeline"]["bucket"] == "hour" and len(cells) == 36
    assert cells.count("error") == 1 or cells.count("error") == 2  # 30 minutes, maybe across an hour boundary
    assert set(cells) <= {"healthy", "error"}


def test_history_as_csv_has_one_flat_row_per_connection(fleet_history, cli):
    r = cli("connections", "history", "-o", "csv", env={"MAKINI_BASE_URL": BASE})
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["id"] for row in rows] == ["A", "B"]
    assert rows[0]["incidents"] == "2" and rows[0]["last_transition_to"] == "healthy"
    assert float(rows[0]["share_healthy"]) > 0.98 and rows[1]["share_degraded"] == "1.0"


def test_on_a_terminal_history_draws_a_timeline_and_a_legend(fleet_history, config_dir):
    code, screen = run_on_a_terminal(["connections", "history"], {"MAKINI_BASE_URL": BASE,
                                                                   "MAKINI_CONFIG_DIR": str(config_dir)})
    assert code == 0, screen
    screen = re.sub(r"\x1b\[[0-9;]*m", "", screen)  # NO_COLOR keeps bold and dim
    assert "TIMELINE (PER DAY)" in screen and "INCIDENTS" in screen and "LONGEST OUTAGE" in screen
    line = next(line for line in screen.splitlines() if line.lstrip().startswith("A "))
    assert "2h" in line and "error → healthy" in line and "98.2%" in line  # 2.5 h down in 143 h
    assert line.rstrip().endswith("-...U.E")  # NO_COLOR: the legend's letters, oldest day first
    assert "U unreachable" in screen and "d degraded" in screen and "- no check" in screen


def test_history_of_unknown_ids_warns_and_an_empty_history_says_how_to_start_one(cli):
    r = cli("connections", "history", "NOPE", "-o", "json", env={"MAKINI_BASE_URL": BASE})
    assert r.code == 0 and r.json() == [] and "no history for NOPE" in r.stderr, r


@pytest.mark.parametrize("args, message", [(["--since", "0s"], "--since must be longer than 0s"),
                                           (["--bucket", "week"], "--bucket: expected hour or day"),
                                           (["--since", "400d", "--bucket", "hour"], "more than 1000 cells")])
def test_bad_history_options_are_usage_errors(cli, args, message):
    r = cli("connections", "history", *args, env={"MAKINI_BASE_URL": BASE})
    assert r.code == 2 and message in r.stderr, r


def test_status_runs_build_the_history_that_history_reads(sbx, cli):
    key = sbx.ids["healthy"]
    cli("connections", "status", key, env=sbx.env)
    sbx.scenario(key, "offline")
    cli("connections", "status", key, env=sbx.env)
    sbx.scenario(key, "healthy")
    cli("connections", "status", key, env=sbx.env)
    r = cli("connections", "history", key, "-o", "json", env=sbx.env)
    [row] = r.json()
    assert row["incidents"] == 1 and row["state"] == "healthy"
    assert set(row["share"]) <= {"healthy", "unreachable"} and row["last_transition"]["from"] == "unreachable"
