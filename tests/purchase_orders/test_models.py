"""The purchase order models match the spec's schemas, keep money exact, keep custom fields, and
validate create/update bodies with errors that name the field."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from makini_cli.api import po_models
from makini_cli.errors import ValidationFailed

SPEC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "makini-openapi"


def spec(domain: str) -> dict:
    path = SPEC_DIR / f"oas3_{domain}.json"
    if not path.exists():
        pytest.skip(f"Makini's OpenAPI files are not beside the project ({SPEC_DIR})")
    return json.loads(path.read_text())


@pytest.mark.parametrize("domain", ["erp", "eam", "wms"])
def test_field_names_and_order_are_the_specs(domain):
    schemas = spec(domain)["components"]["schemas"]
    assert po_models.PO_FIELDS == tuple(schemas["PurchaseOrder"]["properties"])
    assert po_models.ADDRESS_FIELDS == tuple(schemas["Address"]["properties"])
    # line items: POLineItem in its order, plus the list schema's `cost`
    assert po_models.LINE_FIELDS == tuple(schemas["POLineItem"]["properties"]) + ("cost",)
    assert set(schemas["LineItem"]["properties"]) <= set(po_models.LINE_FIELDS)
    body = spec(domain)["paths"][f"/api/{domain}/purchase-orders"]["post"]["requestBody"]
    assert po_models.PO_INPUT_FIELDS == tuple(body["content"]["application/json"]["schema"]["properties"])


def test_models_declare_every_spec_field():
    assert tuple(po_models.PurchaseOrder.model_fields) == po_models.PO_FIELDS
    assert tuple(po_models.POLineItem.model_fields) == po_models.LINE_FIELDS
    assert tuple(po_models.Address.model_fields) == po_models.ADDRESS_FIELDS
    assert set(po_models.PO_INPUT_FIELDS) <= set(po_models.PurchaseOrderInput.model_fields)


def test_the_specs_example_order_validates_and_keeps_custom_fields():
    example = dict(spec("erp")["components"]["schemas"]["PurchaseOrder"]["example"])
    # the spec's examples hold the placeholder "string" where money goes: put numbers there
    example["lineItems"] = [{k: ("7.25" if k in po_models.DECIMAL_FIELDS else v)
                             for k, v in line.items()} for line in example["lineItems"]]
    example["totalGrossValue"] = "1491.0700"
    example["totalNetValue"] = "1234.5600"
    example["ZZ_COST_CENTER"] = "CC-4101"
    order = po_models.PurchaseOrder.model_validate(example)
    assert order.totalNetValue == Decimal("1234.5600") and str(order.totalNetValue) == "1234.5600"
    assert order.extras() == {"ZZ_COST_CENTER": "CC-4101"}
    assert order.shipmentAddress.isActive is True  # the example sends "true"


def test_money_from_a_json_number_keeps_its_digits():
    body = json.loads('{"totalNetValue": 0.10, "lineItems": [{"price": 19.999, "quantity": 3}]}',
                      parse_float=Decimal)
    model = po_models.validate_input(body)
    assert str(model.totalNetValue) == "0.10"
    assert str(model.lineItems[0].price) == "19.999"


@pytest.mark.parametrize("body, field", [
    ({"totalNetValue": "12,50"}, "totalNetValue"),
    ({"orderDate": "yesterday"}, "orderDate"),
    ({"title": {"a": 1}}, "title"),
    ({"shipmentAddress": "Main St 1"}, "shipmentAddress"),
    ({"lineItems": [{"quantity": "2"}, {"quantity": "two"}]}, "lineItems[1].quantity"),
    ({"lineItems": {"price": "1"}}, "lineItems"),
])
def test_a_bad_field_is_named_in_the_error(body, field):
    with pytest.raises(ValidationFailed) as err:
        po_models.validate_input(body)
    assert field in err.value.errors
    assert field in err.value.message


def test_an_update_needs_fields_and_may_not_null_the_code():
    with pytest.raises(ValidationFailed):
        po_models.validate_input({}, update=True)
    with pytest.raises(ValidationFailed) as err:
        po_models.validate_input({"code": None}, update=True)
    assert "code" in err.value.errors


def test_unknown_fields_pass_as_custom_with_a_suggestion_for_typos():
    found = dict(po_models.unknown_fields({"totalNetVlaue": "1", "ZZ_COST_CENTER": "x", "title": "t"}))
    assert found == {"totalNetVlaue": "totalNetValue", "ZZ_COST_CENTER": None}
