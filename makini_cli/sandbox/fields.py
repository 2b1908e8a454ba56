"""The unified entities the sandbox stores and serves, built from the generated contract.

Kinds: "s" string, "d" decimal (a string on the wire, compared exactly), "t" timestamp (ISO 8601
UTC string), "b" boolean, "i" integer, "j" nested JSON (objects and lists, kept in the row's
`extra` column and not filterable). Every non-"j" field is a real SQLite column so filters and
sorts run as SQL. `spec` keeps the contract's full kind ("o:Address", "a:POLineItem", "l") for
the generators. Extensions beyond the spec are marked where they are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import contract


def _parse(spec: str) -> tuple[tuple[str, str], ...]:
    out = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        out.append((name, kind or "s"))
    return tuple(out)


def stored_kind(kind: str) -> str:
    return kind if kind in ("s", "d", "t", "b", "i") else "j"


@dataclass(frozen=True)
class Entity:
    name: str                         # URL segment, e.g. "purchase-orders"
    table: str
    props: tuple[tuple[str, str], ...]  # served fields in order
    hidden: tuple[tuple[str, str], ...] = ()  # stored and filterable-internally, never served
    domains: tuple[str, ...] = ("erp", "eam", "wms")
    event: str | None = None          # webhook entity prefix, e.g. "purchase-orders"
    schema: str | None = None         # the spec's schema name
    spec: dict[str, str] = field(default_factory=dict, compare=False)
    types: dict[str, str] = field(default_factory=dict, compare=False)
    columns: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        self.types.update(dict(self.props))
        self.types.update(dict(self.hidden))
        # Stored scalar columns (props minus nested JSON, plus hidden ones); computed once,
        # row encoding runs per record during bulk seeding.
        object.__setattr__(self, "columns",
                           tuple((n, t) for n, t in self.props + self.hidden if t != "j"))

    def filterable(self) -> dict[str, str]:
        return {n: t for n, t in self.props if t != "j"}


def _events() -> set[str]:
    from makini_cli.webhooks.catalog import BY_NAME

    return {name.split(".", 1)[0] for name in BY_NAME}


# Tables kept under their historical names (older sandbox files are rebuilt anyway).
_TABLES = {"purchase-orders.line-items": "line_items", "groups": "product_groups"}  # GROUPS: SQL
# Served fields the spec's schema lacks. PurchaseOrder `createdAt`: the request bodies and the
# filter examples in the spec's descriptions (`filter[createdAt:gt]`) use it. Line items:
# `purchaseOrderKey`, so they can be filtered by their order.
_EXTRA_PROPS = {"purchase-orders": "createdAt:t"}
# Stored, never served: what links rows the spec links only by nesting.
_HIDDEN = {"purchase-orders.line-items": "po_seq poOrderNo",   # the order, by seq and number
           "inventories": "materialKey"}                       # Material.inventories
# Nested lists kept in their own table and attached when served (PurchaseOrder.lineItems).
_ATTACHED = {"purchase-orders": ("lineItems",)}

# The union of LineItem (list endpoint: has `cost`) and POLineItem (embedded in a PO: has
# `accountKey`, `deletedAt`); both schemas allow extra keys, so one shape validates as both.
LINE_ITEM_FIELDS = _parse(
    "key purchaseOrderKey locationKey accountKey vendorKey assetKey materialKey productKey "
    "statusKey storeroomKey lineNo code type name description lineRef quantity:d "
    "receivedQuantity:d uomKey currencyKey price:d discount:d lineTaxValue:d "
    "lineTotalValue:d cost:d notes deliveryAt:t dueAt:t createdAt:t updatedAt:t "
    "deletedAt:t")


def _entity(name: str, schema: str, domains: tuple[str, ...], events: set[str]) -> Entity:
    spec = {n: k for n, k in contract.schema(schema) if n not in _ATTACHED.get(name, ())}
    if name == "purchase-orders.line-items":
        props = LINE_ITEM_FIELDS
        spec = {**{n: k for n, k in contract.schema("POLineItem")}, **spec}
    else:
        props = tuple((n, stored_kind(k)) for n, k in spec.items()) + _parse(
            _EXTRA_PROPS.get(name, ""))
    return Entity(name, _TABLES.get(name, name.replace("-", "_").replace(".", "_")), props,
                  hidden=_parse(_HIDDEN.get(name, "")), domains=domains,
                  event=name if name in events else None, schema=schema, spec=spec)


def _build() -> dict[str, Entity]:
    events = _events()
    out = {name: _entity(name, entry["schema"], tuple(entry["domains"]), events)
           for name, entry in contract.entities().items()}
    # Not listed on its own: served by the `…/{key}/materials` sub-resources.
    item = next(op.serves for op in contract.operations() if op.action == "materials")
    out["material-items"] = _entity("material-items", item, (), events)
    return out


ENTITIES: dict[str, Entity] = _build()
PURCHASE_ORDER = ENTITIES["purchase-orders"]
LINE_ITEM = ENTITIES["purchase-orders.line-items"]
VENDOR = ENTITIES["vendors"]
SITE = ENTITIES["sites"]
STATUS = ENTITIES["statuses"]
WORK_ORDER = ENTITIES["work-orders"]
ASSET = ENTITIES["assets"]
MATERIAL_ITEM = ENTITIES["material-items"]

# Reference fields -> the entity whose key they hold (writes check them; generators fill them).
REFS: dict[str, str] = {
    **dict.fromkeys(("siteKey", "siteKeys"), "sites"),
    **dict.fromkeys(("organizationKey", "organizationKeys"), "organizations"),
    **dict.fromkeys(("vendorKey", "vendorKeys"), "vendors"),
    **dict.fromkeys(("currencyKey", "baseCurrencyKey"), "currencies"),
    **dict.fromkeys(("uomKey", "costUomKey", "rateBaseKey"), "uom"),
    **dict.fromkeys(("locationKey", "locationKeys", "fromLocationKey", "toLocationKey"),
                    "locations"),
    **dict.fromkeys(("storeroomKey", "fromStoreroomKey", "toStoreroomKey"), "storerooms"),
    **dict.fromkeys(("accountKey", "accountKeys"), "accounts"),
    "teamKey": "teams",
    **dict.fromkeys(("userKey", "userRequestedKey", "userApprovedKey", "userManagerKey",
                     "requesterKey"), "users"),
    **dict.fromkeys(("laborKey", "laborAssignedKey"), "labors"),
    "customerKey": "customers",
    **dict.fromkeys(("companyKey", "makeCompanyKey"), "companies"),
    **dict.fromkeys(("assetKey", "assetKeys"), "assets"),
    **dict.fromkeys(("assetTemplateKey", "assetTemplateKeys", "modelKey"), "asset-templates"),
    **dict.fromkeys(("materialKey", "assemblyKey", "parentKeys"), "materials"),
    "productKey": "products", "groupKey": "groups",
    **dict.fromkeys(("taxKey", "taxKeys"), "taxes"),
    "poKey": "purchase-orders", "poLineItemKey": "purchase-orders.line-items",
    "salesOrderKey": "sales-orders", "stockTransferKey": "stock-transfers",
    "shipmentOrderKey": "shipment-orders", "workOrderKey": "work-orders",
    "serviceRequestKey": "service-requests", "pmKey": "pm", "assetDowntimeKey": "assets-downtime",
    "projectKey": "projects", "meterKey": "meters", "productionOrderKey": "production-orders",
    **dict.fromkeys(("documentKey", "documentKeys"), "documents"),
    "statusKey": "statuses",
}
