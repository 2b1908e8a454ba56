"""What each connected system has beyond purchase orders, the way real connectors differ: which
families of entities it serves, the custom fields it adds to them, and its source tables for
them (served under `/api/raw/*` beside the purchasing tables in `catalog.py`).

A family is a set of entities a kind of system keeps: an ERP sells and ships, an EAM or a CMMS
maintains assets, and only some ERPs plan production. Purchase orders, vendors, sites and
statuses are everyone's (see `catalog.py`).
"""

from __future__ import annotations

FAMILIES: dict[str, tuple[str, ...]] = {
    "core": ("organizations", "currencies", "uom", "accounts", "companies", "locations",
             "storerooms", "teams", "users", "materials", "inventories", "stocks"),
    "procurement": ("receipts", "receiving", "rfq", "purchase-requisitions", "return-orders",
                    "invoices"),
    "maintenance": ("labors", "documents", "asset-templates", "meters", "meter-readings",
                    "assets-downtime", "pm", "service-requests"),
    "sales": ("taxes", "exchange-rates", "customers", "groups", "products", "projects",
              "sales-orders", "fulfillments"),
    "warehouse": ("shipment-orders", "stock-transfers", "stock-adjustments"),
    "production": ("bom", "production-orders"),
}

# provider -> families; a provider not named here gets its category's default.
_BY_CATEGORY = {"ERP": ("core", "procurement", "sales", "warehouse"),
                "EAM": ("core", "procurement", "maintenance"),
                "CMMS": ("core", "maintenance"),
                "WMS": ("core", "warehouse", "sales")}
_BY_PROVIDER = {
    "sap_s4hana": ("core", "procurement", "maintenance", "sales", "warehouse", "production"),
    "dynamics365": ("core", "procurement", "sales", "warehouse", "production"),
    "ibm_maximo": ("core", "procurement", "maintenance", "warehouse"),
}


def families(provider: str, category: str) -> tuple[str, ...]:
    return _BY_PROVIDER.get(provider, _BY_CATEGORY.get(category, ("core",)))


# provider -> entity -> custom fields beyond the model (values: populate.CUSTOM_VALUES).
CUSTOM: dict[str, dict[str, tuple[str, ...]]] = {
    "sap_s4hana": {"materials": ("ZZ_MRP_CONTROLLER", "ZZ_ABC_INDICATOR"),
                   "assets": ("ZZ_ABC_INDICATOR",), "sales-orders": ("ZZ_SALES_GROUP",),
                   "customers": ("ZZ_SALES_DISTRICT",)},
    "ibm_maximo": {"assets": ("CUST_FAILURE_CLASS",), "materials": ("CUST_COMMODITY_GROUP",),
                   "locations": ("CUST_SYSTEM_ID",)},
    "oracle_netsuite": {"customers": ("custentity_credit_hold",),
                        "sales-orders": ("custbody_channel",), "materials": ("custitem_hazmat",)},
    "dynamics365": {"customers": ("dataAreaId",), "sales-orders": ("dataAreaId",),
                    "products": ("dataAreaId",)},
    "infor_eam": {"assets": ("UDFCHAR01",)},
    "fiix": {"assets": ("strCustom1",)},
}

# provider -> table -> (entity, description, "COLUMN=field …"): source tables beyond purchasing.
RAW: dict[str, dict[str, tuple[str, str, str]]] = {
    "sap_s4hana": {
        "MARA": ("materials", "General material data", "MATNR=code MAKTX=name MEINS=uomKey "
                 "MTART=categoryName DISPO=extra:ZZ_MRP_CONTROLLER"),
        "KNA1": ("customers", "Customer master", "KUNNR=code NAME1=name "
                 "BZIRK=extra:ZZ_SALES_DISTRICT"),
        "VBAK": ("sales-orders", "Sales document headers", "VBELN=orderNumber KUNNR=customerKey "
                 "WAERK=currencyKey VKGRP=extra:ZZ_SALES_GROUP"),
        "IFLOT": ("locations", "Functional locations", "TPLNR=code PLTXT=name"),
        "T001L": ("storerooms", "Storage locations", "LGORT=code LGOBE=name"),
        "AFKO": ("production-orders", "Production order headers", "AUFNR=orderNo "
                 "GSTRP=orderDate|sapdate"),
    },
    "ibm_maximo": {
        "ITEM": ("materials", "Items", "ITEMNUM=code DESCRIPTION=name ORDERUNIT=uomKey "
                 "COMMODITYGROUP=extra:CUST_COMMODITY_GROUP"),
        "LOCATIONS": ("locations", "Locations", "LOCATION=code DESCRIPTION=name "
                      "SYSTEMID=extra:CUST_SYSTEM_ID"),
        "INVENTORY": ("inventories", "Storeroom inventory", "ITEMNUM=code CURBAL=quantity "
                      "AVGCOST=unitCost"),
        "PM": ("pm", "Preventive maintenance", "PMNUM=key DESCRIPTION=title"),
        "METER": ("meters", "Meters", "METERNAME=key DESCRIPTION=uomName"),
    },
    "oracle_netsuite": {
        "item": ("materials", "Items", "itemid=code displayname=name "
                 "custitem_hazmat=extra:custitem_hazmat"),
        "customer": ("customers", "Customers", "entityid=code companyname=name "
                     "custentity_credit_hold=extra:custentity_credit_hold"),
        "salesOrder": ("sales-orders", "Transactions (type SalesOrd)", "tranid=orderNumber "
                       "entity=customerKey currency=currencyKey"),
        "invoice": ("invoices", "Transactions (type VendBill)", "tranid=invoiceNumber "
                    "entity=vendorKey duedate=dueDate"),
    },
    "dynamics365": {
        "CustTable": ("customers", "Customers", "AccountNum=code Name=name "
                      "DataAreaId=extra:dataAreaId"),
        "SalesTable": ("sales-orders", "Sales orders", "SalesId=orderNumber "
                       "CustAccount=customerKey CurrencyCode=currencyKey"),
        "InventTable": ("materials", "Released products", "ItemId=code NameAlias=name"),
        "ProdTable": ("production-orders", "Production orders", "ProdId=orderNo"),
    },
    "infor_eam": {
        "R5PARTS": ("materials", "Parts", "PAR_CODE=code PAR_DESC=name PAR_UOM=uomKey"),
        "R5LOCATIONS": ("locations", "Locations", "LOC_CODE=code LOC_DESC=name"),
        "R5PPMS": ("pm", "PM schedules", "PPM_CODE=key PPM_DESC=title"),
    },
    "upkeep": {"parts": ("materials", "Parts (REST resource)", "id=key name=name "
                         "partNumber=partNumber"),
               "meters": ("meters", "Meters (REST resource)", "id=key units=uomName")},
    "maintainx": {"parts": ("materials", "Parts (REST resource)", "id=key name=name")},
    "fiix": {"Stock": ("stocks", "Stock", "id=key qtyOnHand=quantity"),
             "ScheduledMaintenance": ("pm", "Scheduled maintenance",
                                      "id=key strDescription=title")},
    "emaint": {"PARTS": ("materials", "Parts", "PART_NO=code DESCRIPTION=name")},
}

# Fields a system's connector leaves empty on the entities beyond purchasing (beside
# `Platform.missing`, which applies everywhere): the fill-rate differences `mappings compare`
# shows.
EXTRA_MISSING: dict[str, frozenset[str]] = {
    "ibm_maximo": frozenset({"position", "costUomKey", "shipmentRequired"}),
    "oracle_netsuite": frozenset({"position", "userManagerKey", "carrierName"}),
    "dynamics365": frozenset({"contact", "isbn", "drawingNumber"}),
    "infor_eam": frozenset({"userManagerKey", "reorderLevel"}),
    "upkeep": frozenset({"accountKey", "costUomKey", "userManagerKey", "partNumber"}),
    "maintainx": frozenset({"lineRef", "accountKey", "manufacturerName"}),
    "fiix": frozenset({"teamKey", "criticality"}),
    "emaint": frozenset({"storeroomKey", "severity"}),
}
