"""Problems first: `--deep` (degraded), `--stuck-after` (stuck), `--stale-after` (stale),
`--health`, `--problems`, `--sort`, `--summary`, repeated `--fail-on`; `syncs status` shares them.
Against the sandbox over real HTTP."""

from __future__ import annotations

import pytest


def by_id(result) -> dict[str, dict]:
    return {row["id"]: row for row in result.json()}


def test_deep_probes_flag_the_maintainx_connection_that_forbids_purchase_orders_as_degraded(sbx, cli):
    key = sbx.ids["forbidden"]
    plain = cli("connections", "status", key, "-o", "json", env=sbx.env)
    assert plain.code == 0 and plain.json()[0]["health"] == "healthy", plain  # what it read before --deep
    r = cli("connections", "status", key, "--deep", "-o", "json", env=sbx.env)
    assert r.code == 3, r
    row = r.json()[0]
    assert row["health"] == "degraded" and row["system"] == "MaintainX"
    assert "purchase orders (forbidden, HTTP 403)" in row["reason"] and "5 of 6 answer" in row["reason"]
    assert f"makini connections doctor {key}" in row["hint"]
    assert [p["probe"] for p in row["failed_probes"]] == ["purchase-orders"]
    assert row["failed_probes"][0]["status"] == 403 and row["failed_probes"][0]["request_id"].startswith("req_")
    assert r.stderr == ""


def test_deep_leaves_healthy_connections_healthy_and_keeps_every_other_verdict(sbx, cli):
    r = cli("connections", "status", "--all", "--deep", "-o", "json", env=sbx.env)
    assert r.code == 3, r
    rows = by_id(r)
    ids = sbx.ids
    assert rows[ids["healthy"]]["health"] == "healthy" and rows[ids["healthy"]]["failed_probes"] == []
    assert rows[ids["rate_limited"]]["health"] == "healthy"  # a used-up allowance is no broken entity type
    assert rows[ids["offline"]]["health"] == "unreachable" and "failed_probes" not in rows[ids["offline"]]
    assert rows[ids["needs_reauth"]]["health"] == "needs_reauth"
    assert [row["health"] for row in rows.values()].count("degraded") == 1


def test_a_sync_running_longer_than_stuck_after_is_stuck(sbx, cli):
    key = sbx.ids["healthy"]
    sbx.call("POST", "/_sandbox/clock", json={"advance": -3 * 3600})  # the sync starts 3h before now
    sbx.scenario(key, "syncing", duration=86400)
    r = cli("connections", "status", key, "-o", "json", env=sbx.env)
    assert r.code == 0 and r.json()[0]["health"] == "syncing", r
    r = cli("connections", "status", key, "--stuck-after", "2h", "-o", "json", env=sbx.env)
    assert r.code == 3, r
    assert r.json()[0]["health"] == "stuck" and "in progress for 3h, longer than the allowed 2h" in r.json()[0]["reason"]
    r = cli("connections", "status", key, "--stuck-after", "4h", "-o", "json", env=sbx.env)
    assert r.code == 0 and r.json()[0]["health"] == "syncing"


def test_stale_is_its_own_state_and_what_changed_for_scripts_that_pass_fail_on_error(sbx, cli):
    key = sbx.ids["healthy"]  # its last sync finished 10 minutes before the reseed
    r = cli("connections", "status", key, "--stale-after", "5m", "-o", "json", env=sbx.env)
    assert r.code == 3, r  # the default --fail-on includes stale
    assert r.json()[0]["health"] == "stale" and "older than the allowed 5m" in r.json()[0]["reason"]
    r = cli("connections", "status", key, "--stale-after", "5m", "--fail-on", "error", env=sbx.env)
    assert r.code == 0, r  # stale used to be error: such a script must now add stale
    r = cli("connections", "status", key, "--stale-after", "5m", "--fail-on", "error", "--fail-on", "stale", env=sbx.env)
    assert r.code == 3, r


def test_health_and_problems_choose_the_rows_and_accept_repeats_and_comma_lists(sbx, cli):
    ids = sbx.ids
    r = cli("connections", "status", "--all", "--problems", "-o", "json", env=sbx.env)
    assert r.code == 3, r
    assert {row["health"] for row in r.json()} == {"needs_reauth", "unreachable", "inactive"}
    r = cli("connections", "status", "--all", "--health", "needs_reauth", "--health", "unreachable,inactive",
            "-o", "json", env=sbx.env)
    assert sorted(row["id"] for row in r.json()) == sorted([ids["needs_reauth"], ids["offline"], ids["inactive"],
                                                            ids["pending"]])
    r = cli("connections", "status", "--all", "--health", "healthy", "-o", "json", env=sbx.env)
    assert r.code == 0 and {row["health"] for row in r.json()} == {"healthy"}, r  # the shown rows decide
    r = cli("connections", "status", "--all", "--health", "sickly", env=sbx.env)
    assert r.code == 2 and "--health: unknown state 'sickly'" in r.stderr


def test_piped_rows_come_in_id_order_and_sort_works_in_every_format(sbx, cli):
    r = cli("connections", "status", "--all", "-o", "json", env=sbx.env)
    ids = [row["id"] for row in r.json()]
    assert ids == sorted(ids)
    r = cli("connections", "status", "--all", "--sort", "health", "-o", "json", env=sbx.env)
    states = [row["health"] for row in r.json()]
    assert states[0] == "unreachable" and states[-1] == "healthy"
    healthy = [row["name"] for row in r.json() if row["health"] == "healthy"]
    assert healthy == sorted(healthy, key=str.casefold)  # then by name
    r = cli("connections", "status", "--all", "--sort", "name", "-o", "csv", env=sbx.env)
    names = [line.split(",")[1] for line in r.stdout.splitlines()[1:]]
    assert names == sorted(names, key=str.casefold) and names[0] == "Alpenglow Pharma AG"
    r = cli("connections", "status", "--all", "--sort", "system", "-o", "json", env=sbx.env)
    systems = [row["system"] for row in r.json()]
    assert systems == sorted(systems, key=str.casefold)
    r = cli("syncs", "status", "--all", "--sort", "age", "-o", "json", env=sbx.env)
    ages = [row["age_seconds"] for row in r.json() if row["age_seconds"] is not None]
    assert ages == sorted(ages, reverse=True) and r.json()[-1]["age_seconds"] is None
    r = cli("connections", "status", "--all", "--sort", "colour", env=sbx.env)
    assert r.code == 2 and "--sort: unknown key 'colour'" in r.stderr and "health, name, age, system" in r.stderr


def test_summary_prints_only_the_counts_as_a_line_or_as_json(sbx, cli):
    r = cli("connections", "status", "--all", "--summary", "-o", "table", env=sbx.env)
    assert r.code == 3, r
    assert r.stdout == "10 connections: 5 healthy, 1 syncing, 1 needs_reauth, 1 unreachable, 2 inactive\n"
    r = cli("connections", "status", "--all", "--summary", "-o", "json", env=sbx.env)
    body = r.json()
    assert body["total"] == 10 and body["counts"]["healthy"] == 5 and body["counts"]["degraded"] == 0
    assert list(body["counts"]) == ["healthy", "syncing", "degraded", "stuck", "stale", "needs_reauth", "error",
                                    "unreachable", "inactive", "circuit_open"]
    r = cli("syncs", "status", "--all", "--summary", "--deep", "--problems", "-o", "json", env=sbx.env)
    assert r.json()["total"] == 5 and r.json()["counts"]["degraded"] == 1


@pytest.mark.parametrize("option", ["--stuck-after", "--stale-after"])
def test_bad_thresholds_are_usage_errors(sbx, cli, option):
    r = cli("connections", "status", "--all", option, "soon", env=sbx.env)
    assert r.code == 2 and f"bad {option} 'soon'" in r.stderr and r.stdout == ""
