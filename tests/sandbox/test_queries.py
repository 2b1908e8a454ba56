"""Filters, sorting and Laravel pagination, as SQL over the sandbox tables."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def h(sandbox_client):
    return sandbox_client.conn(0)


def _get(c, h, path="/api/erp/purchase-orders", **params):
    return c.get(path, headers=h, params=params)


def test_default_page_and_links(sandbox_client, h):
    body = _get(sandbox_client, h).json()
    m = body["meta"]
    assert (m["current_page"], m["per_page"], m["from"], m["to"], m["total"], m["last_page"]) \
        == (1, 15, 1, 15, 40, 3)
    assert body["links"]["prev"] is None
    assert body["links"]["next"].endswith("page=2")
    assert body["links"]["last"].endswith("page=3")
    assert m["path"].endswith("/api/erp/purchase-orders")


def test_short_last_page_and_past_the_end(sandbox_client, h):
    c = sandbox_client
    last = _get(c, h, page=3).json()
    assert len(last["data"]) == 10 and last["meta"]["from"] == 31 and last["meta"]["to"] == 40
    assert last["links"]["next"] is None
    past = _get(c, h, page=9).json()
    assert past["data"] == [] and past["meta"]["from"] is None and past["meta"]["to"] is None


def test_one_page_and_empty_result(sandbox_client, h):
    c = sandbox_client
    one = _get(c, h, per_page=1000).json()
    assert len(one["data"]) == 40 and one["meta"]["last_page"] == 1
    assert one["links"]["next"] is None
    empty = _get(c, h, **{"filter[orderNo]": "no-such"}).json()
    assert empty["data"] == [] and empty["meta"]["total"] == 0 and empty["meta"]["last_page"] == 1


@pytest.mark.parametrize("params", [{"per_page": 0}, {"per_page": 1001}, {"per_page": "x"},
                                    {"page": 0}, {"page": "-1"}, {"filterMatch": "some"}])
def test_bounds_are_422(sandbox_client, h, params):
    r = _get(sandbox_client, h, **params)
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_FAILED"


def test_pages_cover_everything_once_in_insertion_order(sandbox_client, h):
    seen = []
    for page in range(1, 5):
        seen += [po["key"] for po in _get(sandbox_client, h, per_page=13, page=page).json()["data"]]
    assert len(seen) == 40 and seen == sorted(seen)


def test_created_records_come_last(sandbox_client, h):
    c = sandbox_client
    new = c.post("/api/erp/purchase-orders", headers=h, json={"title": "late"}).json()["data"]
    last = _get(c, h, page=3).json()["data"]
    assert last[-1]["key"] == new["key"]


def test_filters(sandbox_client, h):
    c = sandbox_client
    everything = _get(c, h, per_page=1000).json()["data"]
    po = everything[5]
    assert [x["key"] for x in _get(c, h, **{"filter[orderNo]": po["orderNo"]}).json()["data"]] \
        == [po["key"]]
    contains = _get(c, h, per_page=1000, **{"filter[title:contains]": "supplies"}).json()
    assert contains["meta"]["total"] == 40
    starts = _get(c, h, per_page=1000, **{"filter[orderNo:startsWith]": "450000000"}).json()
    assert starts["meta"]["total"] == 9
    limit = Decimal("5000")
    gt = _get(c, h, per_page=1000, **{"filter[totalGrossValue:gt]": "5000"}).json()["data"]
    assert {x["key"] for x in gt} == {x["key"] for x in everything
                                      if Decimal(x["totalGrossValue"]) > limit}
    lteq = _get(c, h, per_page=1000, **{"filter[totalGrossValue:lteq]": "5000.00"}).json()
    assert lteq["meta"]["total"] + len(gt) == 40
    day = po["orderDate"][:10]
    on_day = _get(c, h, **{"filter[orderDate]": day}).json()["data"]
    assert po["key"] in [x["key"] for x in on_day]
    after = _get(c, h, per_page=1000, **{"filter[updatedAt:gteq]": po["updatedAt"]}).json()
    assert all(x["updatedAt"] >= po["updatedAt"] for x in after["data"])


def test_filter_match_any_and_all(sandbox_client, h):
    c = sandbox_client
    data = _get(c, h, per_page=1000).json()["data"]
    a, b = data[0]["orderNo"], data[1]["orderNo"]
    both = {"filter[orderNo]": a, "filter[title:contains]": "order 2"}
    assert _get(c, h, **both).json()["meta"]["total"] == 0
    anyq = _get(c, h, filterMatch="any", **{"filter[orderNo]": a,
                                            "filter[key]": data[1]["key"]}).json()
    assert {x["orderNo"] for x in anyq["data"]} == {a, b}


def test_sorting(sandbox_client, h):
    c = sandbox_client
    desc = _get(c, h, per_page=1000, **{"sort[totalGrossValue]": "1"}).json()["data"]
    values = [Decimal(x["totalGrossValue"]) for x in desc]
    assert values == sorted(values, reverse=True)
    asc = _get(c, h, per_page=1000, **{"sort[orderDate]": "0"}).json()["data"]
    assert [x["orderDate"] for x in asc] == sorted(x["orderDate"] for x in asc)


@pytest.mark.parametrize("params, field", [
    ({"filter[nope]": "1"}, "nope"), ({"filter[title:near]": "x"}, "near"),
    ({"sort[nope]": "1"}, "nope"), ({"sort[title]": "up"}, "title"),
    ({"filter[totalGrossValue:gt]": "lots"}, "totalGrossValue"),
    ({"filter[orderDate:gt]": "yesterday"}, "orderDate"), ({"filter": "x"}, "filter"),
    ({"filter[shipmentAddress]": "x"}, "shipmentAddress")])
def test_bad_filters_name_the_field(sandbox_client, h, params, field):
    r = _get(sandbox_client, h, **params)
    assert r.status_code == 422
    assert field in r.json()["message"]


def test_line_items_and_statuses(sandbox_client, h):
    c = sandbox_client
    po = _get(c, h).json()["data"][0]
    lines = _get(c, h, "/api/erp/purchase-orders.line-items",
                 **{"filter[purchaseOrderKey]": po["key"]}).json()["data"]
    assert [x["key"] for x in lines] == [x["key"] for x in po["lineItems"]]
    statuses = _get(c, h, "/api/erp/statuses/purchase-orders").json()["data"]
    assert {s["subCode"] for s in statuses} == {"draft", "approved", "partially_received",
                                               "completed", "cancelled"}
    approved = _get(c, h, per_page=1000, **{"filter[statusKey]": statuses[1]["key"]}).json()
    assert all(x["statusKey"] == statuses[1]["key"] for x in approved["data"])


def test_writes_validate(sandbox_client, h):
    c = sandbox_client
    assert c.post("/api/erp/purchase-orders", headers=h,
                  json={"vendorKey": "nope"}).status_code == 422
    assert c.post("/api/erp/purchase-orders", headers=h,
                  json={"totalNetValue": "abc"}).status_code == 422
    assert c.post("/api/erp/purchase-orders", headers=h, content=b"{").status_code == 400
    key = _get(c, h).json()["data"][0]["key"]
    assert c.put(f"/api/erp/purchase-orders/{key}/status", headers=h,
                 json={"status": "lost"}).status_code == 422
    assert c.get("/api/erp/purchase-orders/nope", headers=h).status_code == 404
    r = c.put(f"/api/erp/purchase-orders/{key}", headers=h, json={"totalNetValue": 12.5})
    assert r.json()["data"]["totalNetValue"] == "12.5"  # JSON number parsed as Decimal
