"""The systems the sandbox pretends to connect to, and the connections it seeds.

Each platform says how its data differs from the unified model, the way real connectors do:
fields it leaves empty, custom fields it adds beyond the model, and the names of its source
tables (served under `/api/raw/*`) with the unified field each source column comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import systems

TIER_CREDITS = {1: 1, 2: 2, 3: 4}  # Makini docs: Tier I/II/III cost 1/2/4 credits
TIER_NAMES = {1: "I", 2: "II", 3: "III"}

# Raw column sources: a unified field name, "extra:NAME" for a custom field, and an optional
# transform after "|" ("sapdate" = YYYYMMDD as SAP stores dates).
RawColumns = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RawTable:
    entity: str          # unified entity the rows back: "purchase-orders", "vendors", ...
    description: str
    columns: RawColumns


def _cols(spec: str) -> RawColumns:
    return tuple(tuple(item.split("=", 1)) for item in spec.split())  # type: ignore[misc]


@dataclass(frozen=True)
class Platform:
    provider: str
    name: str
    tier: int
    category: str                      # ERP, EAM, CMMS, WMS
    maintenance: bool                  # has work orders and assets
    currencies: tuple[str, ...]
    order_no: str                      # format with {n}
    missing: frozenset[str] = frozenset()   # PO/line/WO fields this system leaves empty
    po_custom: tuple[str, ...] = ()    # custom fields on POs beyond the model
    wo_custom: tuple[str, ...] = ()    # custom work-order fields (listed by custom-fields)
    raw: dict[str, RawTable] = field(default_factory=dict)

    @property
    def credits(self) -> int:
        return TIER_CREDITS[self.tier]

    @property
    def families(self) -> tuple[str, ...]:
        return systems.families(self.provider, self.category)

    def has(self, entity: str) -> bool:
        """Whether this system keeps `entity` (its list is empty otherwise)."""
        if entity in ("work-orders", "assets", "material-items"):
            return self.maintenance or entity == "material-items"
        if entity in _EVERYONE:
            return True
        return any(entity in systems.FAMILIES[f] for f in self.families)

    def custom_fields(self, entity: str) -> tuple[str, ...]:
        """Fields beyond the model this system adds to `entity`."""
        return {"purchase-orders": self.po_custom, "work-orders": self.wo_custom}.get(
            entity, ()) + systems.CUSTOM.get(self.provider, {}).get(entity, ())

    def raw_tables(self) -> dict[str, RawTable]:
        out = dict(self.raw)
        for name, (entity, desc, spec) in systems.RAW.get(self.provider, {}).items():
            out[name] = RawTable(entity, desc, _cols(spec))
        return out

    def as_json(self) -> dict:
        entities = [e for e in ENTITY_ORDER if self.has(e)]
        return {"provider": self.provider, "name": self.name, "category": self.category,
                "tier": TIER_NAMES[self.tier], "credits": self.credits, "entities": entities}


# Every system serves these; the rest by family (systems.py).
_EVERYONE = ("purchase-orders", "purchase-orders.line-items", "vendors", "sites", "statuses")
ENTITY_ORDER = _EVERYONE[:4] + ("work-orders", "assets") + tuple(
    e for f in systems.FAMILIES.values() for e in f)


def _po(table, spec, desc="Purchase order headers"):
    return {table: RawTable("purchase-orders", desc, _cols(spec))}


PLATFORMS: tuple[Platform, ...] = (
    Platform("sap_s4hana", "SAP S/4HANA", 3, "ERP", True, ("EUR", "USD"), "45{n:08d}",
             po_custom=("ZZ_COST_CENTER", "ZZ_PURCH_GROUP"), raw={
                 **_po("EKKO", "EBELN=orderNo LIFNR=vendorKey BEDAT=orderDate|sapdate "
                       "WAERS=currencyKey ZTERM=terms EKGRP=extra:ZZ_PURCH_GROUP "
                       "KOSTL=extra:ZZ_COST_CENTER"),
                 "EKPO": RawTable("purchase-orders.line-items", "Purchase order items", _cols(
                     "EBELN=poOrderNo EBELP=lineNo MATNR=code TXZ01=name MENGE=quantity "
                     "MEINS=uomKey NETPR=price NETWR=lineTotalValue")),
                 "LFA1": RawTable("vendors", "Vendor master", _cols("LIFNR=code NAME1=name")),
                 "T001W": RawTable("sites", "Plants", _cols("WERKS=code NAME1=name")),
                 "AUFK": RawTable("work-orders", "Maintenance orders",
                                  _cols("AUFNR=code KTEXT=title")),
                 "EQUI": RawTable("assets", "Equipment", _cols(
                     "EQUNR=key EQKTX=name SERGE=serialNumber HERST=makeName")),
             }),
    Platform("ibm_maximo", "IBM Maximo", 3, "EAM", True, ("USD",), "{n}",
             wo_custom=("CUST_SAFETYPLAN", "CUST_DOWNTIME_CODE", "CUST_CRAFT"), raw={
                 **_po("PO", "PONUM=orderNo DESCRIPTION=title VENDOR=vendorKey "
                       "ORDERDATE=orderDate CURRENCYCODE=currencyKey TOTALCOST=totalGrossValue"),
                 "POLINE": RawTable("purchase-orders.line-items", "PO lines", _cols(
                     "PONUM=poOrderNo POLINENUM=lineNo ITEMNUM=code DESCRIPTION=name "
                     "ORDERQTY=quantity UNITCOST=price LINECOST=lineTotalValue")),
                 "COMPANIES": RawTable("vendors", "Companies", _cols("COMPANY=code NAME=name")),
                 "SITE": RawTable("sites", "Sites", _cols("SITEID=code DESCRIPTION=name")),
                 "WORKORDER": RawTable("work-orders", "Work orders", _cols(
                     "WONUM=code DESCRIPTION=title STATUS=status WOPRIORITY=severity "
                     "CUST_SAFETYPLAN=extra:CUST_SAFETYPLAN")),
                 "ASSET": RawTable("assets", "Assets", _cols(
                     "ASSETNUM=serialNumber DESCRIPTION=name SITEID=siteKey")),
             }),
    Platform("oracle_netsuite", "Oracle NetSuite", 2, "ERP", False, ("USD", "CAD"),
             "PO{n}", po_custom=("custbody_approval_route",), raw={
                 **_po("transaction", "tranid=orderNo trandate=orderDate entity=vendorKey "
                       "currency=currencyKey memo=notes foreigntotal=totalGrossValue",
                       "Transactions (type PurchOrd)"),
                 "transactionLine": RawTable("purchase-orders.line-items", "Transaction lines",
                                             _cols("transaction=poOrderNo "
                                                   "linesequencenumber=lineNo item=code "
                                                   "memo=name quantity=quantity rate=price "
                                                   "netamount=lineTotalValue")),
                 "vendor": RawTable("vendors", "Vendors", _cols("entityid=code companyname=name")),
                 "location": RawTable("sites", "Locations", _cols("name=name")),
             }),
    Platform("dynamics365", "Microsoft Dynamics 365", 3, "ERP", False, ("GBP", "EUR"),
             "PO-{n:06d}", raw={
                 **_po("PurchTable", "PurchId=orderNo OrderAccount=vendorKey "
                       "CurrencyCode=currencyKey DeliveryDate=dueAt Payment=terms"),
                 "PurchLine": RawTable("purchase-orders.line-items", "Purchase order lines",
                                       _cols("PurchId=poOrderNo LineNumber=lineNo ItemId=code "
                                             "Name=name PurchQty=quantity PurchPrice=price "
                                             "LineAmount=lineTotalValue")),
                 "VendTable": RawTable("vendors", "Vendors", _cols("AccountNum=code Name=name")),
                 "InventSite": RawTable("sites", "Sites", _cols("SiteId=code Name=name")),
             }),
    Platform("infor_eam", "Infor EAM", 2, "EAM", True, ("EUR",), "PO{n:05d}", raw={
        **_po("R5ORDERS", "ORD_CODE=orderNo ORD_DESC=title ORD_SUPPLIER=vendorKey "
              "ORD_DATE=orderDate ORD_CURR=currencyKey"),
        "R5ORDERLINES": RawTable("purchase-orders.line-items", "Order lines", _cols(
            "ORL_ORDER=poOrderNo ORL_ORDLINE=lineNo ORL_PART=code ORL_ORDQTY=quantity "
            "ORL_PRICE=price")),
        "R5COMPANIES": RawTable("vendors", "Suppliers", _cols("COM_CODE=code COM_DESC=name")),
        "R5EVENTS": RawTable("work-orders", "Work orders", _cols(
            "EVT_CODE=code EVT_DESC=title EVT_STATUS=status")),
        "R5OBJECTS": RawTable("assets", "Equipment", _cols(
            "OBJ_CODE=key OBJ_DESC=name OBJ_SERIALNO=serialNumber")),
    }),
    Platform("upkeep", "UpKeep", 1, "CMMS", True, ("USD",), "{n}",
             missing=frozenset({"billingAddress", "terms"}), raw={
                 **_po("purchaseOrders", "id=key title=title purchaseOrderNumber=orderNo "
                       "vendor=vendorKey dueDate=dueAt", "Purchase orders (REST resource)"),
                 "vendors": RawTable("vendors", "Vendors", _cols("id=key businessName=name")),
                 "locations": RawTable("sites", "Locations", _cols("id=key name=name")),
                 "workOrders": RawTable("work-orders", "Work orders", _cols(
                     "id=key title=title status=status priority=severity")),
                 "assets": RawTable("assets", "Assets", _cols(
                     "id=key name=name serialNumber=serialNumber")),
             }),
    Platform("maintainx", "MaintainX", 1, "CMMS", True, ("USD",), "PO-{n}",
             missing=frozenset({"dueAt"}), raw={
                 **_po("purchaseorders", "id=key title=title vendorId=vendorKey "
                       "overrideNumber=orderNo", "Purchase orders (REST resource)"),
                 "vendors": RawTable("vendors", "Vendors", _cols("id=key name=name")),
                 "locations": RawTable("sites", "Locations", _cols("id=key name=name")),
                 "workorders": RawTable("work-orders", "Work orders", _cols(
                     "id=key title=title status=status priority=severity")),
                 "assets": RawTable("assets", "Assets", _cols("id=key name=name")),
             }),
    Platform("fiix", "Fiix", 1, "CMMS", True, ("CAD", "USD"), "PO{n:05d}",
             missing=frozenset({"shippingMethod"}), raw={
                 **_po("PurchaseOrder", "id=key strCode=orderNo intSupplierID=vendorKey "
                       "dtmDateCreated=createdAt"),
                 "PurchaseOrderLineItem": RawTable("purchase-orders.line-items", "PO lines", _cols(
                     "id=key strCode=code qtyOnOrder=quantity dblUnitPrice=price")),
                 "Business": RawTable("vendors", "Businesses", _cols("id=key strName=name")),
                 "Site": RawTable("sites", "Sites", _cols("id=key strName=name")),
                 "WorkOrder": RawTable("work-orders", "Work orders", _cols(
                     "id=key strCode=code strDescription=title")),
                 "Asset": RawTable("assets", "Assets", _cols(
                     "id=key strName=name strSerialNumber=serialNumber")),
             }),
    Platform("emaint", "eMaint", 1, "CMMS", True, ("USD",), "E{n:06d}",
             missing=frozenset({"locationKey"}), raw={
                 **_po("PO", "PO_NO=orderNo VENDOR_ID=vendorKey PO_DATE=orderDate"),
                 "PO_DETAIL": RawTable("purchase-orders.line-items", "PO lines", _cols(
                     "PO_NO=poOrderNo LINE_NO=lineNo PART_NO=code QTY=quantity "
                     "UNIT_COST=price")),
                 "VENDOR": RawTable("vendors", "Vendors", _cols("VENDOR_ID=code NAME=name")),
                 "WORK_ORDER": RawTable("work-orders", "Work orders", _cols(
                     "WO_NO=code DESCRIPTION=title STATUS=status")),
                 "ASSET": RawTable("assets", "Assets", _cols("ASSET_ID=key NAME=name")),
             }),
    Platform("sage_x3", "Sage X3", 2, "ERP", False, ("EUR", "CHF"), "POH{n:07d}", raw={
        **_po("PORDER", "POHNUM_0=orderNo BPSNUM_0=vendorKey ORDDAT_0=orderDate "
              "CUR_0=currencyKey"),
        "PORDERQ": RawTable("purchase-orders.line-items", "Order lines", _cols(
            "POHNUM_0=poOrderNo POPLIN_0=lineNo ITMREF_0=code QTYUOM_0=quantity "
            "GROPRI_0=price")),
        "BPSUPPLIER": RawTable("vendors", "Suppliers", _cols("BPSNUM_0=code BPSNAM_0=name")),
        "FACILITY": RawTable("sites", "Sites", _cols("FCY_0=code FCYNAM_0=name")),
    }),
    # Listed (creatable) but not seeded.
    Platform("inextia", "Inextia", 1, "CMMS", True, ("DKK",), "{n}"),
    Platform("epicor_kinetic", "Epicor Kinetic", 2, "ERP", False, ("USD",), "{n}"),
    Platform("ifs_cloud", "IFS Cloud", 3, "EAM", True, ("EUR", "SEK"), "{n}"),
    Platform("limble", "Limble CMMS", 1, "CMMS", True, ("USD",), "{n}"),
    Platform("odoo", "Odoo", 1, "ERP", False, ("EUR",), "P{n:05d}"),
    Platform("jde", "JD Edwards EnterpriseOne", 3, "ERP", False, ("USD",), "{n}"),
)
PLATFORMS_BY_PROVIDER = {p.provider: p for p in PLATFORMS}


@dataclass(frozen=True)
class SeededConnection:
    provider: str
    name: str          # the customer's company
    email: str
    status: str        # Makini's displayed connection status
    scenario: str
    params: dict = field(default_factory=dict)
    tags: tuple[str, ...] = ()


# One connection per health state, so the default data shows each (see the report/README).
SEEDED: tuple[SeededConnection, ...] = (
    SeededConnection("sap_s4hana", "Nordwerk Maschinenbau GmbH", "it@nordwerk.example",
                     "Active", "healthy", tags=("eu", "production")),
    SeededConnection("ibm_maximo", "Gulf Coast Refining", "maximo-admin@gulfcoast.example",
                     "Active", "healthy", tags=("us", "production")),
    SeededConnection("oracle_netsuite", "Pinecrest Foods Inc.", "erp@pinecrest.example",
                     "Synchronizing", "syncing", {"duration": 86400}, tags=("us",)),
    SeededConnection("dynamics365", "Thames Valley Water", "d365@tvwater.example",
                     "Active", "needs_reauth", tags=("uk", "production")),
    SeededConnection("infor_eam", "Rotterdam Port Services", "eam@rps.example",
                     "Active", "offline", {"mode": "503"}, tags=("eu", "on-prem")),
    SeededConnection("upkeep", "Sunrise Bottling Co.", "ops@sunrisebottling.example",
                     "Active", "rate_limited", {"limit_per_minute": 30}, tags=("us",)),
    SeededConnection("maintainx", "Prairie Wind Energy", "maint@prairiewind.example",
                     "Active", "forbidden", {"entities": ["purchase-orders"]}, tags=("us",)),
    SeededConnection("fiix", "Laurentian Paper Mills", "fiix@laurentian.example",
                     "In progress", "slow", {"latency_ms": 150}, tags=("ca",)),
    SeededConnection("emaint", "Desert Sun Mining", "cmms@desertsun.example",
                     "Inactive", "healthy", tags=("us", "trial")),
    SeededConnection("sage_x3", "Alpenglow Pharma AG", "x3@alpenglow.example",
                     "Pending", "healthy", tags=("eu",)),
)

# Credits left in the pool after seeding: 3, so a new Tier III connection (4) comes up
# Inactive while a Tier I or II one connects.
POOL_SPARE_CREDITS = 3
