"""The unified-model catalog: generated from Makini's OpenAPI files, committed, and in step."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from makini_cli.mappings import model as um

REPO = Path(__file__).resolve().parents[2]
SPEC = Path(os.environ.get("MAKINI_OPENAPI_DIR") or REPO.parent / "shared" / "makini-openapi")


def _generator():
    spec = importlib.util.spec_from_file_location("gen_model_catalog", REPO / "scripts" / "gen_model_catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SPEC / "oas3_erp.json").is_file(),
                    reason=f"Makini's OpenAPI files are not at {SPEC} (set MAKINI_OPENAPI_DIR); "
                           "the committed catalog cannot be checked against them")
def test_committed_catalog_is_what_the_spec_generates():
    gen = _generator()
    fresh = gen.render(gen.build(SPEC))
    committed = um.CATALOG.read_text(encoding="utf-8")
    assert committed == fresh, "makini_cli/data/unified_model.json is stale: run python scripts/gen_model_catalog.py"


@pytest.mark.skipif(not (SPEC / "oas3_erp.json").is_file(), reason=f"no OpenAPI files at {SPEC}")
def test_generator_check_mode_reports_a_stale_catalog(tmp_path, capsys):
    gen = _generator()
    stale = tmp_path / "catalog.json"
    stale.write_text("{}\n")
    assert gen.main([str(SPEC), "--check", "--output", str(stale)]) == 1
    assert "stale" in capsys.readouterr().err
    assert gen.main([str(SPEC), "--output", str(stale)]) == 0
    assert gen.main([str(SPEC), "--check", "--output", str(stale)]) == 0


def test_catalog_is_small():
    assert um.CATALOG.stat().st_size < 100_000


def test_purchase_orders_have_the_spec_fields_with_nested_addresses_and_line_items():
    ent = um.entity("purchase-orders")
    assert ent.schema == "PurchaseOrder" and set(ent.domains) == {"erp", "eam", "wms"}
    fields = {f.name: f for f in ent.fields}
    assert {"key", "vendorKey", "orderNo", "totalNetValue", "shipmentAddress", "lineItems"} <= set(fields)
    assert fields["shipmentAddress"].type == "object" and fields["shipmentAddress"].of == "Address"
    assert fields["lineItems"].type == "array" and fields["lineItems"].of == "POLineItem"
    # the spec types orderDate "object"; its examples are timestamps
    assert fields["orderDate"].type == "datetime"
    # named by the create/update bodies only (the sandbox serves it)
    assert fields["createdAt"].body_only
    paths = um.field_paths("purchase-orders")
    assert "shipmentAddress.city" in paths and "lineItems[].price" in paths


def test_unknown_entity_names_the_closest(cli):
    r = cli("mappings", "fields", "purchase-order")
    assert r.code == 2
    assert "unknown entity 'purchase-order' (did you mean 'purchase-orders'?)" in r.stderr


def test_fields_lists_entities_offline(cli):
    r = cli("mappings", "fields", "-o", "json")
    assert r.code == 0, r
    names = {e["entity"]: e for e in r.json()}
    assert names["work-orders"]["domains"] == ["eam"]
    assert names["purchase-orders"]["schema"] == "PurchaseOrder"


def test_fields_of_an_entity_with_nested_sub_fields_as_csv(cli):
    r = cli("mappings", "fields", "purchase-orders", "--nested", "-o", "csv")
    assert r.code == 0, r
    lines = r.stdout.splitlines()
    assert lines[0] == "field,type,description"
    assert any(line.startswith("shipmentAddress,object of Address,") for line in lines)
    assert any(line.startswith("shipmentAddress.city,string,") for line in lines)
    assert any(line.startswith("lineItems[].price,string,") for line in lines)
