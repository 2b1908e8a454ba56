"""`/_sandbox/*`: what Makini keeps in its dashboard or never exposes, for tests and demos.
No auth (the sandbox only listens on loopback). Bodies are plain JSON objects."""

from __future__ import annotations

import json
from decimal import Decimal

from starlette.requests import Request
from starlette.routing import Route

from .catalog import PLATFORMS, PLATFORMS_BY_PROVIDER
from .clock import iso
from .errors import ApiError, validation
from .fields import ENTITIES
from .listing import list_table
from .query import page_body
from .records import serve_rows
from .routes_system import connection_json, integration_json
from .web import ok, read_json


def _sb(request: Request):
    return request.app.state.sandbox


def record_counts(sb, key: str | None = None) -> dict[str, dict[str, int]]:
    """connection -> entity -> records, one grouped query per table (not one per connection:
    the list of 500 benchmark connections would be 23,000 queries)."""
    out: dict[str, dict[str, int]] = {}
    where, args = ("WHERE conn = ? ", (key,)) if key else ("", ())
    for e in ENTITIES.values():
        if e.name == "statuses":
            continue
        for conn, n in sb.query(f"SELECT conn, COUNT(*) FROM {e.table} {where}GROUP BY conn",
                                args):
            out.setdefault(conn, {})[e.name] = n
    return out


def admin_connection(sb, c: dict, counts: dict[str, dict[str, int]] | None = None) -> dict:
    mine = (record_counts(sb, c["key"]) if counts is None else counts).get(c["key"], {})
    counts = {e.name: mine.get(e.name, 0) for e in ENTITIES.values() if e.name != "statuses"}
    return {**connection_json(sb, c), "provider": c["provider"], "tier": c["tier"],
            "credits": c["credits"], "scenario": c["scenario"],
            "scenario_params": json.loads(c["scenario_params"] or "{}"),
            "sync_status": integration_json(c)["sync_status"],
            "sync_updated_at": iso(c["sync_updated_at"]),
            "disconnected_at": iso(c["disconnected_at"]), "records": counts}


async def info(request: Request):
    sb = _sb(request)
    return ok({**sb.info(), "base_url": str(request.base_url).rstrip("/"),
               "dispatcher": sb.dispatcher.config()})


async def reset(request: Request):
    body = await read_json(request)
    seed = body.get("seed")
    pos = body.get("pos_per_connection")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise validation("seed", "seed must be an integer")
    if pos is not None and (isinstance(pos, bool) or not isinstance(pos, int) or pos < 0):
        raise validation("pos_per_connection", "pos_per_connection must be an integer >= 0")
    sb = _sb(request)
    sb.reset(seed, pos)
    return ok(sb.info())


async def clock(request: Request):
    sb = _sb(request)
    if request.method == "POST":
        body = await read_json(request)
        adv = body.get("advance", 0)
        if isinstance(adv, bool) or not isinstance(adv, (int, float, Decimal)) \
                or not abs(adv) <= 100 * 365 * 86400:  # a century; more overflows the clock
            raise validation("advance", "advance must be a number of seconds (at most a century)")
        sb.advance_clock(float(adv))
        sb.tick()
    return ok({"now": sb.clock(), "iso": iso(sb.clock()), "offset": sb.clock.offset,
               "time_factor": sb.clock.time_factor})


async def connections(request: Request):
    sb = _sb(request)
    sb.tick()
    counts = record_counts(sb)
    return ok({"data": [admin_connection(sb, c, counts)
                        for c in sb.connections(include_disconnected=True)]})


async def one_connection(request: Request):
    sb = _sb(request)
    sb.tick()
    c = sb.connection(request.path_params["id"], include_disconnected=True)
    if c is None:
        raise ApiError(404, f"Connection {request.path_params['id']} not found.")
    return ok({"data": admin_connection(sb, c)})


async def records(request: Request):
    """Any connection's records, disconnected ones included (they keep their history)."""
    sb = _sb(request)
    c = sb.connection(request.path_params["id"], include_disconnected=True)
    e = ENTITIES.get(request.path_params["entity"])
    if c is None or e is None:
        raise ApiError(404, "Unknown connection or entity.")
    rows, total, q = list_table(request, sb, e, c["key"])
    return ok(page_body(request, serve_rows(sb, e, c["key"], rows), total, q))


async def scenario(request: Request):
    body = await read_json(request)
    name = body.get("scenario")
    if not isinstance(name, str):
        raise validation("scenario", "scenario is required")
    sb = _sb(request)
    c = sb.set_scenario(request.path_params["id"], name, body)
    return ok({"data": admin_connection(sb, c)})


async def bulk(request: Request):
    """Create many connections fast (fan-out benchmarks); each gets a token pair. They come up
    Active (the pool grows by their credits) with `pos_per_connection` orders each."""
    body = await read_json(request)
    count, pos = body.get("count", 10), body.get("pos_per_connection", 5)
    provider = body.get("provider", "upkeep")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 5000:
        raise validation("count", "count must be an integer from 1 to 5000")
    if isinstance(pos, bool) or not isinstance(pos, int) or pos < 0:
        raise validation("pos_per_connection", "pos_per_connection must be an integer >= 0")
    if provider not in PLATFORMS_BY_PROVIDER:
        raise validation("provider", f"unknown provider {provider}")
    sb = _sb(request)
    out = []
    for i in range(count):
        c = sb.create_connection(f"Bulk customer {i + 1}", f"bulk{i + 1}@example.com", provider,
                                 tags=["bulk"], pos=pos, grow_pool=True)
        with sb.tx():
            pair = sb.tokens.issue_pair("connection", c["key"], sb.config.connection_token_ttl,
                                        sb.config.refresh_token_ttl)
        out.append({"key": c["key"], **pair})
    return ok({"data": out})


async def generate(request: Request):
    """Grow one connection (benchmark setup): {"purchase_orders": N} adds orders,
    {"records_per_entity": N} adds N records to every entity that grows (documents, readings,
    material lines, …); either or both."""
    body = await read_json(request)
    n, each = body.get("purchase_orders"), body.get("records_per_entity")
    for name, value in (("purchase_orders", n), ("records_per_entity", each)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 1 <= value <= 1_000_000):
            raise validation(name, f"{name} must be an integer 1..1000000")
    if n is None and each is None:
        raise validation("purchase_orders", "give purchase_orders or records_per_entity")
    sb = _sb(request)
    c = sb.grow(request.path_params["id"], n) if n else sb.connection(
        request.path_params["id"], include_disconnected=True)
    if each:
        sb.grow_all(request.path_params["id"], each)
        c = c or sb.connection(request.path_params["id"], include_disconnected=True)
    return ok({"data": admin_connection(sb, sb.connection(c["key"], include_disconnected=True))})


async def credits(request: Request):
    sb = _sb(request)
    if request.method == "POST":
        body = await read_json(request)
        total = body.get("total")
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise validation("total", "total must be an integer >= 0")
        return ok(sb.set_pool(total))
    return ok({**sb.credits(), "tiers": {p.provider: p.credits for p in PLATFORMS}})


async def knobs(request: Request):
    sb = _sb(request)
    if request.method == "POST":
        body = await read_json(request)
        allowed = {"latency_ms": float, "error_rate": float, "error_status": int,
                   "admin_token_ttl": float, "connection_token_ttl": float,
                   "refresh_token_ttl": float, "sync_duration": float}
        for name, value in body.items():
            if name not in allowed:
                raise validation(name, f"Unknown knob '{name}'. Knobs: {', '.join(allowed)}.")
            try:
                value = allowed[name](value)
            except (TypeError, ValueError):
                raise validation(name, f"{name} must be a number") from None
            if value < 0 or (name == "error_rate" and value > 1) or (
                    name == "error_status" and not 400 <= value <= 599):
                raise validation(name, f"{name} is out of range")
            setattr(sb.config, name, value)
    c = sb.config
    return ok({"latency_ms": c.latency_ms, "error_rate": c.error_rate,
               "error_status": c.error_status, "admin_token_ttl": c.admin_token_ttl,
               "connection_token_ttl": c.connection_token_ttl,
               "refresh_token_ttl": c.refresh_token_ttl, "sync_duration": c.sync_duration})


async def faults(request: Request):
    sb = _sb(request)
    if request.method == "POST":
        body = await read_json(request)
        try:
            rule = sb.faults.add(body)
        except (ValueError, TypeError) as exc:
            raise ApiError(422, str(exc), "VALIDATION_FAILED") from None
        return ok({"data": {"id": rule.id, **{k: v for k, v in vars(rule).items()}}})
    if request.method == "DELETE":
        sb.faults.clear()
    return ok({"data": sb.faults.list()})


async def expire_tokens(request: Request):
    body = await read_json(request)
    kind = body.get("kind")
    if kind not in (None, "admin", "connection"):
        raise validation("kind", "kind must be admin, connection or absent (all)")
    sb = _sb(request)
    with sb.tx():
        n = sb.tokens.expire(kind, body.get("connection"), bool(body.get("include_refresh")))
    return ok({"expired": n})


def routes() -> list[Route]:
    return [
        Route("/_sandbox/info", info, methods=["GET"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/clock", clock, methods=["GET", "POST"]),
        Route("/_sandbox/connections", connections, methods=["GET"]),
        Route("/_sandbox/connections/bulk", bulk, methods=["POST"]),
        Route("/_sandbox/connections/{id}", one_connection, methods=["GET"]),
        Route("/_sandbox/connections/{id}/scenario", scenario, methods=["POST"]),
        Route("/_sandbox/connections/{id}/records/{entity}", records, methods=["GET"]),
        Route("/_sandbox/connections/{id}/generate", generate, methods=["POST"]),
        Route("/_sandbox/credits", credits, methods=["GET", "POST"]),
        Route("/_sandbox/knobs", knobs, methods=["GET", "POST"]),
        Route("/_sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/tokens/expire", expire_tokens, methods=["POST"]),
    ]
