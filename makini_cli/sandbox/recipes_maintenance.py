"""One record of each maintenance entity beyond work orders and assets (`populate.Populator`
calls these): meters and their readings, downtime, preventive maintenance with its triggers,
tasks and labour, and service requests. Conventions as in `recipes.py`."""

from __future__ import annotations

from .recipes import _pick, nested_documents
from .values import DAY, REF, ts
from .vocab_records import DOWNTIME, METERS, PM_TITLES, REQUESTS, ROLES, UOMS


def _meter(P, n, rng):
    name, unit = _pick(METERS, n)
    assets = P.pool("assets")
    return {"siteKey": P.ref("sites", rng), "uomName": f"{name} ({unit})",
            "uomKey": unit if unit in dict(UOMS) else None,
            "assetKeys": assets[n % len(assets)] if assets else None,
            "lastReading": f"{rng.randint(10, 90000) / 10:.1f}",
            "lastReadingAt": ts(REF - rng.randint(0, 5) * DAY)}


def _meter_reading(P, n, rng):
    meters = P.pool("meters")
    meter = meters[n % len(meters)] if meters else None
    assets = P.pool("assets")
    return {"meterKey": meter, "assetKey": assets[(n % len(meters or [1])) % len(assets)]
            if assets else None, "reading": f"{rng.randint(10, 90000) / 10:.1f}",
            "createdAt": ts(REF - (n % 30) * DAY - rng.randint(0, 86399))}


def _downtime(P, n, rng):
    cat, severity = _pick(DOWNTIME, n)
    start = REF - rng.randint(2, 400) * DAY
    return {"assetKey": P.ref("assets", rng), "description": f"{cat} on line {n % 4 + 1}",
            "startedAt": ts(start), "endedAt": ts(start + rng.randint(1, 48) * 3600),
            "categoryName": cat, "severity": severity, "notes": None}


def _tasks(P, key: str, rng) -> list[dict]:
    return [{"key": f"{key}-T{i}", "parentKey": None, "code": f"T{i}",
             "title": ("Lock out / tag out", "Inspect", "Lubricate", "Test run")[i - 1],
             "description": None, "priority": str(i), "checkList": ["Done", "Signed off"]}
            for i in range(1, rng.randint(2, 4) + 1)]


def _pm(P, n, rng):
    key = P.key("pm", n)
    interval = rng.choice((7, 30, 90, 180, 365))
    return {"assetKeys": P.refs("assets", rng), "title": _pick(PM_TITLES, n),
            "description": f"Every {interval} days", "status": "Active",
            "severity": rng.choice(("Low", "Medium", "High")),
            "estimatedTime": str(rng.choice((1, 2, 4))),
            "roleName": _pick(ROLES, n), "categoryName": "Preventive", "categoryCode": "PM",
            "documents": [d for d in P.pool("documents")[:1]], "statusKey": None,
            "assetTemplateKeys": P.ref("asset-templates", rng), "requiresMaterials": True,
            "dueAt": ts(REF + rng.randint(1, interval) * DAY), "notes": None,
            "triggers": [{"uomKey": "DAY", "type": "calendar", "interval": str(interval),
                          "recurring": "true", "condition": None}],
            "tasks": _tasks(P, key, rng),
            "resources": [{"laborKey": P.ref("labors", rng), "vendorKey": None, "assetKey": None,
                           "teamKey": P.ref("teams", rng), "poKey": None, "poLineItemKey": None,
                           "accountKey": P.ref("accounts", rng), "name": "Technician",
                           "description": None, "estimatedTime": "2", "registeredTime": None,
                           "rate": "65.00", "cost": "130.00", "startedAt": None,
                           "finishedAt": None, "createdAt": ts(REF - 300 * DAY),
                           "updatedAt": ts(REF - 30 * DAY), "deletedAt": None}]}


def _service_request(P, n, rng):
    sub = rng.choice(("new", "approved", "converted", "rejected", "closed"))
    created = P.created(rng, 1, 400)
    return {"title": _pick(REQUESTS, n), "description": "Reported by operator",
            "statusKey": P.status("service-requests", rng, sub),
            "workOrderKey": P.ref("work-orders", rng) if sub == "converted" else None,
            "severity": rng.choice(("Low", "Medium", "High")), "estimatedTime": None,
            "roleName": None, "categoryName": "Corrective", "notes": None,
            "documents": nested_documents(P, rng), "createdAt": ts(created),
            "approvedAt": ts(created + DAY) if sub in ("approved", "converted") else None,
            "dueAt": ts(created + 7 * DAY), "userApprovedKey": None}


RECIPES_MAINTENANCE = {"meters": _meter, "meter-readings": _meter_reading,
                       "assets-downtime": _downtime, "pm": _pm,
                       "service-requests": _service_request}
