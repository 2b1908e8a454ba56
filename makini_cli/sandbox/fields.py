"""The unified entities the sandbox serves: their fields, in the spec's order, with a type each.

Types: "s" string, "d" decimal (a string on the wire, compared exactly), "t" timestamp
(ISO 8601 UTC string), "b" boolean, "j" nested JSON (kept in the row's `extra` column and not
filterable). Every non-"j" field is a real SQLite column so filters and sorts run as SQL.
Field lists are copied from the spec's component schemas (same in erp, eam and wms);
extensions beyond the spec are marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _parse(spec: str) -> tuple[tuple[str, str], ...]:
    out = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        out.append((name, kind or "s"))
    return tuple(out)


@dataclass(frozen=True)
class Entity:
    name: str                         # URL segment, e.g. "purchase-orders"
    table: str
    props: tuple[tuple[str, str], ...]  # served fields in order
    hidden: tuple[tuple[str, str], ...] = ()  # stored and filterable-internally, never served
    domains: tuple[str, ...] = ("erp", "eam", "wms")
    event: str | None = None          # webhook entity prefix, e.g. "purchase-orders"
    types: dict[str, str] = field(default_factory=dict, compare=False)
    columns: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        self.types.update(dict(self.props))
        # Stored scalar columns (props minus nested JSON, plus hidden ones); computed once,
        # row encoding runs per record during bulk seeding.
        object.__setattr__(self, "columns",
                           tuple((n, t) for n, t in self.props + self.hidden if t != "j"))

    def filterable(self) -> dict[str, str]:
        return {n: t for n, t in self.props if t != "j"}


# PurchaseOrder schema. Extension: `createdAt` -- the schema lacks it although the request
# bodies and the filter examples in the spec's descriptions (`filter[createdAt:gt]`) use it.
PURCHASE_ORDER = Entity(
    "purchase-orders", "purchase_orders", _parse(
        "key siteKey organizationKey orderDate:t vendorKey userRequestedKey userApprovedKey "
        "orderNo statusKey title description dueAt:t approvedAt:t completedAt:t shippingMethod "
        "shipmentDate:t shipmentAddress:j billingAddress:j terms notes deliveryAddress:j "
        "currencyKey locationKey totalNetValue:d totalGrossValue:d updatedAt:t createdAt:t"),
    event="purchase-orders")

# The union of LineItem (list endpoint: has `cost`) and POLineItem (embedded in a PO: has
# `accountKey`, `deletedAt`); both schemas allow extra keys, so one shape validates as both.
# Extension: `purchaseOrderKey`, so line items can be filtered by their order.
LINE_ITEM = Entity(
    "purchase-orders.line-items", "line_items", _parse(
        "key purchaseOrderKey locationKey accountKey vendorKey assetKey materialKey productKey "
        "statusKey storeroomKey lineNo code type name description lineRef quantity:d "
        "receivedQuantity:d uomKey currencyKey price:d discount:d lineTaxValue:d "
        "lineTotalValue:d cost:d notes deliveryAt:t dueAt:t createdAt:t updatedAt:t "
        "deletedAt:t"),
    hidden=_parse("po_seq poOrderNo"))

VENDOR = Entity("vendors", "vendors", _parse(
    "key name code companyKey organizationKey createdAt:t updatedAt:t deletedAt:t"))

SITE = Entity("sites", "sites", _parse(
    "key organizationKey name code description contact:j customerKey lat lng address:j "
    "billingAddress:j properties notes createdAt:t updatedAt:t deletedAt:t"), event="sites")

STATUS = Entity("statuses", "statuses", _parse(
    "key organizationKey parentKey name code subCode scope isActive:b createdAt:t updatedAt:t "
    "deletedAt:t"))

WORK_ORDER = Entity("work-orders", "work_orders", _parse(
    "key parentKey locationKey siteKey assetKey accountKey title serviceRequestKey code pmKey "
    "teamKey laborAssignedKey userApprovedKey assetDowntimeKey organizationKey instructions "
    "status statusKey severity estimatedTime roleName categoryName storeroomKey notes "
    "approvedAt:t dueAt:t scheduledAt:t actualTime completedAt:t completionRemarks tasks:j "
    "documents:j resources:j materialCount createdAt:t updatedAt:t deletedAt:t"),
    domains=("eam",), event="work-orders")

ASSET = Entity("assets", "assets", _parse(
    "key siteKey parentKey vendorKey teamKey documents:j locationKey customerKey accountKeys "
    "name description makeCompanyKey assetTemplateKey isPhysical:b notes categoryName "
    "criticality isActive:b makeName modelName serialNumber activatedAt:t deactivatedAt:t "
    "createdAt:t updatedAt:t deletedAt:t"), domains=("eam",), event="assets")

ENTITIES: dict[str, Entity] = {e.name: e for e in (
    PURCHASE_ORDER, LINE_ITEM, VENDOR, SITE, STATUS, WORK_ORDER, ASSET)}
