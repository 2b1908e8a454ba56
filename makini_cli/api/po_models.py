"""The unified purchase order and its line items, as pydantic models with the spec's field names.

Field lists are copied from the spec's component schemas (`PurchaseOrder`, `POLineItem`,
`LineItem`, `Address`, identical in oas3_erp/eam/wms.json) and from the request body of
`POST /api/{domain}/purchase-orders`; tests/purchase_orders/test_models.py checks them against
the spec so they cannot drift. Money and quantities are Decimal; timestamps stay strings (the
API's own digits) but must parse as ISO 8601. `extra=allow` everywhere: a system's custom fields
survive validation and are sent as given.

The plain tuples below are what the export engine uses for its stable CSV columns.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationError

from ..errors import ValidationFailed
from ..timeutil import parse_rfc3339
from .models import Model, Money, Quantity, Text

ADDRESS_FIELDS = ("country", "addressLines", "addressee", "state", "city", "postCode", "phone",
                  "email", "notes", "isActive", "createdAt", "updatedAt")
ADDRESS_OBJECTS = ("shipmentAddress", "billingAddress", "deliveryAddress")
# PurchaseOrder schema, in the spec's order (`lineItems` last).
PO_FIELDS = ("key", "siteKey", "organizationKey", "orderDate", "vendorKey", "userRequestedKey",
             "userApprovedKey", "orderNo", "statusKey", "title", "description", "dueAt",
             "approvedAt", "completedAt", "shippingMethod", "shipmentDate", "shipmentAddress",
             "billingAddress", "terms", "notes", "deliveryAddress", "currencyKey", "locationKey",
             "totalNetValue", "totalGrossValue", "updatedAt", "lineItems")
# POLineItem (embedded in an order), plus `cost`, which only the LineItem list schema has.
LINE_FIELDS = ("key", "locationKey", "accountKey", "vendorKey", "assetKey", "materialKey",
               "productKey", "statusKey", "storeroomKey", "lineNo", "code", "type", "name",
               "description", "lineRef", "quantity", "receivedQuantity", "uomKey", "currencyKey",
               "price", "discount", "lineTaxValue", "lineTotalValue", "notes", "deliveryAt",
               "dueAt", "createdAt", "updatedAt", "deletedAt", "cost")
# Request body of POST/PUT /api/{domain}/purchase-orders[/{key}].
PO_INPUT_FIELDS = ("siteKey", "vendorKey", "code", "orderNo", "orderDate", "statusKey", "title",
                   "description", "dueAt", "approvedAt", "completedAt", "shippingMethod", "terms",
                   "notes", "currencyKey", "totalNetValue", "totalTaxValue", "totalGrossValue",
                   "createdAt", "updatedAt")
DECIMAL_FIELDS = frozenset({"totalNetValue", "totalGrossValue", "totalTaxValue", "quantity",
                            "receivedQuantity", "price", "discount", "lineTaxValue",
                            "lineTotalValue", "cost"})


def _timestamp(value: Any) -> Any:
    """An ISO 8601 date or date-time, kept as the caller wrote it."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date or time string, got {type(value).__name__}")
    text = value.strip()
    try:
        parse_rfc3339(text, naive_is_utc=True, date_ok=True)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or time: {value!r} "
                         "(e.g. 2025-06-30 or 2025-06-30T08:00:00Z)") from None
    return value


Timestamp = Annotated[str | None, BeforeValidator(_timestamp)]


class Address(Model):
    country: Text = None
    addressLines: Text = None
    addressee: Text = None
    state: Text = None
    city: Text = None
    postCode: Text = None
    phone: Text = None
    email: Text = None
    notes: Text = None
    isActive: bool | None = None  # the spec's examples send "true"/"false": pydantic accepts both
    createdAt: Timestamp = None
    updatedAt: Timestamp = None


class POLineItem(Model):
    key: Text = None
    locationKey: Text = None
    accountKey: Text = None
    vendorKey: Text = None
    assetKey: Text = None
    materialKey: Text = None
    productKey: Text = None
    statusKey: Text = None
    storeroomKey: Text = None
    lineNo: Text = None
    code: Text = None
    type: Text = None
    name: Text = None
    description: Text = None
    lineRef: Text = None
    quantity: Quantity = None
    receivedQuantity: Quantity = None
    uomKey: Text = None
    currencyKey: Text = None
    price: Money = None
    discount: Money = None
    lineTaxValue: Money = None
    lineTotalValue: Money = None
    notes: Text = None
    deliveryAt: Timestamp = None
    dueAt: Timestamp = None
    createdAt: Timestamp = None
    updatedAt: Timestamp = None
    deletedAt: Timestamp = None
    cost: Money = None


class PurchaseOrder(Model):
    key: Text = None
    siteKey: Text = None
    organizationKey: Text = None
    orderDate: Timestamp = None
    vendorKey: Text = None
    userRequestedKey: Text = None
    userApprovedKey: Text = None
    orderNo: Text = None
    statusKey: Text = None
    title: Text = None
    description: Text = None
    dueAt: Timestamp = None
    approvedAt: Timestamp = None
    completedAt: Timestamp = None
    shippingMethod: Text = None
    shipmentDate: Timestamp = None
    shipmentAddress: Address | None = None
    billingAddress: Address | None = None
    terms: Text = None
    notes: Text = None
    deliveryAddress: Address | None = None
    currencyKey: Text = None
    locationKey: Text = None
    totalNetValue: Money = None
    totalGrossValue: Money = None
    updatedAt: Timestamp = None
    lineItems: list[POLineItem] | None = None


class PurchaseOrderInput(Model):
    """The body of `po create` / `po update`: the spec's request fields, plus the order's nested
    objects (addresses, line items) checked with their own models when a body carries them."""

    siteKey: Text = None
    vendorKey: Text = None
    code: Text = None
    orderNo: Text = None
    orderDate: Timestamp = None
    statusKey: Text = None
    title: Text = None
    description: Text = None
    dueAt: Timestamp = None
    approvedAt: Timestamp = None
    completedAt: Timestamp = None
    shippingMethod: Text = None
    terms: Text = None
    notes: Text = None
    currencyKey: Text = None
    totalNetValue: Money = None
    totalTaxValue: Money = None
    totalGrossValue: Money = None
    createdAt: Timestamp = None
    updatedAt: Timestamp = None
    shipmentAddress: Address | None = None
    billingAddress: Address | None = None
    deliveryAddress: Address | None = None
    lineItems: list[POLineItem] | None = None


KNOWN_INPUT = frozenset(PurchaseOrderInput.model_fields) | frozenset(PO_FIELDS)


def field_path(loc: tuple) -> str:
    """('lineItems', 0, 'quantity') -> 'lineItems[0].quantity'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(body)"


def _message(err: dict) -> str:
    msg = str(err.get("msg", "invalid"))
    return msg.removeprefix("Value error, ")


def validate_input(body: Any, *, update: bool = False) -> PurchaseOrderInput:
    """Check a create/update body locally; raise ValidationFailed naming every bad field."""
    if not isinstance(body, dict):
        raise ValidationFailed("the purchase order body must be a JSON object",
                               errors={"(body)": [f"got {type(body).__name__}"]})
    if update and not body:
        raise ValidationFailed("the update body is empty: nothing to change",
                               errors={"(body)": ["no fields"]})
    errors: dict[str, list[str]] = {}
    if update and "code" in body and body["code"] is None:
        errors["code"] = ["may not be null in an update (the spec marks it not nullable)"]
    model = None
    try:
        model = PurchaseOrderInput.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors():
            errors.setdefault(field_path(err["loc"]), []).append(_message(err))
    if errors:
        lines = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
        raise ValidationFailed(f"invalid purchase order: {lines}", errors=errors,
                               hint="fields and types: `makini po create --help`; the API's own "
                                    "field names are case-sensitive")
    assert model is not None
    return model


def unknown_fields(body: dict) -> list[tuple[str, str | None]]:
    """Top-level fields beyond the unified model, each with the closest known name if it looks
    like a typo. They are sent anyway: a system's custom fields are legitimate."""
    out = []
    for name in body:
        if name in KNOWN_INPUT:
            continue
        close = difflib.get_close_matches(name, sorted(KNOWN_INPUT), n=1, cutoff=0.8)
        out.append((name, close[0] if close else None))
    return out
