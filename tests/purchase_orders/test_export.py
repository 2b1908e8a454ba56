"""`po export` against a served sandbox: formats, exact money, CSV that round-trips, pagination
edges, several connections at once, and the file appearing only when complete."""

from __future__ import annotations

import csv
import io
import json

import pytest

from makini_cli.export.formats import line_columns, order_columns
from tests.purchase_orders.conftest import ndjson, wire_queries

PO_PATH = "/api/erp/purchase-orders"


def export(cli, served, *args, conn=None):
    return cli("po", "export", "-c", conn or served.healthy, *args, env=served.env)


def test_ndjson_is_the_default_and_equals_the_api_record_for_record(cli, ro):
    r = export(cli, ro)
    assert r.code == 0, r
    assert ndjson(r.stdout) == ro.orders(ro.healthy)
    assert r.stderr == ""  # nothing but data when piped


def test_money_keeps_its_digits_end_to_end(cli, ro):
    r = export(cli, ro, "-o", "csv")
    raw = [o for o in ro.orders(ro.healthy)]
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    by_line = {row["line.key"]: row for row in rows}
    for order in raw:
        for line in order["lineItems"]:
            row = by_line[line["key"]]
            for field in ("quantity", "price", "discount", "lineTaxValue", "lineTotalValue"):
                assert row[f"line.{field}"] == line[field]  # "0.00" stays "0.00", "3.5" stays "3.5"
            assert row["totalNetValue"] == order["totalNetValue"]
    assert any(row["line.discount"] == "0.00" for row in rows)


def test_csv_has_one_row_per_line_item_and_round_trips(cli, ro):
    r = export(cli, ro, "-o", "csv")
    assert r.code == 0, r
    reader = csv.reader(io.StringIO(r.stdout))
    header = next(reader)
    assert header == order_columns(False) + line_columns()
    rows = [dict(zip(header, row)) for row in reader]
    orders = ro.orders(ro.healthy)
    assert len(rows) == sum(len(o["lineItems"]) for o in orders)
    first = orders[0]
    row = rows[0]
    assert row["key"] == first["key"] and row["line.key"] == first["lineItems"][0]["key"]
    assert row["shipmentAddress.city"] == first["shipmentAddress"]["city"]
    assert row["shipmentAddress.isActive"] == "true"
    assert row["notes"] == ""  # null is an empty cell
    assert json.loads(row["customFields"]) == {"ZZ_COST_CENTER": first["ZZ_COST_CENTER"],
                                                "ZZ_PURCH_GROUP": first["ZZ_PURCH_GROUP"]}
    assert row["title"] == first["title"]  # "Shaft supplies, order 1": a comma, quoted


def test_csv_quotes_commas_quotes_and_newlines(cli, rw):
    served = rw
    body = {"title": 'Valves, "DN50"\nsecond line', "notes": "a;b"}
    created = cli("po", "create", "-c", served.healthy, "--file", "-", "-o", "json",
                  input=json.dumps(body), env=served.env)
    assert created.code == 0, created
    r = export(cli, served, "-o", "csv", "--no-lines")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows[-1]["title"] == body["title"] and rows[-1]["notes"] == "a;b"


def test_no_lines_gives_one_row_per_order(cli, ro):
    r = export(cli, ro, "-o", "csv", "--no-lines")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["key"] for row in rows] == [o["key"] for o in ro.orders(ro.healthy)]
    assert "line.key" not in rows[0]
    r = export(cli, ro, "--no-lines")
    assert all("lineItems" not in o for o in ndjson(r.stdout))


def test_json_is_one_valid_array(cli, ro):
    r = export(cli, ro, "-o", "json", "--per-page", "7")
    assert r.code == 0, r
    assert json.loads(r.stdout) == ro.orders(ro.healthy)


@pytest.mark.parametrize("per_page, pages", [(1000, 1), (40, 1), (8, 5), (7, 6)])
def test_pages_one_exact_and_short_last(cli, ro, per_page, pages):
    r = export(cli, ro, "--per-page", str(per_page), "--debug")
    assert r.code == 0, r
    asked = [dict(q)["page"] for q in wire_queries(r.stderr, PO_PATH)]
    assert asked == [str(n) for n in range(1, pages + 1)]  # in order, none past the end
    assert [o["key"] for o in ndjson(r.stdout)] == [o["key"] for o in ro.orders(ro.healthy)]


@pytest.mark.parametrize("fmt, expected", [("ndjson", ""), ("json", "[]\n"),
                                           ("csv", ",".join(order_columns(False) + line_columns()) + "\n")])
def test_an_empty_export_is_a_valid_empty_file(cli, ro, tmp_path, fmt, expected):
    out = tmp_path / f"empty.{fmt}"
    r = export(cli, ro, "-o", fmt, "--filter", "orderNo=none-such", "-O", str(out))
    assert r.code == 0, r
    assert out.read_text() == expected
    assert "exported 0 orders" in r.stderr


def test_filters_reach_the_wire_on_every_page(cli, ro):
    r = export(cli, ro, "--status", "completed", "--since", "2024-01-01", "--per-page", "3", "--debug")
    assert r.code == 0, r
    queries = wire_queries(r.stderr, PO_PATH)
    assert len(queries) > 1
    for q in queries:
        keys = dict(q)
        assert keys["filter[orderDate:gteq]"] == "2024-01-01T00:00:00Z" and "filter[statusKey]" in keys
    orders = ndjson(r.stdout)
    assert orders and all(o["orderDate"] >= "2024-01-01" for o in orders)


def test_several_connections_export_together_with_a_connection_column(cli, ro, tmp_path):
    from tests.purchase_orders.conftest import healthy_connections

    a, b = healthy_connections(ro.sandbox)[:2]
    out = tmp_path / "two.csv"
    r = cli("po", "export", "-c", a, "-c", b, "-o", "csv", "--no-lines", "-O", str(out),
            "--per-page", "9", env=ro.env)
    assert r.code == 0, r
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0])[0] == "connection"
    for conn in (a, b):
        assert [row["key"] for row in rows if row["connection"] == conn] == \
               [o["key"] for o in ro.orders(conn)]
    r = cli("po", "export", "-c", a, "-c", b, env=ro.env)
    assert {o["connection"] for o in ndjson(r.stdout)} == {a, b}


def test_connection_all_fails_on_a_broken_connection_unless_told_to_skip(cli, served, tmp_path):
    ro = served
    # the offline connection answers 503, which is retried with real backoff: make it refuse
    # at once instead, so the test stays fast (needs_reauth and forbidden stay broken too)
    offline = next(c["key"] for c in ro.sandbox.connections() if c["scenario"] == "offline")
    ro.admin("POST", f"/_sandbox/connections/{offline}/scenario", json={"scenario": "forbidden"})
    out = tmp_path / "all.ndjson"
    r = cli("po", "export", "-c", "all", "-O", str(out), "--no-lines", env=ro.env)
    assert r.code in (1, 4) and not out.exists()
    assert "--resume" in r.stderr
    r = cli("po", "export", "-c", "all", "-O", str(out), "--no-lines", "--skip-failed",
            "--resume", env=ro.env)
    assert r.code == 0, r
    lines = r.stderr.splitlines()
    warned = [line for line in lines if line.startswith("warning: connection ") and " skipped: " in line]
    assert len(warned) == 3  # each said as it was skipped, then counted on the last line
    assert "; 3 connections skipped (" in lines[-1] and lines[-1].startswith("exported ")
    got = ndjson(out.read_text())
    healthy = [c["key"] for c in ro.sandbox.connections() if c["scenario"] in ("healthy", "slow", "syncing")]
    for conn in healthy:
        assert sum(1 for o in got if o["connection"] == conn) == len(ro.orders(conn))
    assert len({(o["connection"], o["key"]) for o in got}) == len(got)


def test_output_format_and_global_o(cli, ro, tmp_path):
    r = cli("po", "export", "-c", ro.healthy, "-o", "csv", "--no-lines", env=ro.env)
    assert r.code == 0 and r.stdout.startswith("key,siteKey,")
    r = cli("po", "export", "-c", ro.healthy, "-o", "csv", "--format", "json", env=ro.env)
    assert r.code == 2 and "disagree" in r.stderr
    r = cli("po", "export", "-c", ro.healthy, "-o", "table", env=ro.env)
    assert r.code == 2
    r = cli("po", "export", "-c", ro.healthy, "--resume", env=ro.env)
    assert r.code == 2 and "--output" in r.stderr


def test_a_failed_export_leaves_no_file_behind_only_the_resumable_partial(cli, served, tmp_path):
    out = tmp_path / "orders.ndjson"
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH,
                                                    "after": 2, "times": None, "fault": "status",
                                                    "status": 404})
    r = export(cli, served, "-O", str(out), "--per-page", "5", conn=served.healthy)
    assert r.code == 1
    assert not out.exists()
    assert (tmp_path / ".orders.ndjson.makini-partial").exists()
    assert "10 orders so far are kept" in r.stderr and "--resume" in r.stderr


def test_connection_all_with_a_status_skips_connections_whose_lookup_fails(cli, served):
    offline = next(c["key"] for c in served.sandbox.connections() if c["scenario"] == "offline")
    served.admin("POST", f"/_sandbox/connections/{offline}/scenario", json={"scenario": "forbidden"})
    r = cli("po", "export", "-c", "all", "--status", "approved", "--no-lines", "--skip-failed",
            env=served.env)
    assert r.code == 0, r
    assert r.stderr.count("skipped") >= 3
    got = ndjson(r.stdout)
    conn = served.healthy
    statuses = cli("po", "statuses", "-c", conn, env=served.env).json()
    approved = next(s["key"] for s in statuses if s["subCode"] == "approved")
    assert [o["key"] for o in got if o["connection"] == conn] == \
           [o["key"] for o in served.orders(conn) if o["statusKey"] == approved]


def test_the_embedded_sandbox_exports_too(cli, tmp_path):
    from makini_cli.sandbox.seed import connection_key

    out = tmp_path / "orders.csv"
    r = cli("--sandbox", "po", "export", "-c", connection_key(42, 1), "-o", "csv", "-O", str(out))
    assert r.code == 0, r
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows and rows[0]["currencyKey"] and rows[0]["line.price"]
