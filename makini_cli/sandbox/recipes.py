"""One record of each reference and maintenance entity (`populate.Populator` calls these): the
semantic fields a connector fills. Keys, references and timestamps a recipe leaves out are
filled by convention in `Populator.encode`; a field set to None stays empty. Documents with
line items live in `recipes_docs.py`.
"""

from __future__ import annotations

import random
from decimal import Decimal

from .values import DAY, REF, money, ts
from .vocab import ASSET_KINDS, MATERIALS
from .vocab_records import (ACCOUNTS, ASSEMBLIES, COMPANIES, CURRENCY_NAMES, CUSTOMERS,
                            DOCUMENTS, FIRST, GROUPS, LAST, LOCATION_KINDS, MODELS, PRODUCTS,
                            RATES, ROLES, STOREROOM_KINDS, TAXES, TEAMS, UOMS)

LOCATIONS_PER_SITE = 3  # generate.py points orders at the first location of their site


def _pick(seq, n: int):
    return seq[(n - 1) % len(seq)]


def _person(n: int) -> tuple[str, str]:
    return FIRST[(n * 7) % len(FIRST)], LAST[(n * 5) % len(LAST)]


def currencies(P) -> list[str]:
    return list(dict.fromkeys(P.p.currencies + ("EUR", "USD")))


def stockable(P) -> list[int]:
    """Material numbers kept in stock (services are not)."""
    return [m for m in range(1, len(MATERIALS) + len(ASSEMBLIES) + 1)
            if m > len(MATERIALS) or MATERIALS[m - 1][2] != "HR"]


def derived_count(P, entity: str) -> int:
    return {"currencies": len(currencies(P)), "uom": len(UOMS),
            "locations": LOCATIONS_PER_SITE * len(P.pool("sites")),
            "storerooms": len(P.pool("sites")), "materials": len(MATERIALS) + len(ASSEMBLIES),
            "inventories": len(stockable(P)), "stocks": len(stockable(P)),
            "exchange-rates": len(currencies(P)) - 1,
            "material-items": len(material_item_plan(P))}[entity]


def dimensions(rng: random.Random) -> dict:
    return {"length": f"{rng.randint(5, 120)}.0", "width": f"{rng.randint(5, 80)}.0",
            "height": f"{rng.randint(2, 60)}.0", "unit": "cm",
            "weight": f"{rng.randint(1, 400) / 10:.1f}", "weightUnit": "kg"}


def document(P, n: int) -> dict:
    """Document `n` as served by /documents and nested in assets, parts and templates."""
    name, content_type, ext = _pick(DOCUMENTS, n)
    rng = random.Random(f"{P.seed}:{P.idx}:document:{n}")
    key = P.key("documents", n)
    created = ts(REF - rng.randint(100, 700) * DAY)
    assets = P.pool("assets")
    return {"key": key, "entityKeys": [assets[n % len(assets)]] if assets else [],
            "name": f"{name} {n}", "url": f"https://files.{P.p.provider}.example/{key}.{ext}",
            "type": ext.upper(), "contentType": content_type, "description": name,
            "notes": None, "createdAt": created, "updatedAt": created}


def nested_documents(P, rng: random.Random) -> list[dict]:
    count = len(P.pool("documents"))
    return [document(P, rng.randint(1, count))] if count and rng.random() < 0.5 else []


def inventory(P, m: int) -> dict:
    """The stock of material `m` at its storeroom's location (Part.inventory, /inventories)."""
    rng = random.Random(f"{P.seed}:{P.idx}:inventory:{m}")
    code, name, _, low, high, _ = (MATERIALS[m - 1] if m <= len(MATERIALS)
                                   else (*ASSEMBLIES[m - len(MATERIALS) - 1][:2], "SET", 200,
                                         900, False))
    n = stockable(P).index(m) + 1
    locations = P.pool("locations")
    stamp = ts(REF - rng.randint(1, 90) * DAY)
    return {"key": P.key("inventories", n), "code": code, "name": name,
            "quantity": rng.randint(0, 250), "unitCost": rng.randint(low, high),
            "locationKey": locations[1 % len(locations)] if locations else None,
            "updatedAt": stamp, "createdAt": ts(REF - 700 * DAY)}


def asset_parts(P) -> dict[str, list[int]]:
    """Spare parts of each asset: material numbers (MaterialItem rows and Part.assetKeys)."""
    cached = getattr(P, "_asset_parts", None)
    if cached is None:
        rng = random.Random(f"{P.seed}:{P.idx}:asset-parts")
        cached = P._asset_parts = {a: sorted(rng.sample(range(1, len(MATERIALS) + 1), 2))
                                   for a in P.pool("assets")}
    return cached


def material_item_plan(P) -> list[tuple[str, str, int]]:
    """(owner field, owner key, material number) of every material line, in a stable order."""
    cached = getattr(P, "_item_plan", None)
    if cached is not None:
        return cached
    rng = random.Random(f"{P.seed}:{P.idx}:material-items")
    plan: list[tuple[str, str, int]] = []
    for n in range(1, P.g.n_work_orders + 1):
        for m in sorted(rng.sample(range(1, len(MATERIALS) + 1), rng.randint(0, 2))):
            plan.append(("workOrderKey", P.key("work-orders", n), m))
    for asset, parts in asset_parts(P).items():
        plan += [("assetKey", asset, m) for m in parts]
    for owner, entity in (("assetTemplateKey", "asset-templates"), ("pmKey", "pm"),
                          ("productionOrderKey", "production-orders")):
        for key in P.pool(entity):
            plan += [(owner, key, m) for m in sorted(rng.sample(range(1, 13), 2))]
    for i, (_, _, children) in enumerate(ASSEMBLIES):
        plan += [("assemblyKey", P.key("materials", len(MATERIALS) + i + 1), c + 1)
                 for c in children]
    P._item_plan = plan
    return plan


def _material(P, n, rng):
    if n <= len(MATERIALS):
        code, name, uom, low, high, _ = MATERIALS[n - 1]
        parents = [P.key("materials", len(MATERIALS) + i + 1)
                   for i, (_, _, kids) in enumerate(ASSEMBLIES) if n - 1 in kids]
        assembly = False
    else:
        code, name, _ = ASSEMBLIES[n - len(MATERIALS) - 1]
        uom, low, high, parents, assembly = "SET", 200, 900, [], True
    price = money(Decimal(rng.randint(low * 100, high * 100)) / 100)
    vendor = P.ref("vendors", rng)
    stocked = n in stockable(P)
    return {"code": code, "name": name, "description": name, "partNumber": f"P-{code}",
            "uomKey": uom, "cost": price, "currency": P.p.currencies[0], "isAssembly": assembly,
            "parentKeys": parents, "isActive": True, "criticality": "ABC"[n % 3],
            "categoryName": ("Assembly" if assembly else "Service" if uom == "HR"
                             else "Spare part"),
            "assetKeys": sorted(a for a, parts in asset_parts(P).items() if n in parts),
            "siteKeys": P.pool("sites")[:2], "vendorKeys": vendor,
            "manufacturerName": ASSET_KINDS[n % len(ASSET_KINDS)][1],
            "minimumQuantity": str(rng.randint(0, 10)) if stocked else None,
            "notes": None if n % 3 else "Keep two on the shelf",
            "documents": nested_documents(P, rng),
            "supplyOptions": [{"vendorKey": vendor, "partNumber": [f"V-{code}"], "price": [price],
                               "uomKey": [uom], "currencyKey": P.p.currencies[0],
                               "uomQuantity": "1", "makePartNumber": f"M-{code}",
                               "reorderPoint": "5", "createdAt": ts(REF - 600 * DAY),
                               "updatedAt": ts(REF - 100 * DAY)}] if vendor else [],
            "priceLevels": [{"name": "List", "price": price, "uomKey": uom, "uomQuantity": "1",
                             "currencyKey": P.p.currencies[0], "taxKey": None,
                             "minQuantity": "1", "maxQuantity": None,
                             "updatedAt": ts(REF - 100 * DAY), "deletedAt": None}],
            "inventory": inventory(P, n) if stocked else None, "drawings": [],
            "dimensions": dimensions(rng)}


def _location(P, n, rng):
    sites = P.pool("sites")
    site_i, j = divmod(n - 1, LOCATIONS_PER_SITE)
    kind = LOCATION_KINDS[(site_i + j) % len(LOCATION_KINDS)] if j else "Main building"
    return {"siteKey": sites[site_i % len(sites)],
            "parentKey": P.key("locations", site_i * LOCATIONS_PER_SITE + 1) if j else None,
            "name": f"{kind} {site_i + 1}", "code": f"L{site_i + 1:02d}-{j + 1:02d}",
            "type": "Building" if not j else "Area", "description": f"{kind} at site {site_i + 1}",
            "address": P.address(rng, kind), "isActive": True, "isDefault": j == 0,
            "contact": f"Shift lead, ext. {200 + n}"}


def _storeroom(P, n, rng):
    sites = P.pool("sites")
    return {"siteKey": sites[(n - 1) % len(sites)], "parentKey": None,
            "locationKey": P.key("locations", (n - 1) * LOCATIONS_PER_SITE + 2),
            "code": f"SR{n:02d}", "name": f"{_pick(STOREROOM_KINDS, n)} {n}", "type": "Stores",
            "description": "Spare parts and consumables", "priority": str(n)}


def _stock(P, n, rng):
    m = stockable(P)[n - 1]
    inv = inventory(P, m)
    level = rng.randint(2, 10)
    return {"materialKey": P.key("materials", m), "productKey": None, "assetKey": None,
            "locationKey": inv["locationKey"], "storeroomKey": P.ref("storerooms", rng),
            "position": f"R{n % 9 + 1}-S{n % 5 + 1}", "uomKey": "EA",
            "quantity": str(inv["quantity"]), "reorderPoint": str(level),
            "reorderQuantity": str(level * 3), "minLevel": str(level), "maxLevel": str(level * 6),
            "reorderLevel": str(level), "expiresAt": None}


RECIPES_REFERENCE = {
    "organizations": lambda P, n, rng: {
        "name": P.g.company, "code": f"ORG{n}", "description": f"{P.p.name} company code",
        "currencyKey": P.p.currencies[0], "addresses": [P.address(rng, P.g.company)],
        "billingAddress": P.address(rng, "Accounts payable"),
        "contacts": [{"name": "Purchasing", "position": "Buyer", "phones": "+1-555-0100",
                      "emails": "purchasing@example.com", "isActive": True, "isDefault": True}]},
    "currencies": lambda P, n, rng: {
        "key": currencies(P)[n - 1], "code": currencies(P)[n - 1],
        "name": CURRENCY_NAMES[currencies(P)[n - 1]], "isBase": str(n == 1).lower(),
        "isActive": "true"},
    "uom": lambda P, n, rng: {"key": UOMS[n - 1][0], "code": UOMS[n - 1][0],
                              "name": UOMS[n - 1][1], "rateBaseKey": None, "rate": "1",
                              "isActive": True},
    "exchange-rates": lambda P, n, rng: {
        "currencyKey": currencies(P)[n], "baseCurrencyKey": currencies(P)[0],
        "rate": str((Decimal(RATES[currencies(P)[n]]) / Decimal(RATES[currencies(P)[0]]))
                    .quantize(Decimal("0.000001")))},
    "accounts": lambda P, n, rng: {
        "code": _pick(ACCOUNTS, n)[0], "name": _pick(ACCOUNTS, n)[1],
        "description": f"GL account {_pick(ACCOUNTS, n)[0]}", "activatedAt": ts(REF - 2000 * DAY),
        "expiresAt": None},
    "taxes": lambda P, n, rng: {"name": _pick(TAXES, n)[0], "type": _pick(TAXES, n)[1],
                                "taxPercentage": _pick(TAXES, n)[2], "isActive": True},
    "companies": lambda P, n, rng: {
        "name": _pick(COMPANIES, n), "code": f"C{n:04d}", "parentKey": None,
        "addresses": [P.address(rng, _pick(COMPANIES, n))], "billingAddress": None,
        "currencyKey": P.p.currencies[0], "notes": None},
    "teams": lambda P, n, rng: {"code": _pick(TEAMS, n)[0], "name": _pick(TEAMS, n)[1],
                                "description": f"{_pick(TEAMS, n)[1]} team"},
    "users": lambda P, n, rng: {
        "name": " ".join(_person(n)), "roleName": _pick(ROLES, n), "description": None,
        "siteKeys": P.refs("sites", rng), "locationKeys": P.refs("locations", rng),
        "notes": None, "isActive": "true"},
    "labors": lambda P, n, rng: {
        "name": " ".join(_person(n + 3)), "firstName": _person(n + 3)[0], "middleName": None,
        "lastName": _person(n + 3)[1], "code": f"LAB{n:03d}", "roleName": _pick(ROLES, n),
        "userKey": P.key("users", n) if n <= len(P.pool("users")) else None,
        "vendorKey": P.ref("vendors", rng) if n % 4 == 0 else None,
        "organizationKeys": P.g.org, "siteKeys": P.refs("sites", rng),
        "locationKeys": P.refs("locations", rng), "description": None, "notes": None,
        "isActive": True, "costUomKey": "HR", "currencyKey": P.p.currencies[0]},
    "customers": lambda P, n, rng: {
        "name": _pick(CUSTOMERS, n), "code": f"CU{10000 + n}",
        "addresses": _line(P.address(rng, _pick(CUSTOMERS, n))),
        "billingAddress": _line(P.address(rng, "Accounts payable"))},
    "groups": lambda P, n, rng: {"code": _pick(GROUPS, n)[0], "name": _pick(GROUPS, n)[1],
                                 "description": None, "parentKey": None},
    "products": lambda P, n, rng: _product(P, n, rng),
    "documents": lambda P, n, rng: document(P, n),
    "asset-templates": lambda P, n, rng: {
        "name": _pick(MODELS, n)[0], "manufacturerName": _pick(MODELS, n)[1],
        "documents": nested_documents(P, rng)},
    "materials": _material, "locations": _location, "storerooms": _storeroom,
    "inventories": lambda P, n, rng: {**inventory(P, stockable(P)[n - 1]),
                                      "materialKey": P.key("materials", stockable(P)[n - 1])},
    "stocks": _stock,
}


def _line(addr: dict) -> str:
    """An address as one line (Customer.addresses and billingAddress are typed string)."""
    return f"{addr['addressLines']}, {addr['postCode']} {addr['city']}, {addr['country']}"


def _product(P, n, rng):
    code, name, low, high = _pick(PRODUCTS, n)
    price = money(Decimal(rng.randint(int(low) * 100, int(high) * 100)) / 100)
    return {"code": code, "name": name, "description": name, "type": "finished_good",
            "groupKey": P.key("groups", len(P.pool("groups"))) if P.pool("groups") else None,
            "uomKey": "EA", "isTaxable": True, "taxKeys": P.pool("taxes")[:1], "status": "active",
            "price": price, "currencyKey": P.p.currencies[0], "quantity": str(rng.randint(0, 60)),
            "sku": f"SKU-{code}", "upc": f"0{rng.randint(10**10, 10**11 - 1)}",
            "ean": f"40{rng.randint(10**10, 10**11 - 1)}", "isbn": None, "partNumber": code,
            "dimensions": dimensions(rng), "supplyOptions": [],
            "priceLevels": [{"name": "List", "price": price, "uomKey": "EA", "uomQuantity": "1",
                             "currencyKey": P.p.currencies[0], "taxKey": None,
                             "minQuantity": "1", "maxQuantity": None,
                             "updatedAt": ts(REF - 100 * DAY), "deletedAt": None}]}
