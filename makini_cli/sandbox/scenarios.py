"""Per-connection fault scenarios: what a connection-token request meets before it is served.

  healthy       nothing
  syncing       served normally; /api/integrations/current says `inprogress` until the sync
                (param `duration`, clock seconds, default 300) ends
  needs_reauth  sync_status `fail`; entity and raw calls 401 AUTHENTICATION_FAILED
  offline       sync_status `error`; entity and raw calls fail: `mode` 503 (default) | drop
                (connection reset) | timeout (sleeps `delay_ms`, default 30000)
  rate_limited  `limit_per_minute` (default 30) calls in any 60 clock seconds, then 429
                RATE_LIMIT_EXCEEDED with Retry-After (all connection-token calls count)
  forbidden     403 on the `entities` listed (default ["purchase-orders"]; a name also covers
                its sub-resources such as purchase-orders.line-items)
  slow          every call waits `latency_ms` (default 800) first
  flapping      breaks and heals on the sandbox clock: `down` (offline by default; needs_reauth,
                forbidden, slow or rate_limited) for `down_for` clock seconds (default 300), then
                healthy for `up_for` (default 300), over and over, from `start` (a clock time;
                default: when the scenario is set). The `down` scenario's own parameters (mode,
                entities, …) go beside them. With `sandbox serve --time-factor 60` a five-minute
                outage lasts five seconds, so tests and demos see states change.
"""

from __future__ import annotations

import asyncio
import json
import math
from decimal import Decimal

from .errors import ApiError

DEFAULTS = {
    "syncing": {"duration": 300},
    "offline": {"mode": "503", "delay_ms": 30000},
    "rate_limited": {"limit_per_minute": 30},
    "forbidden": {"entities": ["purchase-orders"]},
    "slow": {"latency_ms": 800},
    "flapping": {"down": "offline", "down_for": 300, "up_for": 300},
}
FLAPPING_DOWN = ("offline", "needs_reauth", "forbidden", "slow", "rate_limited")


def _number(params: dict, name: str, minimum: float = 0) -> None:
    value = params.get(name)
    if isinstance(value, Decimal):  # request bodies parse fractions as Decimal
        value = params[name] = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ApiError(422, f"Scenario parameter '{name}' must be a number >= {minimum}.",
                       "VALIDATION_FAILED", errors={name: ["must be a number"]})


def validate_params(scenario: str, params: dict) -> dict:
    merged = {**DEFAULTS.get(scenario, {}), **{k: v for k, v in params.items()
                                                if k != "scenario"}}
    if scenario == "syncing":
        _number(merged, "duration")
    elif scenario == "offline":
        merged["mode"] = str(merged["mode"])
        if merged["mode"] not in ("503", "drop", "timeout"):
            raise ApiError(422, "Scenario parameter 'mode' must be 503, drop or timeout.",
                           "VALIDATION_FAILED", errors={"mode": ["invalid"]})
        _number(merged, "delay_ms")
    elif scenario == "rate_limited":
        _number(merged, "limit_per_minute", 1)
    elif scenario == "forbidden":
        ents = merged["entities"]
        if not isinstance(ents, list) or not all(isinstance(x, str) for x in ents):
            raise ApiError(422, "Scenario parameter 'entities' must be a list of entity names.",
                           "VALIDATION_FAILED", errors={"entities": ["must be a list"]})
    elif scenario == "slow":
        _number(merged, "latency_ms")
    elif scenario == "flapping":
        if merged["down"] not in FLAPPING_DOWN:
            raise ApiError(422, f"Scenario parameter 'down' must be one of {', '.join(FLAPPING_DOWN)}.",
                           "VALIDATION_FAILED", errors={"down": ["invalid"]})
        for name in ("down_for", "up_for"):
            _number(merged, name, 0.001)
        if "start" in merged:
            _number(merged, "start")
        inner = validate_params(merged["down"], {k: v for k, v in merged.items()
                                                 if k not in ("down", "down_for", "up_for", "start")})
        merged = {**inner, **merged}
    return merged


def effective(sandbox, conn: dict) -> tuple[str, dict]:
    """The scenario a connection shows now: a flapping one is `down` or healthy by the clock."""
    params = json.loads(conn["scenario_params"] or "{}")
    if conn["scenario"] != "flapping":
        return conn["scenario"], params
    if "start" not in params:
        # Pin the cycle to when the scenario was set (set_scenario stamps updated_at), so later
        # updates of the row cannot move it.
        params["start"] = float(conn["updated_at"])
        with sandbox.tx() as db:
            db.execute("UPDATE connections SET scenario_params = ? WHERE key = ? AND scenario = 'flapping'",
                       (json.dumps(params), conn["key"]))
    down_for, up_for = float(params["down_for"]), float(params["up_for"])
    phase = (sandbox.clock() - float(params["start"])) % (down_for + up_for)
    return (params["down"], params) if phase < down_for else ("healthy", {})


def sync_status(conn: dict) -> str:
    if conn["scenario"] == "needs_reauth":
        return "fail"
    if conn["scenario"] == "offline":
        return "error"
    return conn["sync_state"] if conn["sync_state"] in ("inprogress", "done", "fulldone") \
        else "done"


async def apply(sandbox, conn: dict, *, entity: str | None) -> dict:
    """Enforce `conn`'s scenario for a request; `entity` None for /api/integrations/current.

    Returns extra response headers (rate-limit counters). A flapping connection's `conn` is
    changed to the scenario it shows now, so what the route serves next agrees with it."""
    scenario, params = effective(sandbox, conn)
    conn["scenario"], conn["scenario_params"] = scenario, json.dumps(params)
    headers: dict[str, str] = {}
    if scenario == "slow":
        await asyncio.sleep(float(params.get("latency_ms", 800)) / 1000)
    elif scenario == "rate_limited":
        headers = _rate_limit(sandbox, conn, int(params.get("limit_per_minute", 30)))
    if entity is None:
        return headers
    if scenario == "needs_reauth":
        raise ApiError(401, "The connected system rejected its stored credentials; the customer "
                       "must reconnect through Makini Link.", "AUTHENTICATION_FAILED")
    if scenario == "offline":
        mode = str(params.get("mode", "503"))
        if mode == "drop":
            from .faults import DropConnection

            raise DropConnection()
        if mode == "timeout":
            await asyncio.sleep(float(params.get("delay_ms", 30000)) / 1000)
        raise ApiError(503, "The connected system is offline or unreachable.",
                       "SERVICE_UNAVAILABLE")
    if scenario == "forbidden":
        for name in params.get("entities", []):
            if entity == name or entity.startswith(name + ".") or entity.endswith("/" + name):
                raise ApiError(403, f"The connected system does not allow access to {entity}.",
                               "FORBIDDEN")
    return headers


def _rate_limit(sandbox, conn: dict, limit: int) -> dict[str, str]:
    """Sliding window over the last 60 clock seconds (not fixed minutes: a burst across a
    minute boundary must not get twice the limit, and tests must not depend on when in the
    minute they run). Only allowed calls count."""
    now = sandbox.clock()
    with sandbox.tx() as db:
        row = db.execute("SELECT rl_log FROM connections WHERE key = ?", (conn["key"],)).fetchone()
        log = [t for t in json.loads(row[0] or "[]") if t > now - 60] if row else []
        allowed = len(log) < limit
        if allowed:
            log.append(now)
        db.execute("UPDATE connections SET rl_log = ? WHERE key = ?",
                   (json.dumps(log[-limit:]), conn["key"]))
    headers = {"X-RateLimit-Limit": str(limit),
               "X-RateLimit-Remaining": str(max(0, limit - len(log)))}
    if not allowed:
        retry = max(1, math.ceil(log[-limit] + 60 - now))
        raise ApiError(429, f"Rate limit of {limit} requests per minute exceeded.",
                       "RATE_LIMIT_EXCEEDED", headers={**headers, "Retry-After": str(retry)})
    return headers
