"""`po list`, `po get`, `po lines`, `po statuses` against a served sandbox: filters become the
spec's query parameters on the wire, and the server's answer respects them."""

from __future__ import annotations

import csv
import io

from tests.purchase_orders.conftest import ndjson, wire_queries

PO_PATH = "/api/erp/purchase-orders"


def test_list_turns_every_filter_option_into_the_specs_parameters(cli, ro):
    r = cli("po", "list", "-c", ro.healthy, "--status", "approved", "--vendor", "SKF",
            "--since", "2024-01-01", "--until", "2024-12-31", "--updated-since", "2024-02-01T10:00:00Z",
            "--filter", "totalGrossValue:gt=100", "--filter", "orderNo:startsWith=45",
            "--sort", "orderDate:desc", "--sort", "orderNo", "--limit", "5", "--debug",
            env=ro.env)
    assert r.code == 0, r
    (params,) = wire_queries(r.stderr, PO_PATH)
    keys = dict(params)
    statuses = {s["subCode"]: s["key"] for s in
                ndjson(cli("po", "statuses", "-c", ro.healthy, "-o", "ndjson", env=ro.env).stdout)}
    assert keys["filter[statusKey]"] == statuses["approved"]
    assert keys["filter[vendorKey]"].startswith("2")  # resolved from the name to the vendor's key
    assert keys["filter[orderDate:gteq]"] == "2024-01-01T00:00:00Z"
    assert keys["filter[orderDate:lt]"] == "2025-01-01T00:00:00Z"  # --until includes the whole day
    assert keys["filter[updatedAt:gteq]"] == "2024-02-01T10:00:00Z"
    assert keys["filter[totalGrossValue:gt]"] == "100"
    assert keys["filter[orderNo:startsWith]"] == "45"
    assert [(k, v) for k, v in params if k.startswith("sort")] == [("sort[orderDate]", "1"),
                                                                   ("sort[orderNo]", "0")]
    assert "filterMatch" not in keys and keys["per_page"] == "5"
    for order in r.json():
        assert order["statusKey"] == statuses["approved"]
        assert order["vendorKey"] == keys["filter[vendorKey]"]
        assert "2024-01-01" <= order["orderDate"] < "2025-01-01"
    dates = [o["orderDate"] for o in r.json()]
    assert dates == sorted(dates, reverse=True)


def test_match_any_is_sent_as_filter_match_and_widens_the_result(cli, ro):
    conn = ro.healthy
    a = cli("po", "list", "-c", conn, "--status", "draft", "--all", env=ro.env).json()
    b = cli("po", "list", "-c", conn, "--status", "cancelled", "--all", env=ro.env).json()
    r = cli("po", "list", "-c", conn, "--status", "draft", "--filter", f"statusKey={b[0]['statusKey']}",
            "--match", "any", "--all", "--debug", env=ro.env)
    assert r.code == 0, r
    assert ("filterMatch", "any") in wire_queries(r.stderr, PO_PATH)[0]
    assert sorted(o["key"] for o in r.json()) == sorted(o["key"] for o in a + b)


def test_a_bad_filter_is_a_usage_error_before_any_request(cli, ro):
    r = cli("po", "list", "-c", ro.healthy, "--filter", "total:between=1", env=ro.env)
    assert r.code == 2
    assert "unknown operator 'between'" in r.stderr
    r = cli("po", "list", "-c", ro.healthy, "--since", "last tuesday", env=ro.env)
    assert r.code == 2 and "--since" in r.stderr


def test_an_unknown_status_lists_the_allowed_ones(cli, ro):
    r = cli("po", "list", "-c", ro.healthy, "--status", "shipped", env=ro.env)
    assert r.code == 2
    assert "unknown purchase order status 'shipped'" in r.stderr
    assert "approved" in r.stderr and "cancelled" in r.stderr


def test_list_limit_and_all(cli, ro):
    r = cli("po", "list", "-c", ro.healthy, "--limit", "3", env=ro.env)
    assert r.code == 0 and len(r.json()) == 3
    r = cli("po", "list", "-c", ro.healthy, "--all", "-o", "ndjson", env=ro.env)
    assert len(ndjson(r.stdout)) == len(ro.orders(ro.healthy))


def test_list_csv_shows_names_totals_and_line_counts_with_exact_money(cli, ro):
    r = cli("po", "list", "-c", ro.healthy, "--limit", "4", "-o", "csv", env=ro.env)
    assert r.code == 0, r
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    reference = {o["key"]: o for o in ro.orders(ro.healthy)}
    assert list(rows[0]) == ["orderNo", "vendor", "status", "orderDate", "dueAt", "currencyKey",
                             "totalNetValue", "totalGrossValue", "lines", "key"]
    for row in rows:
        ref = reference[row["key"]]
        assert row["totalGrossValue"] == ref["totalGrossValue"]
        assert int(row["lines"]) == len(ref["lineItems"])
        assert row["status"] in ("Draft", "Approved", "Partially Received", "Completed", "Cancelled")
        assert not row["vendor"].isdigit()


def test_an_empty_result_is_success(cli, ro):
    r = cli("po", "list", "-c", ro.healthy, "--filter", "orderNo=none-such", env=ro.env)
    assert r.code == 0 and r.json() == []


def test_get_prints_the_order_as_json_when_piped(cli, ro):
    ref = ro.orders(ro.healthy)[2]
    r = cli("po", "get", ref["key"], "-c", ro.healthy, env=ro.env)
    assert r.code == 0, r
    assert r.json() == ref


def test_get_table_view_shows_header_addresses_and_lines(cli, ro):
    ref = ro.orders(ro.healthy)[2]
    r = cli("po", "get", ref["key"], "-c", ro.healthy, "--lines", "-o", "table", env=ro.env)
    assert r.code == 0, r
    for text in (ref["orderNo"], ref["totalGrossValue"], "SHIP TO", "BILL TO",
                 ref["shipmentAddress"]["city"], ref["lineItems"][0]["code"], ref["terms"]):
        assert text in r.stdout


def test_get_an_unknown_key_is_not_found(cli, ro):
    r = cli("po", "get", "49999999999999", "-c", ro.healthy, env=ro.env)
    assert r.code == 1
    assert "not found" in r.stderr.lower()


def test_lines_of_one_order_and_across_orders(cli, ro):
    ref = ro.orders(ro.healthy)[0]
    r = cli("po", "lines", ref["key"], "-c", ro.healthy, env=ro.env)
    assert r.code == 0 and r.json() == ref["lineItems"]
    r = cli("po", "lines", "-c", ro.healthy, "--filter", "code:startsWith=BRG", "--all",
            "-o", "csv", "--debug", env=ro.env)
    assert r.code == 0, r
    assert ("filter[code:startsWith]", "BRG") in wire_queries(r.stderr, "/api/erp/purchase-orders.line-items")[0]
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and all(row["code"].startswith("BRG") for row in rows)
    assert list(rows[0])[:4] == ["lineNo", "code", "description", "quantity"]


def test_statuses_lists_the_connections_allowed_statuses(cli, ro):
    r = cli("po", "statuses", "-c", ro.healthy, "-o", "csv", env=ro.env)
    assert r.code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["subCode"] for row in rows} == {"draft", "approved", "partially_received",
                                                "completed", "cancelled"}


def test_the_domain_option_picks_the_path(cli, ro):
    r = cli("po", "list", "-c", ro.healthy, "--domain", "wms", "--limit", "1", "--debug", env=ro.env)
    assert r.code == 0 and wire_queries(r.stderr, "/api/wms/purchase-orders")
    r = cli("po", "list", "-c", ro.healthy, "--domain", "crm", env=ro.env)
    assert r.code == 2


def test_get_accepts_an_order_number_and_says_it_matched_one(cli, ro):
    order = ro.orders(ro.healthy)[3]
    r = cli("po", "get", order["orderNo"], "-c", ro.healthy, env=ro.env)
    assert r.code == 0, r
    assert r.json()["key"] == order["key"]
    assert r.stderr == f"matched by order number {order['orderNo']}: key {order['key']}\n"
    r = cli("po", "get", "--order-no", order["orderNo"], "-c", ro.healthy, env=ro.env)
    assert r.code == 0 and r.json()["key"] == order["key"] and "matched by order number" in r.stderr
    r = cli("po", "get", order["key"], "-c", ro.healthy, env=ro.env)
    assert r.code == 0 and r.json()["orderNo"] == order["orderNo"] and r.stderr == ""  # a key: as before


def test_get_an_order_number_that_is_no_order_is_not_found(cli, ro):
    r = cli("po", "get", "--order-no", "0000000", "-c", ro.healthy, env=ro.env)
    assert r.code == 1 and "no purchase order with order number '0000000'" in r.stderr
    r = cli("po", "get", "-c", ro.healthy, env=ro.env)
    assert r.code == 2 and "KEY or --order-no" in r.stderr
    r = cli("po", "get", "1", "--order-no", "2", "-c", ro.healthy, env=ro.env)
    assert r.code == 2
