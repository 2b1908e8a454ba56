"""Every entity beyond purchasing, as a client meets it: seeded per system with relationships that
hold, sub-resources, writes that validate and emit the events the catalog names, the forbidden
scenario on every path, routing before auth, and the passthrough's sandbox meaning."""

from __future__ import annotations

import json

import pytest

from makini_cli.sandbox import contract
from makini_cli.sandbox.fields import ENTITIES, REFS


@pytest.fixture
def sap(sandbox_client):
    return sandbox_client.conn(0)  # SAP S/4HANA: healthy, keeps every entity


def _all(c, h, path, **params):
    return c.get(path, headers=h, params={"per_page": 1000, **params}).json()["data"]


def _path(entity: str) -> str:
    domain = ENTITIES[entity].domains[0] if "erp" not in ENTITIES[entity].domains else "erp"
    return f"/api/{domain}/{entity}"


def test_every_listed_entity_has_seeded_records_on_sap(sandbox_client, sap):
    for entity in contract.entities():
        path = ("/api/erp/statuses/purchase-orders" if entity == "statuses" else _path(entity))
        assert _all(sandbox_client, sap, path), entity


def test_references_name_records_the_lists_serve_on_every_connection(sandbox_client):
    c, sb = sandbox_client, sandbox_client.sandbox
    checked = 0
    for conn in sb.connections():
        sb.set_scenario(conn["key"], "healthy", {})
        h = c.conn(conn["key"])
        keys = {e: {r["key"] for r in _all(c, h, _path(e))} for e in contract.entities()
                if e != "statuses"}
        for entity in keys:
            for record in _all(c, h, _path(entity)):
                for name, value in record.items():
                    target = REFS.get(name)
                    if target not in keys or value in (None, "", []) or name == "statusKey":
                        continue
                    for ref in value if isinstance(value, list) else str(value).split(","):
                        assert ref in keys[target], (conn["provider"], entity, name, ref)
                        checked += 1
    assert checked > 5000


def test_statuses_referenced_by_records_are_in_their_statuses_list(sandbox_client, sap):
    c = sandbox_client
    for entity, domains in contract.status_scopes().items():
        if "statusKey" not in ENTITIES[entity].types:
            continue  # Receiving names no status
        allowed = {s["key"] for s in _all(c, sap, f"/api/{domains[0]}/statuses/{entity}")}
        used = {r["statusKey"] for r in _all(c, sap, f"/api/{domains[0]}/{entity}")}
        assert allowed and used and used <= allowed | {None}, entity


def test_materials_children_exist_and_name_their_parent(sandbox_client, sap):
    c = sandbox_client
    materials = {m["key"]: m for m in _all(c, sap, "/api/erp/materials")}
    assemblies = [m for m in materials.values() if m["isAssembly"]]
    assert assemblies
    for parent in assemblies:
        children = _all(c, sap, f"/api/erp/materials/{parent['key']}/children")
        assert children and all(ch["key"] in materials and parent["key"] in ch["parentKeys"]
                                for ch in children)


def test_material_lines_of_work_orders_and_assets(sandbox_client, sap):
    c = sandbox_client
    wos = _all(c, sap, "/api/eam/work-orders")
    with_lines = [w for w in wos if w["materialCount"] != "0"]
    assert with_lines
    for wo in with_lines[:5]:
        lines = _all(c, sap, f"/api/eam/work-orders/{wo['key']}/materials")
        assert len(lines) == int(wo["materialCount"])
        assert all(x["workOrderKey"] == wo["key"] and x["storeroomKey"] for x in lines)
    every = _all(c, sap, "/api/eam/work-orders/materials")
    assert len(every) == sum(int(w["materialCount"]) for w in wos)
    asset = _all(c, sap, "/api/eam/assets")[0]
    parts = _all(c, sap, f"/api/eam/assets/{asset['key']}/materials")
    materials = {m["key"]: m for m in _all(c, sap, "/api/eam/materials")}
    assert parts and all(asset["key"] in materials[p["materialKey"]]["assetKeys"] for p in parts)
    assert c.get("/api/eam/assets/79999999999999/materials", headers=sap).status_code == 404


def test_systems_differ_in_what_they_keep_fill_and_add(sandbox_client):
    c, sb = sandbox_client, sandbox_client.sandbox
    by = {x["provider"]: c.conn(x["key"]) for x in sb.connections()}
    assert _all(c, by["sap_s4hana"], "/api/erp/sales-orders")
    assert _all(c, by["ibm_maximo"], "/api/erp/sales-orders") == []   # an EAM sells nothing
    assert _all(c, by["oracle_netsuite"], "/api/eam/pm") == []         # an ERP plans no PM
    sap_parts = _all(c, by["sap_s4hana"], "/api/erp/materials")
    assert all(p["ZZ_MRP_CONTROLLER"].startswith("MR") for p in sap_parts)
    maximo_parts = _all(c, by["ibm_maximo"], "/api/erp/materials")
    assert all("CUST_COMMODITY_GROUP" in p and "ZZ_MRP_CONTROLLER" not in p for p in maximo_parts)
    upkeep_labor = _all(c, by["upkeep"], "/api/eam/labors", )
    assert upkeep_labor and all(x["costUomKey"] is None for x in upkeep_labor)
    assert all(x["costUomKey"] == "HR" for x in _all(c, by["sap_s4hana"], "/api/eam/labors"))


def test_a_forbidden_entity_is_forbidden_on_every_path(sandbox_client):
    c, sb = sandbox_client, sandbox_client.sandbox
    conn = next(x for x in sb.connections() if x["provider"] == "sap_s4hana")
    sb.set_scenario(conn["key"], "forbidden", {"entities": ["materials", "purchase-orders"]})
    h = c.conn(conn["key"])
    some_wo = next(w for w in _all(c, c.conn(1), "/api/eam/work-orders") if w)
    for method, path in (("GET", "/api/wms/materials"), ("GET", "/api/eam/materials/x"),
                         ("GET", "/api/erp/materials/x/children"),
                         ("PUT", "/api/erp/materials/x/inventory"),
                         ("GET", "/api/eam/work-orders/materials"),
                         ("GET", f"/api/eam/work-orders/{some_wo['key']}/materials"),
                         ("GET", "/api/erp/purchase-orders.line-items"),
                         ("GET", "/api/eam/statuses/purchase-orders")):
        r = c.request(method, path, headers=h, json={})
        assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN", (method, path, r.text)
    tables = {t["entity"] for t in c.get("/api/raw/tables", headers=h).json()["data"]}
    assert "materials" not in tables and "purchase-orders" not in tables and "sites" in tables
    assert c.get("/api/raw/tables/MARA/data", headers=h).status_code == 404
    assert c.get("/api/erp/vendors", headers=h).status_code == 200


def test_writes_validate_like_laravel_and_name_every_bad_field(sandbox_client, sap):
    c = sandbox_client
    r = c.post("/api/erp/customers", headers=sap, json={"name": 7, "code": ["x"],
                                                        "companyKey": "09999999999999"})
    body = r.json()
    assert r.status_code == 422 and set(body["errors"]) == {"name", "code"}
    assert body["message"] == "The name field must be a string. (and 1 more error)"
    r = c.post("/api/erp/customers", headers=sap, json={"name": "Acme", "companyKey": "nope"})
    assert r.status_code == 422 and r.json()["errors"] == {
        "companyKey": ["The selected companyKey 'nope' does not exist."]}
    wo = _all(c, sap, "/api/eam/work-orders")[0]["key"]
    r = c.post(f"/api/eam/work-orders/{wo}/materials", headers=sap, json={"materialKey": "x"})
    assert r.status_code == 422 and {"requiredQuantity", "usedQuantity"} <= set(r.json()["errors"])
    r = c.post("/api/erp/sales-orders", headers=sap, json={"lines": ["L"]})
    assert r.status_code == 422 and "lines.0" in r.json()["errors"]
    r = c.put(f"/api/eam/work-orders/{wo}", headers=sap, json={"tasks": {"a": 1}})
    assert r.status_code == 422
    assert r.json()["errors"] == {"tasks": ["The tasks field must be a list."]}
    upkeep = c.conn(5)
    r = c.post("/api/erp/sales-orders", headers=upkeep, json={"code": "SO-1"})
    assert r.status_code == 422 and r.json()["code"] == "NOT_SUPPORTED"


def test_writes_emit_the_events_the_catalog_names(sandbox_client, sap):
    c, sb = sandbox_client, sandbox_client.sandbox
    sb.dispatcher.configure("http://127.0.0.1:9/hooks", "s", None)
    material = _all(c, sap, "/api/erp/materials")[0]
    assert c.put(f"/api/erp/materials/{material['key']}", headers=sap,
                 json={"notes": "Reorder"}).status_code == 200
    r = c.put(f"/api/wms/materials/{material['key']}/inventory", headers=sap,
              json={"quantity": 77, "unitCost": 5})
    assert r.status_code == 200
    assert [i["quantity"] for i in r.json()["data"]["inventories"]] == [77]
    created = c.post("/api/eam/materials", headers=sap, json={"name": "Coupling", "code": "CPL-1"})
    wo = _all(c, sap, "/api/eam/work-orders")[0]["key"]
    c.post(f"/api/eam/work-orders/{wo}/materials", headers=sap,
           json={"materialKey": material["key"], "requiredQuantity": 2, "usedQuantity": 1})
    c.post("/api/erp/customers", headers=sap, json={"name": "No event for customers"})
    events = [(r[0], json.loads(r[1])["body"]) for r in sb.query(
        "SELECT event, body FROM webhook_deliveries ORDER BY rowid")]
    assert events == [("materials.updated", [material["key"]]),
                      ("materials.updated", [material["key"]]),
                      ("materials.inserted", [created.json()["data"]["key"]]),
                      ("work-orders.updated", [wo])]


def test_status_changes_and_delivery(sandbox_client, sap):
    c = sandbox_client
    invoice = _all(c, sap, "/api/erp/invoices")[0]
    r = c.put(f"/api/erp/invoices/{invoice['key']}/status", headers=sap, json={"status": "paid"})
    paid = next(s for s in _all(c, sap, "/api/erp/statuses/invoices") if s["subCode"] == "paid")
    assert r.status_code == 200 and r.json()["data"]["statusKey"] == paid["key"]
    wo = _all(c, sap, "/api/eam/work-orders")[0]
    r = c.put(f"/api/eam/work-orders/{wo['key']}/status", headers=sap, json={"statusKey": "COMP"})
    assert r.json()["data"]["status"] == "Completed"
    shipment = _all(c, sap, "/api/wms/shipment-orders")[0]
    r = c.post(f"/api/wms/shipment-orders/{shipment['key']}/delivered", headers=sap)
    delivered = next(s for s in _all(c, sap, "/api/wms/statuses/shipment-orders")
                     if s["subCode"] == "delivered")
    assert r.status_code == 200 and r.json()["data"]["statusKey"] == delivered["key"]


def test_document_upload_is_described_not_kept(sandbox_client, sap):
    r = sandbox_client.post("/api/eam/documents", headers=sap, data={"name": "Pump manual"},
                            files={"file": ("pump.pdf", b"%PDF-1.4 x", "application/pdf")})
    doc = r.json()["data"]
    assert r.status_code == 200 and doc["name"] == "Pump manual" and doc["type"] == "PDF"
    assert doc["contentType"] == "application/pdf" and "10 bytes, sha256" in doc["notes"]
    r = sandbox_client.post("/api/eam/documents", headers=sap, json={"name": "x"})
    assert r.status_code == 415


def test_routes_are_matched_before_auth(sandbox_client):
    c = sandbox_client
    r = c.get("/api/erp/no-such-thing")
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
    r = c.delete("/api/erp/purchase-orders")  # known path, wrong method, no token at all
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert r.json()["code"] == "METHOD_NOT_ALLOWED" and "Allowed: " in r.json()["message"]
    assert c.post("/api/eam/work-orders/x/status").status_code == 405
    assert c.put("/api/eam/work-orders/x/status").status_code == 401


@pytest.mark.parametrize("path", ["/api/erp/purchase-orders", "/api/eam/meters",
                                  "/api/system/platforms", "/api/raw/tables/EKKO/data",
                                  "/api/eam/work-orders/custom-fields"])
def test_a_huge_page_is_a_422_not_an_overflow(sandbox_client, sap, path):
    h = sandbox_client.admin() if "/system/" in path else sap
    r = sandbox_client.get(path, headers=h, params={"page": "99999999999999999999"})
    assert r.status_code == 422 and r.json()["errors"] == {
        "page": ["The page field must be between 1 and 2147483647."]}
    r = sandbox_client.get(path, headers=h, params={"page": "2147483647", "per_page": "1000"})
    assert r.status_code == 200 and r.json()["data"] == []


def test_huge_filter_values_compare_instead_of_overflowing(sandbox_client, sap):
    c = sandbox_client
    assert _all(c, sap, "/api/erp/purchase-orders", **{"filter[totalGrossValue:gt]": "1e400"}) == []
    everything = _all(c, sap, "/api/erp/purchase-orders",
                      **{"filter[totalGrossValue:gt]": "-1e400"})
    assert len(everything) == 40
    r = c.get("/api/erp/purchase-orders", headers=sap,
              params={"filter[updatedAt:gt]": "0001-01-01T00:00:00+05:00"})
    assert r.status_code == 422
    r = c.get("/api/erp/purchase-orders", headers=sap, params={"filter[updatedAt]": "9999-12-31"})
    assert r.status_code == 200


def test_passthrough_reads_the_source_tables(sandbox_client, sap):
    c = sandbox_client
    r = c.post("/api/passthrough", headers=sap, json={"method": "get", "path": "EKKO",
                                                       "query": {"limit": 3}})
    data = r.json()["data"]
    assert r.status_code == 200 and data["status"] == 200 and data["body"]["count"] == 3
    assert data["body"]["rows"][0]["EBELN"].startswith("45")
    r = c.post("/api/passthrough", headers=sap,
               json={"method": "GET", "sql": "SELECT EBELN, LIFNR FROM EKKO LIMIT 2"})
    assert [set(row) for row in r.json()["data"]["body"]["rows"]] == [{"EBELN", "LIFNR"}] * 2
    r = c.post("/api/passthrough", headers=sap, json={"method": "post", "path": "EKKO"})
    assert r.status_code == 200 and r.json()["data"]["status"] == 405
    r = c.post("/api/passthrough", headers=sap, json={"method": "get", "path": "F4801"})
    assert r.json()["data"]["status"] == 404 and "EKKO" in r.json()["data"]["body"]["tables"]
    r = c.post("/api/passthrough", headers=sap, json={"method": "get", "path": "EKKO",
                                                       "base64encoded": True})
    assert isinstance(r.json()["data"]["body"], str)
    assert c.post("/api/passthrough", headers=sap, json={"path": "EKKO"}).status_code == 422
    assert c.post("/api/passthrough", headers=sap,
                  json={"method": "get", "sql": "DROP TABLE EKKO"}).status_code == 422


def test_a_connection_grows_every_entity_for_benchmarks(sandbox_client, sap):
    c, sb = sandbox_client, sandbox_client.sandbox
    key = sb.connections()[0]["key"]
    before = len(_all(c, sap, "/api/erp/invoices"))
    r = c.post(f"/_sandbox/connections/{key}/generate", json={"records_per_entity": 30})
    assert r.status_code == 200 and r.json()["data"]["records"]["invoices"] == before + 30
    orders = {po["key"] for po in _all(c, sap, "/api/erp/purchase-orders")}
    receipts = _all(c, sap, "/api/erp/receipts")
    assert len(receipts) > 30 and all(x["poKey"] in orders for x in receipts)
    lines = _all(c, sap, "/api/eam/work-orders/materials")
    wos = {w["key"]: w for w in _all(c, sap, "/api/eam/work-orders")}
    assert all(x["workOrderKey"] in wos for x in lines)
    assert sum(int(w["materialCount"]) for w in wos.values()) == len(lines)
    assert c.post(f"/_sandbox/connections/{key}/generate", json={}).status_code == 422
