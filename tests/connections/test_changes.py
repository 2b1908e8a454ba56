"""`connections status --changes`: only what changed since the last recorded state, exit 3 only
when a connection newly entered a --fail-on state (a cron job alerts once per incident), and two
overlapping runs report an incident once. Against the sandbox over real HTTP, and against a served
sandbox whose clock runs 600 times faster, where a connection breaks and heals on its own."""

from __future__ import annotations

import threading
import time

import pytest

from .fast_sandbox import start


def by_id(result) -> dict[str, dict]:
    return {row["id"]: row for row in result.json()}


def test_a_fleet_already_broken_on_the_first_run_still_alerts(sbx, cli):
    r = cli("connections", "status", "--all", "--changes", "-o", "json", env=sbx.env)
    assert r.code == 3, r
    rows = by_id(r)
    assert len(rows) == 10 and {row["previous"] for row in rows.values()} == {"unknown"}
    assert rows[sbx.ids["offline"]]["health"] == "unreachable" and rows[sbx.ids["offline"]]["previous_since"] is None
    assert rows[sbx.ids["offline"]]["since"].endswith("Z")
    again = cli("connections", "status", "--all", "--changes", "-o", "json", env=sbx.env)
    assert again.code == 0 and again.json() == [], again  # nothing new: no second alert


def test_a_new_incident_is_reported_once_and_its_recovery_without_failing(sbx, cli):
    key = sbx.ids["healthy"]
    first = cli("connections", "status", key, "--changes", env=sbx.env)
    assert first.code == 0 and first.json()[0]["previous"] == "unknown", first
    sbx.scenario(key, "offline")
    broke = cli("connections", "status", key, "--changes", "-o", "json", env=sbx.env)
    assert broke.code == 3, broke
    row = broke.json()[0]
    assert (row["previous"], row["health"]) == ("healthy", "unreachable")
    assert row["previous_since"] == first.json()[0]["since"] and row["since"] >= row["previous_since"]
    still = cli("connections", "status", key, "--changes", "-o", "json", env=sbx.env)
    assert still.code == 0 and still.json() == [], still
    plain = cli("connections", "status", key, "-o", "json", env=sbx.env)
    assert plain.code == 3 and plain.json()[0]["previous"] == "healthy"  # without --changes it still fails
    assert plain.json()[0]["since"] == row["since"]
    sbx.scenario(key, "healthy")
    healed = cli("connections", "status", key, "--changes", "-o", "json", env=sbx.env)
    assert healed.code == 0, healed
    assert [(r["previous"], r["health"]) for r in healed.json()] == [("unreachable", "healthy")]


def test_moving_between_two_failing_states_is_the_same_incident(sbx, cli):
    key = sbx.ids["healthy"]
    sbx.scenario(key, "offline")
    assert cli("connections", "status", key, "--changes", env=sbx.env).code == 3
    sbx.scenario(key, "needs_reauth")
    r = cli("connections", "status", key, "--changes", "-o", "json", env=sbx.env)
    assert r.code == 0 and [(x["previous"], x["health"]) for x in r.json()] == [("unreachable", "needs_reauth")], r
    r = cli("connections", "status", key, "--changes", "--fail-on", "needs_reauth", env=sbx.env)
    assert r.code == 0  # nothing changed since


def test_changes_in_a_table_say_from_and_to(sbx, cli):
    key = sbx.ids["healthy"]
    cli("connections", "status", key, env=sbx.env)
    sbx.scenario(key, "needs_reauth")
    r = cli("connections", "status", key, "--changes", "-o", "table", env=sbx.env)
    assert r.code == 3, r
    header, _rule, line = r.stdout.splitlines()[:3]
    assert header.split() == ["ID", "NAME", "SYSTEM", "FROM", "TO", "FROM", "SINCE", "REASON"]
    assert "healthy" in line and "needs_reauth" in line and key in line


def test_changes_without_history_is_a_usage_error(sbx, cli):
    r = cli("connections", "status", "--all", "--changes", "--no-history", env=sbx.env)
    assert r.code == 2 and "--changes compares with the recorded history" in r.stderr and r.stdout == ""


def test_two_overlapping_cron_runs_report_the_incident_once(sbx, cli, run_cli):
    key = sbx.ids["healthy"]
    assert cli("connections", "status", key, "--changes", env=sbx.env).code == 0
    sbx.scenario(key, "offline")
    # Both runs wait in the server together, then record one after the other.
    sbx.fault(path_prefix="/api/integrations/current", fault="slow", delay_ms=700)
    results = []

    def run() -> None:
        results.append(run_cli("connections", "status", key, "--changes", "-o", "json", env=sbx.env))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r.code for r in results) == [0, 3], results
    reported = [r.json() for r in results]
    assert sorted(len(rows) for rows in reported) == [0, 1]


@pytest.fixture(scope="module")
def fast():
    sandbox = start(600)  # ten sandbox minutes per second
    yield sandbox
    sandbox.stop()


@pytest.fixture
def flapping(fast):
    fast.call("POST", "/_sandbox/reset", json={"pos_per_connection": 2})
    key = fast.keys()["Nordwerk Maschinenbau GmbH"]
    fast.flap(key, down_for=720, up_for=720)  # 1.2 s down, 1.2 s up
    return fast, key


def test_a_connection_that_breaks_and_heals_on_the_sandbox_clock_alerts_once_per_outage(flapping, cli):
    fast, key = flapping
    runs = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and sum(code == 3 for code, _ in runs) < 2:
        r = cli("connections", "status", key, "--changes", "-o", "json", env=fast.env)
        assert r.code in (0, 3), r
        runs.append((r.code, [(row["previous"], row["health"]) for row in r.json()]))
        time.sleep(0.15)
    alerts = [i for i, (code, _) in enumerate(runs) if code == 3]
    assert len(alerts) >= 2, runs  # it broke at least twice while we watched
    # A check may land on the edge of a phase (`current` answered while down, the reach probe
    # once healed): the failure then reads `error`, still the same outage.
    for i in alerts:
        [(before, after)] = runs[i][1]
        assert before in ("healthy", "unknown") and after in ("unreachable", "error"), runs
    for a, b in zip(alerts, alerts[1:]):  # between two alerts, the recovery was seen
        assert "healthy" in [to for _code, rows in runs[a + 1:b] for _from, to in rows], runs
    for code, rows in runs:  # a run that did not alert reported no new failure
        assert code == 3 or all(before in ("unreachable", "error") or to in ("healthy",) for before, to in rows), runs
