"""Contract test: every operation the sandbox serves under /api exists in Makini's spec, and
every 200 body it sends validates against the spec's schema (with the quirk corrections
listed in tests/sandbox/spec.py). Walks every seeded connection, so each system's gaps
(null fields) and custom fields are checked too."""

from __future__ import annotations

import functools

import pytest
from starlette.routing import Route

from tests.sandbox import spec

pytestmark = pytest.mark.skipif(
    not spec.available(),
    reason=f"Makini OpenAPI files not found at {spec.spec_dir()} (set MAKINI_OPENAPI_DIR)")


@functools.cache
def _validator(method: str, template: str):
    from openapi_schema_validator import OAS30Validator

    schema = spec.response_schema(method, template)
    assert schema is not None, f"{method} {template} is not in the spec"
    return OAS30Validator(schema)


def _validate(method: str, template: str, body) -> None:
    errors = sorted(_validator(method, template).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{method} {template}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])


def served_api_operations(app) -> set[tuple[str, str]]:
    out = set()
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/"):
            for m in route.methods or ():
                if m != "HEAD":
                    out.add((m, route.path.replace("{id}", "{id}")))
    return out


def test_every_served_operation_is_in_the_spec(sandbox_app):
    missing = served_api_operations(sandbox_app) - spec.operations()
    assert not missing, f"served but not in the spec: {sorted(missing)}"


class Walker:
    def __init__(self, client) -> None:
        self.client = client
        self.seen: set[tuple[str, str]] = set()

    def call(self, method: str, template: str, path: str | None = None, *, headers,
             json=None, params=None, expect_data: bool = True):
        r = self.client.request(method, path or template, headers=headers, json=json,
                                params=params)
        assert r.status_code == 200, f"{method} {path or template}: {r.status_code} {r.text}"
        body = r.json()
        if expect_data:
            assert body.get("data") is not None
        _validate(method, template, body)
        self.seen.add((method, template))
        return body


def test_every_response_validates(sandbox_client):
    c, sb = sandbox_client, sandbox_client.sandbox
    w = Walker(c)
    adm = c.admin()
    for conn in sb.connections():
        sb.set_scenario(conn["key"], "healthy", {})
    w.call("GET", "/api/system/client", headers=adm)
    w.call("GET", "/api/system/platforms", headers=adm)
    w.call("GET", "/api/system/platforms", headers=adm, params={"page": 99})  # empty page
    w.call("GET", "/api/system/connections", headers=adm, params={"per_page": 100})
    first = sb.connections()[0]["key"]
    meta = f"/api/system/connections/{first}/metadata"
    w.call("POST", "/api/system/connections/{id}/metadata", meta, headers=adm,
           json=[{"key": "uc_first", "value": "UC Value"}])
    w.call("GET", "/api/system/connections/{id}/metadata", meta, headers=adm)
    w.call("POST", "/api/system/connections/{id}/token", f"/api/system/connections/{first}/token",
           headers=adm)
    created = w.call("POST", "/api/system/connections", headers=adm, json={
        "name": "Inextia", "email": "hey@makini.io", "provider": "inextia",
        "credentials": {"api": "https://sample.inextia.dk", "login": "l", "password": "p"}})
    new_key = created["data"]["key"]

    for conn in sb.connections():
        h = c.conn(conn["key"])
        w.call("GET", "/api/integrations/current", headers=h)
        w.call("GET", "/api/raw/tables", headers=h)
        for table in c.get("/api/raw/tables", headers=h).json()["data"]:
            w.call("GET", "/api/raw/tables/{table}/data",
                   f"/api/raw/tables/{table['name']}/data", headers=h)
        for d in ("erp", "eam", "wms"):
            for entity in ("purchase-orders", "purchase-orders.line-items", "vendors", "sites"):
                page = w.call("GET", f"/api/{d}/{entity}", headers=h, params={"per_page": 50})
                for rec in page["data"][:3]:
                    w.call("GET", f"/api/{d}/{entity}/{{key}}", f"/api/{d}/{entity}/{rec['key']}",
                           headers=h)
            w.call("GET", f"/api/{d}/statuses/purchase-orders", headers=h)
        for entity in ("work-orders", "assets"):
            page = w.call("GET", f"/api/eam/{entity}", headers=h, params={"per_page": 50})
            for rec in page["data"][:3]:
                w.call("GET", f"/api/eam/{entity}/{{key}}", f"/api/eam/{entity}/{rec['key']}",
                       headers=h)
        w.call("GET", "/api/eam/work-orders/custom-fields", headers=h)
        w.call("GET", "/api/eam/statuses/work-orders", headers=h)

    # writes, on a connection with reference data
    h = c.conn(first)
    vendor = c.get("/api/erp/vendors", headers=h).json()["data"][0]["key"]
    site = c.get("/api/erp/sites", headers=h).json()["data"][0]["key"]
    for d in ("erp", "eam", "wms"):
        po = w.call("POST", f"/api/{d}/purchase-orders", headers=h, json={
            "vendorKey": vendor, "siteKey": site, "title": "Contract test", "currencyKey": "EUR",
            "lineItems": [{"code": "X", "name": "X", "quantity": "2", "price": "10.50"}]})
        key = po["data"]["key"]
        w.call("PUT", f"/api/{d}/purchase-orders/{{key}}", f"/api/{d}/purchase-orders/{key}",
               headers=h, json={"notes": "updated"})
        w.call("PUT", f"/api/{d}/purchase-orders/{{key}}/status",
               f"/api/{d}/purchase-orders/{key}/status", headers=h, json={"status": "approved"})
    wo = w.call("POST", "/api/eam/work-orders", headers=h, json={"title": "Fix pump",
                                                                 "siteKey": site})
    w.call("PUT", "/api/eam/work-orders/{key}", f"/api/eam/work-orders/{wo['data']['key']}",
           headers=h, json={"severity": "High"})
    asset = w.call("POST", "/api/eam/assets", headers=h, json={"name": "Pump 9",
                                                               "siteKey": site})
    w.call("PUT", "/api/eam/assets/{key}", f"/api/eam/assets/{asset['data']['key']}",
           headers=h, json={"criticality": "A"})

    # disconnects last
    w.call("DELETE", "/api/integrations/current", headers=c.conn(new_key), expect_data=False)
    w.call("DELETE", "/api/system/connections/{id}", f"/api/system/connections/{first}",
           headers=adm, expect_data=False)

    unvisited = served_api_operations(c.app) - w.seen
    assert not unvisited, f"served operations the walk never checked: {sorted(unvisited)}"


def test_the_checker_has_teeth():
    """The quirk corrections must not make the check vacuous."""
    from openapi_schema_validator import OAS30Validator

    schema = spec.response_schema("GET", "/api/erp/purchase-orders")
    for bad in ({"data": [{"key": 123}]}, {"data": [{"lineItems": [{"quantity": 5}]}]},
                {"data": [{"shipmentAddress": "x"}]}, {"data": [], "meta": {"total": "5"}}):
        assert list(OAS30Validator(schema).iter_errors(bad)), bad
