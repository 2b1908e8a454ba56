"""Contract walk: the sandbox serves every operation of Makini's four files and nothing else under
/api, a served sandbox answers each of them with data, and every 200 body it sends validates against the spec's schema (repaired as
tests/sandbox/spec.py says). Lists are read on every seeded connection, so each system's gaps
(null fields) and custom fields are checked too; writes go through one healthy connection with
bodies made of its own records, so they must succeed."""

from __future__ import annotations

import functools
import json

import pytest
from starlette.routing import Route

from tests.sandbox import spec

pytestmark = pytest.mark.skipif(
    not spec.available(),
    reason=f"Makini OpenAPI files not found at {spec.spec_dir()} (set MAKINI_OPENAPI_DIR)")


@functools.cache
def _validator(method: str, template: str, status: str = "200"):
    from openapi_schema_validator import OAS30Validator

    schema = spec.response_schema(method, template, status)
    assert schema is not None, f"{method} {template} is not in the spec"
    return OAS30Validator(schema)


def _validate(method: str, template: str, body, status: str = "200") -> None:
    errors = sorted(_validator(method, template, status).iter_errors(body),
                    key=lambda e: list(e.path))
    assert not errors, f"{method} {template}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])


def served_api_operations(app) -> set[tuple[str, str]]:
    out = set()
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/"):
            out |= {(m, route.path) for m in route.methods or () if m != "HEAD"}
    return out


def test_the_sandbox_serves_every_operation_of_the_spec_and_no_other(sandbox_app):
    served, declared = served_api_operations(sandbox_app), spec.operations()
    assert len(declared) == 289
    assert not served - declared, f"served but not in the spec: {sorted(served - declared)}"
    assert not declared - served, f"in the spec but not served: {sorted(declared - served)}"


class Walker:
    def __init__(self, client) -> None:
        self.client = client
        self.seen: set[tuple[str, str]] = set()

    def call(self, method: str, template: str, path: str | None = None, *, headers,
             json=None, params=None, files=None, data=None, expect_data: bool = True):
        r = self.client.request(method, path or template, headers=headers, json=json,
                                params=params, files=files, data=data)
        assert r.status_code == 200, f"{method} {path or template}: {r.status_code} {r.text}"
        body = r.json()
        if expect_data:
            assert body.get("data") is not None, f"{method} {path or template}: no data"
        _validate(method, template, body)
        self.seen.add((method, template))
        return body


def _ops() -> list[dict]:
    from makini_cli.sandbox import contract

    return [op for op in contract.operations() if op.kind != "system"]


def _body_from(record: dict, rules: dict) -> dict:
    """A write body made of a record's own values for the fields the body's rules name (a list
    the schema serves as JSON text goes back as the list)."""
    body = {k: v for k, v in record.items() if k in rules and v is not None
            and k not in ("key", "createdAt", "updatedAt")}
    for k, v in body.items():
        if "array" in rules[k].rules and isinstance(v, str):
            body[k] = json.loads(v)
    return body


def test_a_served_sandbox_answers_every_operation_and_every_answer_validates(served_client):
    """Over real HTTP (uvicorn on 127.0.0.1), as a client meets it."""
    c, sb = served_client, served_client.sandbox
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

    reads = [op for op in _ops() if op.method == "GET"]
    for conn in sb.connections():
        h = c.conn(conn["key"])
        w.call("GET", "/api/integrations/current", headers=h)
        w.call("GET", "/api/raw/tables", headers=h)
        for table in c.get("/api/raw/tables", headers=h).json()["data"]:
            w.call("GET", "/api/raw/tables/{table}/data",
                   f"/api/raw/tables/{table['name']}/data", headers=h)
        w.call("POST", "/api/passthrough", headers=h, json={"method": "get", "path": "tables"})
        for op in reads:
            if op.kind in ("list", "statuses") or (op.kind == "sub" and "{" not in op.path):
                page = w.call("GET", op.path, headers=h, params={"per_page": 50})
                if op.kind == "list":
                    for rec in page["data"][:2]:
                        w.call("GET", op.path + "/{key}", f"{op.path}/{rec['key']}", headers=h)
                        for sub in (s for s in reads if s.path.startswith(op.path + "/{key}/")):
                            w.call("GET", sub.path, sub.path.replace("{key}", rec["key"]),
                                   headers=h)

    # writes, on a healthy connection that keeps every entity
    h = c.conn(first)
    by_path = {(op.method, op.path): op for op in _ops()}
    for op in _ops():
        if op.method == "GET":
            continue
        list_path = op.path.split("/{key}")[0]
        record = c.get(list_path, headers=h).json()["data"][0]
        item = op.path.replace("{key}", record["key"])
        if op.kind == "create":
            source = record
            if op.entity == "purchase-orders":
                source = {**record, "lineItems": [{"code": "X", "name": "X", "quantity": "2",
                                                   "price": "10.50"}]}
            if (op.media or "").startswith("multipart/"):
                w.call("POST", op.path, headers=h, data={"name": "Pump manual"},
                       files={"file": ("manual.pdf", b"%PDF-1.4 sandbox", "application/pdf")})
                continue
            rules = by_path[("POST", op.path)].body or by_path.get(
                ("PUT", op.path + "/{key}"), op).body
            body = _body_from(source, rules)
            if op.entity == "purchase-orders":
                body["lineItems"] = source["lineItems"]
            w.call("POST", op.path, headers=h, json=body)
        elif op.kind == "update":
            w.call("PUT", op.path, item, headers=h, json=_body_from(record, op.body) or
                   {"notes": "Checked by the contract walk"})
        elif op.kind == "status":
            statuses = c.get(f"/api/{op.domain}/statuses/{op.entity}", headers=h).json()["data"]
            field = next(iter(op.body))
            w.call("PUT", op.path, item, headers=h, json={field: statuses[-1]["key"]})
        elif op.action == "inventory":
            w.call("PUT", op.path, item, headers=h, json={"quantity": 12, "unitCost": 40})
        elif op.action == "delivered":
            w.call("POST", op.path, item, headers=h, json={})
        elif op.action == "materials":  # POST a work order's material line
            material = c.get("/api/eam/materials", headers=h).json()["data"][0]["key"]
            w.call("POST", op.path, item, headers=h, json={
                "materialKey": material, "requiredQuantity": "4", "usedQuantity": "1.5"})
        elif op.action == "materials/{materialKey}":
            line = c.get(f"/api/eam/work-orders/{record['key']}/materials", headers=h).json()
            material = line["data"][0]["materialKey"]
            w.call("PUT", op.path, item.replace("{materialKey}", material), headers=h,
                   json={"requiredQuantity": "5", "usedQuantity": "5"})
        else:
            raise AssertionError(f"no walk for {op.method} {op.path}")

    # disconnects last
    w.call("DELETE", "/api/integrations/current", headers=c.conn(new_key), expect_data=False)
    w.call("DELETE", "/api/system/connections/{id}", f"/api/system/connections/{first}",
           headers=adm, expect_data=False)

    unvisited = served_api_operations(c.app) - w.seen
    assert not unvisited, f"served operations the walk never checked: {sorted(unvisited)}"


def test_the_checker_has_teeth():
    """The repairs must not make the check vacuous."""
    from openapi_schema_validator import OAS30Validator

    schema = spec.response_schema("GET", "/api/erp/purchase-orders")
    for bad in ({"data": [{"key": 123}]}, {"data": [{"lineItems": [{"quantity": 5}]}]},
                {"data": [{"shipmentAddress": "x"}]}, {"data": [], "meta": {"total": "5"}},
                {"data": [{"shipmentAddress": {"city": 7}}]}):
        assert list(OAS30Validator(schema).iter_errors(bad)), bad
    error = spec.response_schema("GET", "/api/erp/purchase-orders", "default")
    assert list(OAS30Validator(error).iter_errors({"message": "x"}))  # code, type, request_id
