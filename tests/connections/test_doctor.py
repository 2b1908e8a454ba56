"""`connections doctor`: tells an entity-specific refusal from a system that is down, names the
outbound IPs for on-premises systems, and ends with a support summary."""

from __future__ import annotations

from makini_cli.api.connections import OUTBOUND_IPS


def probes_of(report) -> dict[str, dict]:
    return {p["probe"]: p for p in report["probes"]}


def test_an_entity_specific_403_is_permissions_in_the_source_system(sbx, cli):
    key = sbx.ids["forbidden"]
    r = cli("connections", "doctor", key, "-o", "json", env=sbx.env)
    assert r.code == 3, r
    report = r.json()
    probes = probes_of(report)
    assert probes["purchase-orders"]["ok"] is False and probes["purchase-orders"]["status"] == 403
    assert all(p["ok"] for name, p in probes.items() if name != "purchase-orders")
    assert set(probes) == {"purchase-orders", "work-orders", "assets", "vendors", "sites", "raw-tables"}
    assert report["conclusion"]["scope"] == "some"
    assert report["conclusion"]["cause"] == "permissions_or_configuration"
    assert "purchase orders" in report["conclusion"]["summary"]
    assert report["outbound_ips"] == []  # not on-premises, not unreachable
    affected = report["support"]["affected"]
    assert [a["operation"] for a in affected] == ["GET /api/erp/purchase-orders"]
    assert affected[0]["request_id"].startswith("req_") and affected[0]["at"].endswith("Z")


def test_a_system_that_is_down_fails_every_operation(sbx, cli):
    key = sbx.ids["offline"]
    r = cli("connections", "doctor", key, "-o", "json", env=sbx.env)
    assert r.code == 3, r
    report = r.json()
    assert report["connection"]["health"] == "unreachable"
    assert not any(p["ok"] for p in report["probes"])
    assert report["conclusion"]["scope"] == "all" and report["conclusion"]["cause"] == "system_offline"
    assert report["on_prem"] is True  # the seeded connection carries an on-prem tag
    assert report["outbound_ips"] == list(OUTBOUND_IPS)
    assert any("15.204.75.108" in action for action in report["conclusion"]["actions"])
    support = report["support"]
    assert support["connection"] == key and support["window"]["from"] <= support["window"]["to"]
    assert len(support["affected"]) == 7 and all(a["request_id"] for a in support["affected"])


def test_expired_credentials_fail_every_operation_and_point_to_makini_link(sbx, cli):
    r = cli("connections", "doctor", sbx.ids["needs_reauth"], "-o", "json", env=sbx.env)
    assert r.code == 3, r
    conclusion = r.json()["conclusion"]
    assert conclusion["cause"] == "credentials_expired"
    assert any("https://link.makini.io/oauth/authorize?" in a for a in conclusion["actions"])


def test_a_healthy_connection_passes_and_exits_0(sbx, cli):
    r = cli("connections", "doctor", sbx.ids["healthy"], "-o", "json", env=sbx.env)
    assert r.code == 0, r
    assert r.json()["conclusion"]["scope"] == "none" and all(p["ok"] for p in r.json()["probes"])
    assert r.json()["support"]["affected"] == []


def test_the_table_report_reads_top_to_bottom(sbx, cli):
    r = cli("connections", "doctor", sbx.ids["forbidden"], "-o", "table", env=sbx.env)
    assert r.code == 3
    out = r.stdout
    assert out.index("Prairie Wind Energy") < out.index("PROBE") < out.index("Conclusion:") \
        < out.index("support summary")
    assert "GET /api/erp/purchase-orders: HTTP 403" in out


def test_on_prem_flag_names_the_outbound_ips(sbx, cli):
    r = cli("connections", "doctor", sbx.ids["forbidden"], "--on-prem", "-o", "json", env=sbx.env)
    assert r.json()["on_prem"] is True and r.json()["outbound_ips"] == list(OUTBOUND_IPS)


def test_an_unknown_connection_is_a_clear_error(sbx, cli):
    r = cli("connections", "doctor", "99999999999999", env=sbx.env)
    assert r.code == 1 and "no connection '99999999999999'" in r.stderr and "Traceback" not in r.stderr


def test_a_rate_limit_on_every_call_is_told_apart(sbx, cli):
    key = sbx.ids["rate_limited"]
    sbx.scenario(key, "rate_limited", limit_per_minute=1)
    r = cli("connections", "doctor", key, "-o", "json", env=sbx.env)
    assert r.code == 3, r
    report = r.json()
    assert report["conclusion"]["cause"] == "rate_limited"
    assert {p["status"] for p in report["probes"]} == {429}


def test_the_outbound_ips_are_printed_once(sbx, cli):
    ips = OUTBOUND_IPS[0]
    offline = cli("connections", "doctor", sbx.ids["offline"], "--on-prem", "-o", "table", env=sbx.env)
    assert offline.code == 3 and offline.stdout.count(ips) == 1  # in the conclusion, not again below
    on_prem = cli("connections", "doctor", sbx.ids["forbidden"], "--on-prem", "-o", "table", env=sbx.env)
    assert on_prem.stdout.count(ips) == 1  # no conclusion names them: the line below does
    assert "Makini's outbound IPs" in on_prem.stdout
