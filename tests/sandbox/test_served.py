"""The sandbox over real HTTP (uvicorn in a thread): fault rules as a client sees them,
request ids, embedded use, and the foreground server's clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import httpx
import pytest


def _rule(c, **rule):
    r = c.post("/_sandbox/faults", json=rule)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_request_id_everywhere(served_client):
    c = served_client
    for r in (c.get("/nope"), c.get("/api/system/client"), c.get("/_sandbox/info"),
              c.post("/link/token", json={}), c.delete("/api/system/client")):
        assert r.headers["X-Request-Id"].startswith("req_")
    err = c.get("/api/system/client")
    assert err.json()["request_id"] == err.headers["X-Request-Id"]
    assert c.delete("/api/system/client").status_code == 405


def test_status_fault_after_and_times(served_client):
    c = served_client
    h = c.conn(0)
    _rule(c, method="GET", path_prefix="/api/erp/vendors", after=1, times=2, fault="status",
          status=503, retry_after="1")
    codes = [c.get("/api/erp/vendors", headers=h) for _ in range(4)]
    assert [r.status_code for r in codes] == [200, 503, 503, 200]
    assert codes[1].headers["Retry-After"] == "1"
    assert codes[1].json()["code"] == "SERVICE_UNAVAILABLE"
    assert c.post("/api/erp/purchase-orders", headers=h, json={}).status_code == 200
    rules = c.get("/_sandbox/faults").json()["data"]
    assert rules[0]["seen"] == 4 and rules[0]["fired"] == 2
    c.delete("/_sandbox/faults")
    assert c.get("/_sandbox/faults").json()["data"] == []


def test_rule_scoped_to_a_connection(served_client):
    c = served_client
    keys = [x["key"] for x in c.sandbox.connections()]
    h0, h1 = c.conn(keys[0]), c.conn(keys[1])
    _rule(c, path_prefix="/api/", connection=keys[1], times=None, fault="status", status=500)
    assert c.get("/api/erp/sites", headers=h0).status_code == 200
    assert c.get("/api/erp/sites", headers=h1).status_code == 500


def test_reset_is_a_transport_error(served_client):
    c = served_client
    h = c.conn(0)
    _rule(c, path_prefix="/api/erp/purchase-orders", fault="reset")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        c.get("/api/erp/purchase-orders", headers=h)
    assert c.get("/api/erp/purchase-orders", headers=h).status_code == 200


def test_truncate_and_invalid_json(served_client):
    c = served_client
    h = c.conn(0)
    _rule(c, path_prefix="/api/erp/purchase-orders", fault="truncate")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        c.get("/api/erp/purchase-orders", headers=h)
    _rule(c, path_prefix="/api/erp/purchase-orders", fault="invalid_json")
    r = c.get("/api/erp/purchase-orders", headers=h)
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        r.json()


def test_timeout_and_slow(served_client):
    c = served_client
    h = c.conn(0)
    _rule(c, path_prefix="/api/erp/sites", fault="timeout", delay_ms=1500)
    with pytest.raises(httpx.ReadTimeout):
        c.get("/api/erp/sites", headers=h, timeout=0.2)
    _rule(c, path_prefix="/api/erp/sites", fault="slow", delay_ms=20)
    assert c.get("/api/erp/sites", headers=h).status_code == 200


def test_offline_drop_over_http(served_client):
    c = served_client
    conn = c.sandbox.connections()[0]["key"]
    h = c.conn(conn)
    c.post(f"/_sandbox/connections/{conn}/scenario", json={"scenario": "offline", "mode": "drop"})
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        c.get("/api/erp/sites", headers=h)


def test_bad_fault_rules(served_client):
    for body in ({"fault": "explode"}, {"fault": "status", "status": 42},
                 {"fault": "status", "times": 0}):
        assert served_client.post("/_sandbox/faults", json=body).status_code == 422


def test_info_reset_and_clock(served_client):
    c = served_client
    info = c.get("/_sandbox/info").json()
    assert info["client_id"] == c.sandbox.client_id and info["counts"]["connections"] == 10
    assert info["base_url"].startswith("http://127.0.0.1:")
    t0 = c.get("/_sandbox/clock").json()["now"]
    assert c.post("/_sandbox/clock", json={"advance": 100}).json()["now"] >= t0 + 100
    c.post("/_sandbox/connections/bulk", json={"count": 2})
    after = c.post("/_sandbox/reset", json={"seed": 42}).json()
    assert after["counts"]["connections"] == 10 and after["clock_offset"] == 0


def test_embedded_app_is_cached_and_persists(tmp_path):
    import asyncio

    from makini_cli.sandbox import embedded

    path = tmp_path / "deep" / "sandbox.sqlite3"
    app = embedded.get_app(path)
    assert embedded.get_app(path) is app and path.exists()

    async def go():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as c:
            sb = app.state.sandbox
            r = await c.post("/link/token", json={"grant_type": "client_credentials",
                                                  "client_id": sb.client_id,
                                                  "client_secret": sb.client_secret})
            assert r.status_code == 200
            sb.faults.add({"path_prefix": "/api/system/client", "fault": "reset"})
            with pytest.raises(httpx.TransportError):
                await c.get("/api/system/client",
                            headers={"Authorization": f"Bearer {r.json()['access_token']}"})
        await embedded.drain(app)

    asyncio.run(go())


def test_serve_foreground_stops_cleanly_on_sigterm(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        from makini_cli.sandbox.app import create_app
        from makini_cli.sandbox.server import serve
        app = create_app({str(tmp_path / 'fg.sqlite3')!r})
        serve(app, "127.0.0.1", 0, on_ready=lambda url: print(url, flush=True))
    """)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read()
        assert httpx.get(url + "/_sandbox/info").status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
