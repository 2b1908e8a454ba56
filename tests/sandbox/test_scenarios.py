"""Fault scenarios per connection, seeded and switched via /_sandbox."""

from __future__ import annotations

import pytest


@pytest.fixture
def by_scenario(sandbox_client):
    return {x["scenario"] if x["status"] not in ("Inactive", "Pending") else x["status"]: x["key"]
            for x in sandbox_client.get("/_sandbox/connections").json()["data"]}


def _set(c, key, **body):
    r = c.post(f"/_sandbox/connections/{key}/scenario", json=body)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_needs_reauth(sandbox_client, by_scenario):
    c = sandbox_client
    h = c.conn(by_scenario["needs_reauth"])
    cur = c.get("/api/integrations/current", headers=h)
    assert cur.status_code == 200 and cur.json()["data"]["sync_status"] == "fail"
    r = c.get("/api/erp/purchase-orders", headers=h)
    assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_FAILED"
    _set(c, by_scenario["needs_reauth"], scenario="healthy")
    assert c.get("/api/erp/purchase-orders", headers=h).status_code == 200


def test_offline_modes(sandbox_client, by_scenario):
    c = sandbox_client
    key = by_scenario["offline"]
    h = c.conn(key)
    r = c.get("/api/erp/vendors", headers=h)
    assert r.status_code == 503 and r.json()["code"] == "SERVICE_UNAVAILABLE"
    assert c.get("/api/integrations/current", headers=h).json()["data"]["sync_status"] == "error"
    _set(c, key, scenario="offline", mode="drop")
    import httpx

    with pytest.raises(httpx.TransportError):
        c.get("/api/erp/vendors", headers=h)
    _set(c, key, scenario="offline", mode="timeout", delay_ms=10)
    assert c.get("/api/erp/vendors", headers=h).status_code == 503
    r = c.post(f"/_sandbox/connections/{key}/scenario", json={"scenario": "offline",
                                                                "mode": "sideways"})
    assert r.status_code == 422


def test_rate_limited(sandbox_client, by_scenario):
    c = sandbox_client
    key = by_scenario["rate_limited"]
    _set(c, key, scenario="rate_limited", limit_per_minute=3)
    h = c.conn(key)
    codes = [c.get("/api/erp/vendors", headers=h) for _ in range(4)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429]
    assert codes[0].headers["X-RateLimit-Remaining"] == "2"
    last = codes[-1]
    assert last.json()["code"] == "RATE_LIMIT_EXCEEDED"
    assert 1 <= int(last.headers["Retry-After"]) <= 60
    c.post("/_sandbox/clock", json={"advance": 61})
    assert c.get("/api/erp/vendors", headers=h).status_code == 200


def test_forbidden_on_some_entities(sandbox_client, by_scenario):
    c = sandbox_client
    h = c.conn(by_scenario["forbidden"])
    assert c.get("/api/erp/purchase-orders", headers=h).status_code == 403
    assert c.get("/api/wms/purchase-orders.line-items", headers=h).status_code == 403
    assert c.get("/api/erp/vendors", headers=h).status_code == 200
    _set(c, by_scenario["forbidden"], scenario="forbidden", entities=["vendors"])
    assert c.get("/api/erp/purchase-orders", headers=h).status_code == 200
    assert c.get("/api/erp/vendors", headers=h).json()["code"] == "FORBIDDEN"


def test_slow_and_syncing(sandbox_client, by_scenario):
    c = sandbox_client
    _set(c, by_scenario["slow"], scenario="slow", latency_ms=5)
    assert c.get("/api/erp/sites", headers=c.conn(by_scenario["slow"])).status_code == 200
    key = by_scenario["healthy"]
    h = c.conn(key)
    assert c.get("/api/integrations/current", headers=h).json()["data"]["sync_status"] == "done"
    _set(c, key, scenario="syncing", duration=120)
    assert c.get("/api/integrations/current",
                 headers=h).json()["data"]["sync_status"] == "inprogress"
    assert c.get("/api/erp/sites", headers=h).status_code == 200
    c.post("/_sandbox/clock", json={"advance": 121})
    assert c.get("/api/integrations/current", headers=h).json()["data"]["sync_status"] == "done"


def test_unknown_scenario(sandbox_client, by_scenario):
    r = sandbox_client.post(f"/_sandbox/connections/{by_scenario['healthy']}/scenario",
                            json={"scenario": "haunted"})
    assert r.status_code == 422 and "haunted" in r.json()["message"]


def test_knobs(sandbox_client):
    c = sandbox_client
    c.post("/_sandbox/knobs", json={"error_rate": 1, "error_status": 502})
    r = c.post("/link/token", json={})
    assert r.status_code == 502 and r.headers["X-Request-Id"] == r.json()["request_id"]
    c.post("/_sandbox/knobs", json={"error_rate": 0})
    assert c.post("/_sandbox/knobs", json={"nope": 1}).status_code == 422
    assert c.get("/_sandbox/knobs").json()["error_rate"] == 0
