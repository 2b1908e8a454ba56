"""`po create`, `po update`, `po set-status`: bodies are checked locally first (exit 2 naming the
field, nothing sent), `--dry-run` sends nothing, money stays exact, statuses are checked against
`po statuses`."""

from __future__ import annotations

import json

PO_PATH = "/api/erp/purchase-orders"


def count(served) -> int:
    return len(served.orders(served.healthy))


def test_create_sends_the_body_and_keeps_money_exact(cli, rw):
    vendor = rw.orders(rw.healthy)[0]["vendorKey"]
    # the JSON text as a user writes it: one line's money as strings, the other's as numbers
    text = ('{"title": "Bearings for line 3", "vendorKey": "%s", "currencyKey": "EUR", '
            '"ZZ_COST_CENTER": "CC-9000", "lineItems": ['
            '{"code": "BRG-6205", "quantity": "3", "price": "19.999", "discount": "0.00"}, '
            '{"code": "OIL-ISO46", "quantity": 2.5, "price": 4.10}]}' % vendor)
    r = cli("po", "create", "-c", rw.healthy, "--file", "-", input=text, env=rw.env)
    assert r.code == 0, r
    created = r.json()
    assert created["title"] == "Bearings for line 3" and created["ZZ_COST_CENTER"] == "CC-9000"
    lines = created["lineItems"]
    assert [li["price"] for li in lines] == ["19.999", "4.10"]  # digits as sent, JSON numbers too
    assert lines[1]["quantity"] == "2.5"
    assert created["totalNetValue"] == "70.247"  # 3 x 19.999 + 2.5 x 4.10, no float drift
    assert rw.orders(rw.healthy)[-1]["key"] == created["key"]


def test_create_refuses_a_bad_field_locally_and_sends_nothing(cli, rw, tmp_path):
    before = count(rw)
    path = tmp_path / "po.json"
    path.write_text(json.dumps({"title": "x", "totalNetValue": "12,50",
                                "lineItems": [{"quantity": "2"}, {"quantity": "lots"}]}))
    r = cli("po", "create", "-c", rw.healthy, "--file", str(path), "--debug", env=rw.env)
    assert r.code == 2
    assert "totalNetValue" in r.stderr and "lineItems[1].quantity" in r.stderr
    assert "[debug] >" not in r.stderr  # not a single request
    assert count(rw) == before


def test_create_errors_are_json_in_json_mode(cli, rw):
    r = cli("po", "create", "-c", rw.healthy, "--file", "-", "-o", "json",
            input='{"orderDate": "next week"}', env=rw.env)
    assert r.code == 2
    err = json.loads(r.stderr)["error"]
    assert err["code"] == "validation_failed" and list(err["errors"]) == ["orderDate"]


def test_create_reads_only_json(cli, rw):
    r = cli("po", "create", "-c", rw.healthy, "--file", "-", input="{title: x}", env=rw.env)
    assert r.code == 2 and "invalid JSON at line 1" in r.stderr
    r = cli("po", "create", "-c", rw.healthy, "--file", "-", input="[1]", env=rw.env)
    assert r.code == 2 and "must be a JSON object" in r.stderr


def test_a_typo_is_warned_about_and_sent_as_a_custom_field(cli, rw):
    r = cli("po", "create", "-c", rw.healthy, "--file", "-", "--dry-run",
            input='{"titel": "x"}', env=rw.env)
    assert r.code == 0
    assert "did you mean 'title'" in r.stderr
    assert r.json()["body"] == {"titel": "x"}


def test_dry_run_shows_the_request_and_sends_nothing(cli, rw):
    before = count(rw)
    r = cli("po", "create", "-c", rw.healthy, "--file", "-", "--dry-run", "--debug",
            input='{"title": "dry", "totalGrossValue": "10.10"}', env=rw.env)
    assert r.code == 0, r
    assert r.json() == {"dry_run": True, "method": "POST", "path": PO_PATH,
                        "connection": rw.healthy, "body": {"title": "dry", "totalGrossValue": "10.10"}}
    assert "[debug] >" not in r.stderr and count(rw) == before


def test_update_changes_only_the_given_fields(cli, rw):
    order = rw.orders(rw.healthy)[3]
    r = cli("po", "update", order["key"], "-c", rw.healthy, "--file", "-",
            input='{"notes": "Call before delivery", "terms": "Net 90"}', env=rw.env)
    assert r.code == 0, r
    after = r.json()
    assert after["notes"] == "Call before delivery" and after["terms"] == "Net 90"
    assert after["totalGrossValue"] == order["totalGrossValue"] and after["title"] == order["title"]
    r = cli("po", "update", order["key"], "-c", rw.healthy, "--file", "-", input="{}", env=rw.env)
    assert r.code == 2 and "empty" in r.stderr


def test_update_of_an_unknown_order_is_not_found(cli, rw):
    r = cli("po", "update", "49999999999999", "-c", rw.healthy, "--file", "-",
            input='{"notes": "x"}', env=rw.env)
    assert r.code == 1 and "not found" in r.stderr.lower()


def test_a_server_side_validation_error_names_the_field(cli, rw):
    r = cli("po", "create", "-c", rw.healthy, "--file", "-", input='{"vendorKey": "29999999999999"}',
            env=rw.env)
    assert r.code == 2
    assert "vendorKey" in r.stderr


def test_set_status_checks_against_the_allowed_statuses(cli, rw):
    order = rw.orders(rw.healthy)[0]
    statuses = cli("po", "statuses", "-c", rw.healthy, env=rw.env).json()
    cancelled = next(s for s in statuses if s["subCode"] == "cancelled")
    r = cli("po", "set-status", order["key"], "Cancelled", "-c", rw.healthy, env=rw.env)
    assert r.code == 0, r
    assert r.json()["statusKey"] == cancelled["key"]
    r = cli("po", "set-status", order["key"], "shipped", "-c", rw.healthy, "--debug", env=rw.env)
    assert r.code == 2
    assert "allowed: draft (Draft), approved (Approved)" in r.stderr
    assert "PUT" not in r.stderr  # refused before any write


def test_set_status_dry_run_sends_the_status_key(cli, rw):
    order = rw.orders(rw.healthy)[1]
    r = cli("po", "set-status", order["key"], "APPR", "-c", rw.healthy, "--dry-run", env=rw.env)
    assert r.code == 0, r
    out = r.json()
    assert out["method"] == "PUT" and out["path"] == f"{PO_PATH}/{order['key']}/status"
    assert out["body"]["status"].startswith("3")
    assert rw.orders(rw.healthy)[1]["statusKey"] == order["statusKey"]
