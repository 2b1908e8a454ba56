"""The sandbox's side of watching a fleet: the `flapping` scenario breaks and heals a connection
on the sandbox clock, and `sandbox serve --time-factor` speeds that clock up."""

from __future__ import annotations

import pytest

from .fast_sandbox import start


def current(client, key) -> dict:
    return client.get("/api/integrations/current", headers=client.conn(key)).json()["data"]


def test_flapping_is_down_then_healthy_then_down_again_by_the_clock(sandbox_client):
    c = sandbox_client
    key = c.sandbox.connections()[0]["key"]
    r = c.post(f"/_sandbox/connections/{key}/scenario",
               json={"scenario": "flapping", "down_for": 100, "up_for": 50})
    assert r.status_code == 200, r.text
    params = r.json()["data"]["scenario_params"]
    assert params["down"] == "offline" and params["mode"] == "503"  # the down scenario's own defaults
    assert current(c, key)["sync_status"] == "error"
    assert c.get("/api/erp/vendors", headers=c.conn(key)).status_code == 503
    c.post("/_sandbox/clock", json={"advance": 110})
    assert current(c, key)["sync_status"] == "done"
    assert c.get("/api/erp/vendors", headers=c.conn(key)).status_code == 200
    c.post("/_sandbox/clock", json={"advance": 50})
    assert current(c, key)["sync_status"] == "error"
    start_at = c.get(f"/_sandbox/connections/{key}").json()["data"]["scenario_params"]["start"]
    assert isinstance(start_at, float)  # pinned at the first request, so later updates cannot move it


def test_flapping_can_break_a_connection_in_other_ways(sandbox_client):
    c = sandbox_client
    key = c.sandbox.connections()[0]["key"]
    c.post(f"/_sandbox/connections/{key}/scenario",
           json={"scenario": "flapping", "down": "forbidden", "entities": ["vendors"], "down_for": 60, "up_for": 60})
    assert current(c, key)["sync_status"] == "done"
    assert c.get("/api/erp/vendors", headers=c.conn(key)).status_code == 403
    assert c.get("/api/erp/sites", headers=c.conn(key)).status_code == 200
    c.post(f"/_sandbox/connections/{key}/scenario",
           json={"scenario": "flapping", "down": "needs_reauth", "down_for": 60, "up_for": 60})
    assert current(c, key)["sync_status"] == "fail"


@pytest.mark.parametrize("body, field", [({"down": "syncing"}, "down"), ({"down_for": 0}, "down_for"),
                                         ({"up_for": "soon"}, "up_for"), ({"down": "offline", "mode": "x"}, "mode")])
def test_bad_flapping_parameters_are_refused(sandbox_client, body, field):
    c = sandbox_client
    key = c.sandbox.connections()[0]["key"]
    r = c.post(f"/_sandbox/connections/{key}/scenario", json={"scenario": "flapping", **body})
    assert r.status_code == 422 and field in r.text


@pytest.mark.parametrize("factor", ["0", "-1", "nan", "inf", "2000000"])
def test_serve_refuses_a_time_factor_that_is_not_a_positive_finite_speed(cli, factor):
    r = cli("sandbox", "serve", "--port", "0", "--db", ":memory:", "--time-factor", factor)
    assert r.code == 2 and "bad --time-factor" in r.stderr and r.stdout == "", r


def test_served_with_a_time_factor_the_sandbox_clock_runs_that_much_faster():
    import time

    fast = start(3600)  # an hour per second
    try:
        first = fast.call("GET", "/_sandbox/clock")
        time.sleep(0.5)
        second = fast.call("GET", "/_sandbox/clock")
    finally:
        fast.stop()
    assert first["time_factor"] == 3600
    assert 1200 < second["now"] - first["now"] < 3600 * 3  # about half an hour of sandbox time
