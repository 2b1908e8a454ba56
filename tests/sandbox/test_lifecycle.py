"""Connection lifecycle as Makini documents it: credits, Inactive when short, disconnect
revokes at once and returns credits but keeps records, reconnect = new connection."""

from __future__ import annotations

from decimal import Decimal


def _create(c, adm, provider="upkeep", name="Acme"):
    r = c.post("/api/system/connections", headers=adm,
               json={"name": name, "email": "ops@acme.example", "provider": provider,
                     "credentials": {"login": "x", "password": "y"}})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_seeded_connections_show_every_health_state(sandbox_client):
    conns = sandbox_client.get("/_sandbox/connections").json()["data"]
    assert len(conns) == 10
    assert {c["scenario"] for c in conns} == {"healthy", "syncing", "needs_reauth", "offline",
                                               "rate_limited", "forbidden", "slow"}
    assert {"Active", "Synchronizing", "In progress", "Inactive", "Pending"} <= {
        c["status"] for c in conns}
    assert {c["sync_status"] for c in conns} >= {"done", "inprogress", "fail", "error"}
    credits = sandbox_client.get("/_sandbox/credits").json()
    assert credits["available"] == 3 and credits["used"] == sum(c["credits"] for c in conns)


def test_create_consumes_credits_then_inactive_when_short(sandbox_client):
    c = sandbox_client
    adm = c.admin()
    before = c.get("/_sandbox/credits").json()["available"]
    new = _create(c, adm, "upkeep")  # tier I: 1 credit
    info = c.get(f"/_sandbox/connections/{new['key']}").json()["data"]
    assert info["status"] == "Synchronizing" and info["credits"] == 1
    assert c.get("/_sandbox/credits").json()["available"] == before - 1
    big = _create(c, adm, "sap_s4hana")  # tier III needs 4, only 2 left
    info = c.get(f"/_sandbox/connections/{big['key']}").json()["data"]
    assert info["status"] == "Inactive" and info["credits"] == 0
    assert c.get("/_sandbox/credits").json()["available"] == before - 1
    assert new["expires_in"].isdigit()  # spec types ConnectionStore.expires_in as string


def test_create_validates(sandbox_client):
    c = sandbox_client
    r = c.post("/api/system/connections", headers=c.admin(),
               json={"name": "x", "email": "not-an-email", "provider": "nope"})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"email", "provider"}


def test_initial_sync_finishes_with_the_clock(sandbox_client):
    c = sandbox_client
    new = _create(c, c.admin())
    h = {"Authorization": f"Bearer {new['access_token']}"}
    cur = c.get("/api/integrations/current", headers=h).json()["data"]
    assert cur["sync_status"] == "inprogress"
    c.post("/_sandbox/clock", json={"advance": 3600})
    cur2 = c.get("/api/integrations/current", headers=h).json()["data"]
    assert cur2["sync_status"] == "fulldone"
    assert cur2["sync_updated_at"] > cur["sync_updated_at"]
    listed = c.get("/api/system/connections", headers=c.admin(),
                   params={"filter[key]": new["key"]}).json()["data"]
    assert listed[0]["status"] == "Active"


def test_disconnect_revokes_returns_credits_keeps_records(sandbox_client):
    c = sandbox_client
    adm = c.admin()
    conn = c.get("/_sandbox/connections").json()["data"][0]  # SAP, tier III
    h = c.conn(conn["key"])
    assert c.get("/api/erp/purchase-orders", headers=h).status_code == 200
    before = c.get("/_sandbox/credits").json()["available"]
    r = c.delete(f"/api/system/connections/{conn['key']}", headers=adm)
    assert r.status_code == 200
    r = c.get("/api/erp/purchase-orders", headers=h)
    assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_FAILED"
    assert c.get("/_sandbox/credits").json()["available"] == before + 4
    keys = [x["key"] for x in c.get("/api/system/connections", headers=adm,
                                    params={"per_page": 100}).json()["data"]]
    assert conn["key"] not in keys
    kept = c.get(f"/_sandbox/connections/{conn['key']}").json()["data"]
    assert kept["status"] == "Disconnected" and kept["records"]["purchase-orders"] == 40
    page = c.get(f"/_sandbox/connections/{conn['key']}/records/purchase-orders").json()
    assert page["meta"]["total"] == 40
    # no new token, no second disconnect
    assert c.post(f"/api/system/connections/{conn['key']}/token", headers=adm).status_code == 404
    assert c.delete(f"/api/system/connections/{conn['key']}", headers=adm).status_code == 404


def test_self_disconnect_and_reconnect_is_a_new_connection(sandbox_client):
    c = sandbox_client
    first = _create(c, c.admin(), "fiix", "Laurentian")
    h = {"Authorization": f"Bearer {first['access_token']}"}
    assert c.delete("/api/integrations/current", headers=h).status_code == 200
    assert c.get("/api/integrations/current", headers=h).status_code == 401
    again = _create(c, c.admin(), "fiix", "Laurentian")
    assert again["key"] != first["key"] and again["access_token"] != first["access_token"]


def test_money_adds_up_exactly(sandbox_client):
    c = sandbox_client
    h = c.conn(0)
    page = c.get("/api/erp/purchase-orders", headers=h, params={"per_page": 1000}).json()
    assert page["meta"]["total"] == 40
    for po in page["data"]:
        net = gross = Decimal(0)
        for li in po["lineItems"]:
            q, p = Decimal(li["quantity"]), Decimal(li["price"])
            d, t = Decimal(li["discount"]), Decimal(li["lineTaxValue"])
            assert Decimal(li["lineTotalValue"]) == q * p - d + t
            net += q * p - d
            gross += Decimal(li["lineTotalValue"])
        assert Decimal(po["totalNetValue"]) == net and Decimal(po["totalGrossValue"]) == gross


def test_systems_differ(sandbox_client):
    c = sandbox_client
    conns = {x["provider"]: x["key"] for x in c.get("/_sandbox/connections").json()["data"]}
    sap = c.get("/api/erp/purchase-orders", headers=c.conn(conns["sap_s4hana"])).json()["data"]
    assert all("ZZ_COST_CENTER" in po for po in sap)
    c.post(f"/_sandbox/connections/{conns['upkeep']}/scenario", json={"scenario": "healthy"})
    up = c.get("/api/erp/purchase-orders", headers=c.conn(conns["upkeep"])).json()["data"]
    assert all(po["billingAddress"] is None and po["terms"] is None for po in up)
    mx = c.conn(conns["ibm_maximo"])
    fields = c.get("/api/eam/work-orders/custom-fields", headers=mx).json()["data"]
    names = {f["name"] for f in fields}
    assert names == {"CUST_SAFETYPLAN", "CUST_DOWNTIME_CODE", "CUST_CRAFT"}
    wo = c.get("/api/eam/work-orders", headers=mx).json()["data"][0]
    assert names <= set(wo)
    raw = c.get("/api/raw/tables", headers=c.conn(conns["sap_s4hana"])).json()["data"]
    assert {"EKKO", "EKPO", "LFA1"} <= {t["name"] for t in raw}
    ekko = c.get("/api/raw/tables/EKKO/data", headers=c.conn(conns["sap_s4hana"]),
                 params={"filter[EBELN]": sap[0]["orderNo"]}).json()["data"]
    assert ekko[0]["KOSTL"] == sap[0]["ZZ_COST_CENTER"] and len(ekko[0]["BEDAT"]) == 8


def test_deterministic_from_seed():
    from makini_cli.sandbox.app import create_app
    from makini_cli.sandbox.seed import sandbox_credentials

    a, b = create_app(), create_app()
    q = "SELECT key, orderNo, totalGrossValue FROM purchase_orders ORDER BY seq"
    assert a.state.sandbox.query(q) == b.state.sandbox.query(q)
    assert [x["key"] for x in a.state.sandbox.connections()] == [
        x["key"] for x in b.state.sandbox.connections()]
    assert sandbox_credentials(42) == (a.state.sandbox.client_id, a.state.sandbox.client_secret)
    assert sandbox_credentials(7) != sandbox_credentials(42)


def test_file_db_is_reused_not_reseeded(tmp_path):
    from makini_cli.sandbox.app import create_app

    path = tmp_path / "s.sqlite3"
    first = create_app(path).state.sandbox
    key = first.connections()[0]["key"]
    first.disconnect(key)
    second = create_app(path, seed=7).state.sandbox  # seed ignored: the file is seeded
    assert second.client_id == first.client_id
    assert second.connection(key) is None  # still disconnected


def test_writes_emit_webhooks(sandbox_client):
    c = sandbox_client
    sb = c.sandbox
    sb.dispatcher.configure("http://127.0.0.1:9/hook", "s3cret", None)
    h = c.conn(0)
    po = c.post("/api/erp/purchase-orders", headers=h, json={"title": "t"}).json()["data"]
    c.put(f"/api/erp/purchase-orders/{po['key']}/status", headers=h, json={"status": "APPR"})
    events = [p["event"] for p in sb.dispatcher.pending()]
    assert events[-2:] == ["purchase-orders.inserted", "purchase-orders.updated"]
    key = sb.connections()[0]["key"]
    c.delete(f"/api/system/connections/{key}", headers=c.admin())
    assert sb.dispatcher.pending()[-1]["event"] == "connection-statuses.deleted"


def test_bulk_and_generate(sandbox_client):
    c = sandbox_client
    r = c.post("/_sandbox/connections/bulk", json={"count": 25, "pos_per_connection": 2})
    made = r.json()["data"]
    assert len(made) == 25 and len({m["key"] for m in made}) == 25
    h = {"Authorization": f"Bearer {made[-1]['access_token']}"}
    assert c.get("/api/erp/purchase-orders", headers=h).json()["meta"]["total"] == 2
    c.post(f"/_sandbox/connections/{made[-1]['key']}/generate", json={"purchase_orders": 100})
    assert c.get("/api/erp/purchase-orders", headers=h).json()["meta"]["total"] == 102
