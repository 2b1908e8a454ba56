"""Fill rates, custom fields and source tables on sandbox connections that fill the model
differently (UpKeep leaves billingAddress and terms empty, Fiix shippingMethod, eMaint
locationKey; SAP and NetSuite carry custom fields; Maximo lists custom work-order fields)."""

from __future__ import annotations

import io

from makini_cli.mappings import model as um

SAP, MAXIMO, NETSUITE, UPKEEP = "SAP S/4HANA", "IBM Maximo", "Oracle NetSuite", "UpKeep"
FIIX, EMAINT, MAINTAINX = "Fiix", "eMaint", "MaintainX"


def filled(value) -> bool:
    return value not in (None, "", [], {})


def expected_rates(records: list[dict]) -> dict[str, float]:
    return {f.name: round(sum(filled(r.get(f.name)) for r in records) / len(records), 4)
            for f in um.entity("purchase-orders").fields}


def show(sbx, system: str, *extra: str) -> dict:
    r = sbx("mappings", "show", "purchase-orders", "-c", sbx.id(system), "-o", "json", *extra)
    assert r.code == 0, r
    return r.json()


def test_fill_rates_match_the_records_for_systems_that_fill_the_model_differently(sbx):
    for system, empty_fields in ((UPKEEP, {"billingAddress", "terms"}), (FIIX, {"shippingMethod"}),
                                 (EMAINT, {"locationKey"}), (SAP, set())):
        records = sbx.records(sbx.id(system))
        data = show(sbx, system, "--no-sources")
        got = {row["field"]: row["fill_rate"] for row in data["fields"]}
        assert data["sampled"] == len(records) == 40
        assert got == expected_rates(records), system
        for name in empty_fields:
            assert got[name] == 0.0, (system, name)
        assert got["orderNo"] == 1.0 and got["userRequestedKey"] == 0.0
        partial = next(row for row in data["fields"] if row["field"] == "notes")
        assert 0 < partial["fill_rate"] < 1 and partial["example"] == "Deliver to dock 2"


def test_sample_size_and_nested_fill_rates(sbx):
    data = show(sbx, UPKEEP, "--sample", "10", "--nested", "--no-sources")
    rows = {row["field"]: row for row in data["fields"]}
    assert data["sampled"] == 10
    assert rows["billingAddress.city"]["fill_rate"] == 0.0
    assert rows["shipmentAddress.city"]["fill_rate"] == 1.0
    price = rows["lineItems[].price"]
    records = sbx.records(sbx.id(UPKEEP))[:10]
    assert price["sampled"] == sum(len(r["lineItems"]) for r in records)
    assert price["fill_rate"] == 1.0 and price["example"] == records[0]["lineItems"][0]["price"]


def test_custom_fields_beyond_the_model_are_found(sbx):
    sap = {row["field"]: row for row in show(sbx, SAP, "--no-sources")["custom_fields"]}
    assert sap["ZZ_COST_CENTER"]["fill_rate"] == 1.0
    assert sap["ZZ_COST_CENTER"]["example"].startswith("CC-")
    assert sap["ZZ_PURCH_GROUP"]["fill_rate"] == 1.0
    netsuite = {row["field"] for row in show(sbx, NETSUITE, "--no-sources")["custom_fields"]}
    assert "custbody_approval_route" in netsuite and "ZZ_COST_CENTER" not in netsuite
    upkeep = {row["field"] for row in show(sbx, UPKEEP, "--no-sources")["custom_fields"]}
    assert not {f for f in upkeep if "." not in f}  # UpKeep adds nothing at the order level
    # the sandbox's createdAt is named by the spec's request bodies: not a custom field
    assert "createdAt" not in netsuite


def test_show_names_the_source_tables_and_the_fields_their_columns_feed(sbx):
    sources = {s["table"]: s for s in show(sbx, SAP)["sources"]}
    assert set(sources) == {"EKKO", "EKPO"}  # not the vendor, plant or maintenance tables
    ekko = {c["column"]: c["field"] for c in sources["EKKO"]["columns"]}
    assert ekko["EBELN"] == "orderNo" and ekko["LIFNR"] == "vendorKey"
    assert ekko["BEDAT"] == "orderDate"  # SAP's YYYYMMDD dates are recognised
    assert ekko["KOSTL"] == "ZZ_COST_CENTER" and ekko["EKGRP"] == "ZZ_PURCH_GROUP"
    ekpo = {c["column"]: c["field"] for c in sources["EKPO"]["columns"]}
    assert ekpo["NETPR"] == "lineItems[].price" and ekpo["EBELP"] == "lineItems[].lineNo"


def test_compare_matrix_matches_each_connections_show(sbx):
    systems = (SAP, UPKEEP, FIIX, NETSUITE)
    ids = [sbx.id(s) for s in systems]
    r = sbx("mappings", "compare", "purchase-orders", *ids, "-o", "json")
    assert r.code == 0, r
    matrix = {row["field"]: row for row in r.json()}
    for conn, system in zip(ids, systems):
        data = show(sbx, system, "--no-sources")
        seen = set()
        for row in data["fields"] + data["custom_fields"]:
            assert matrix[row["field"]][conn] == row["fill_rate"], (system, row["field"])
            seen.add(row["field"])
        for name, row in matrix.items():  # a custom field this system lacks is 0% filled here
            if name not in seen:
                assert row["custom"] and row[conn] == 0.0
    assert matrix["ZZ_COST_CENTER"]["custom"] is True
    assert [row["field"] for row in r.json()][:3] == ["key", "siteKey", "organizationKey"]


def test_compare_as_csv_with_only_the_fields_that_differ(sbx):
    ids = [sbx.id(SAP), sbx.id(UPKEEP)]
    r = sbx("mappings", "compare", "purchase-orders", *ids, "--differing", "-o", "csv")
    assert r.code == 0, r
    lines = r.stdout.splitlines()
    assert lines[0] == f"field,type,custom,{ids[0]},{ids[1]}"
    assert "terms,string,false,1.0,0.0" in lines
    assert "ZZ_COST_CENTER,string,true,1.0,0.0" in lines
    assert not any(line.startswith("orderNo,") for line in lines)


def test_compare_reports_a_failing_connection_and_exits_1_after_the_rest(sbx):
    ids = [sbx.id(SAP), sbx.id(MAINTAINX)]  # MaintainX: purchase orders forbidden
    r = sbx("mappings", "compare", "purchase-orders", *ids, "-o", "json")
    assert r.code == 1
    assert f"warning: connection {ids[1]}:" in r.stderr
    rows = {row["field"]: row for row in r.json()}
    assert rows["orderNo"][ids[0]] == 1.0 and rows["orderNo"][ids[1]] is None


def test_compare_all_covers_every_connection(sbx):
    for system in ("Microsoft Dynamics 365", "Infor EAM", MAINTAINX):  # make the broken ones healthy
        fixed = sbx("api", "POST", f"/_sandbox/connections/{sbx.id(system)}/scenario", "-f", "scenario=healthy")
        assert fixed.code == 0, fixed
    r = sbx("mappings", "compare", "purchase-orders", "--all", "-o", "json")
    assert r.code == 0, r
    rows = {row["field"]: row for row in r.json()}
    assert set(sbx.ids.values()) <= set(rows["orderNo"])
    assert rows["shippingMethod"][sbx.id(FIIX)] == 0.0 and rows["shippingMethod"][sbx.id(SAP)] == 1.0


def test_compare_needs_connections(sbx):
    r = sbx("mappings", "compare", "purchase-orders")
    assert r.code == 2 and "no connections to compare" in r.stderr
    r = sbx("mappings", "compare", "purchase-orders", "x", "--all")
    assert r.code == 2


def test_custom_fields_lists_makinis_and_the_ones_seen(sbx):
    r = sbx("mappings", "custom-fields", "-c", sbx.id(MAXIMO), "-o", "json")
    assert r.code == 0, r
    rows = {(row["entity"], row["name"]): row for row in r.json()}
    for name in ("CUST_SAFETYPLAN", "CUST_DOWNTIME_CODE", "CUST_CRAFT"):
        row = rows[("work-orders", name)]
        assert row["listed"] is True and row["seen"] is True and row["fill_rate"] == 1.0
    sap = sbx("mappings", "custom-fields", "-c", sbx.id(SAP), "--entity", "purchase-orders", "-o", "json")
    names = {(row["entity"], row["name"]): row for row in sap.json()}
    assert names[("purchase-orders", "ZZ_COST_CENTER")]["listed"] is False
    assert names[("purchase-orders", "ZZ_COST_CENTER")]["seen"] is True


def test_show_on_a_forbidden_entity_fails_with_the_api_error(sbx):
    r = sbx("mappings", "show", "purchase-orders", "-c", sbx.id(MAINTAINX))
    assert r.code == 4
    assert "does not allow access to purchase-orders" in r.stderr


def test_show_refuses_an_entity_outside_the_domain(sbx):
    r = sbx("mappings", "show", "work-orders", "-c", sbx.id(MAXIMO), "--domain", "erp")
    assert r.code == 2 and "not served in the erp domain" in r.stderr


def test_the_heat_map_colours_cells_on_a_terminal():
    from makini_cli.mappings import render as mapping_render
    from makini_cli.output import Output

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Output("table", stdout=Tty(), stderr=Tty(), color=True)
    rows = [{"field": "terms", "type": "string", "custom": False, "a": 1.0, "b": 0.0},
            {"field": "ZZ_X", "type": "string", "custom": True, "a": 0.5, "b": None}]
    mapping_render.heatmap(out, "purchase-orders", rows, ["a", "b"], {"a": "SAP"}, {"b": "offline"})
    text = out.stdout.getvalue()
    assert "\x1b[" in text and "100" in text and "—" in text
    assert "SAP" in text and "failed: offline" in text
    assert mapping_render.pct(0.996) == "99%" and mapping_render.pct(0.004) == "1%"
