"""Health of a connection, classified from what Makini tells us. Pure logic: no I/O, no typer/rich.

Inputs, in the order they win:
1. the connection's admin `status` (Inactive, Pending…: compared case-insensitively; values we do
   not know are kept as data and do not decide anything),
2. the circuit breaker (open: nothing was asked, so nothing else is known),
3. the answer of `GET /api/integrations/current` read with the connection's own token
   (`sync_status` inprogress/done/fulldone/error/fail), or the error that call raised,
4. for `sync_status: error` only, a one-item reach probe, which tells "the source system does
   not answer" (unreachable) from "the last sync failed but the system answers" (error);
5. the operator's thresholds: a finished sync older than `stale_after` is `stale`, a sync in
   progress for longer than `stuck_after` is `stuck` (and, with `--deep`, connections where some
   entity types fail are `degraded`: connections/deep.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HEALTHY = "healthy"
SYNCING = "syncing"
NEEDS_REAUTH = "needs_reauth"
ERROR = "error"
UNREACHABLE = "unreachable"
INACTIVE = "inactive"
CIRCUIT_OPEN = "circuit_open"
DEGRADED = "degraded"
STUCK = "stuck"
STALE = "stale"
UNKNOWN = "unknown"  # never a check's verdict: the "previous state" of a connection with no history
STATES = (HEALTHY, SYNCING, DEGRADED, STUCK, STALE, NEEDS_REAUTH, ERROR, UNREACHABLE, INACTIVE, CIRCUIT_OPEN)
OK_STATES = frozenset({HEALTHY, SYNCING})
DEFAULT_FAIL_ON = frozenset(STATES) - OK_STATES
# Worst first, for `--sort health` and the terminal's default order: nobody answers, then
# something is broken, then something needs a person, then it works but not fully.
SEVERITY = (UNREACHABLE, ERROR, NEEDS_REAUTH, CIRCUIT_OPEN, STUCK, DEGRADED, STALE, INACTIVE, SYNCING, HEALTHY)
RANK = {state: n for n, state in enumerate(SEVERITY)}

# Error codes (api/errors.py) that mean "nobody answered": the network, a timeout, or a gateway
# status that Makini uses when the connected system is down.
_UNREACHABLE_CODES = frozenset({"network_error", "timeout"})
_GATEWAY_STATUSES = frozenset({502, 503, 504})


@dataclass
class Health:
    state: str
    reason: str
    hint: str | None = None

    @property
    def ok(self) -> bool:
        return self.state in OK_STATES


def norm_status(status: Any) -> str:
    """Admin status compared case-insensitively and without spaces ("In progress" = "inprogress")."""
    return "".join(str(status or "").lower().split()).replace("_", "").replace("-", "")


def is_unreachable(error: Any) -> bool:
    code = getattr(error, "code", None)
    if code in _UNREACHABLE_CODES:
        return True
    status = getattr(error, "status", None)
    return code == "server_error" and (status is None or status in _GATEWAY_STATUSES)


def from_admin_status(status: Any, link_url: str | None) -> Health | None:
    """A verdict from the admin status alone, or None when it takes a probe to know."""
    s = norm_status(status)
    if s == "inactive":
        return Health(INACTIVE, "status Inactive: not enough credits in the pool for this connection",
                      "free credits (disconnect unused connections) or add credits; a paid "
                      "account reactivates it (status Overage)")
    if s == "pending":
        hint = "the customer has not finished Makini Link"
        if link_url:
            hint += f"; send them: {link_url}"
        return Health(INACTIVE, "status Pending: the connection flow was never finished", hint)
    return None


def from_error(error: Any, link_url: str | None = None) -> Health:
    """A verdict when `/api/integrations/current` itself failed."""
    code = getattr(error, "code", None)
    message = getattr(error, "message", None) or str(error)
    status = getattr(error, "status", None)
    where = f" (HTTP {status})" if status else ""
    if code == "circuit_open":
        return Health(CIRCUIT_OPEN, message, getattr(error, "hint", None))
    if is_unreachable(error):
        return Health(UNREACHABLE, f"no answer: {message}{where}",
                      "Makini or the connected system is down or unreachable; "
                      "run `makini connections doctor ID` for details")
    if code == "not_found":
        return Health(ERROR, f"no such connection{where}: {message}",
                      "check the id with `makini connections list`")
    if code == "auth_failed":
        hint = ("the connection may have been disconnected; check `makini connections list`, "
                "and reconnect through Makini Link")
        if link_url:
            hint += f": {link_url}"
        return Health(ERROR, f"the connection token was refused{where}: {message}", hint)
    if code == "rate_limited":
        retry = getattr(error, "retry_after", None)
        hint = "Makini limits requests per connection per minute"
        hint += f"; retry in {retry:.0f}s" if retry is not None else "; try again in a minute"
        return Health(ERROR, f"rate limited{where}: {message}", hint)
    if code == "permission_denied":
        return Health(ERROR, f"forbidden{where}: {message}",
                      "the token may not read this connection; run `makini connections doctor ID`")
    return Health(ERROR, f"{message}{where}", getattr(error, "hint", None))


def from_sync(sync_status: Any, age_seconds: float | None, *, reach_error: Any = None,
              link_url: str | None = None, stale_after: float | None = None,
              stuck_after: float | None = None) -> Health:
    """A verdict from `sync_status` (and, for `error`, from the reach probe's error if any)."""
    s = str(sync_status or "").strip().lower()
    ago = f" {_age(age_seconds)}" if age_seconds is not None else ""
    if s == "inprogress":
        if stuck_after is not None and age_seconds is not None and age_seconds > stuck_after:
            return Health(STUCK, f"a sync has been in progress for {_age(age_seconds, False)}, longer than "
                          f"the allowed {_age(stuck_after, False)}",
                          "the sync may hang in Makini or the source system; run `makini connections doctor ID` "
                          "and send its support summary to Makini if it stays stuck")
        return Health(SYNCING, "a sync is in progress" + (f" (started or updated{ago})" if ago else ""))
    if s in ("done", "fulldone"):
        what = "full sync" if s == "fulldone" else "sync"
        if stale_after is not None and age_seconds is not None and age_seconds > stale_after:
            return Health(STALE, f"last {what} finished{ago}, older than the allowed {_age(stale_after, False)}",
                          "Makini has not synced this connection lately; run `makini connections doctor ID`")
        return Health(HEALTHY, f"last {what} finished{ago}" if ago else f"last {what} finished")
    if s == "fail":
        hint = "the customer must reconnect through Makini Link"
        if link_url:
            hint += f": {link_url}"
        return Health(NEEDS_REAUTH, "the connected system rejected the stored platform credentials "
                      "(sync_status fail)", hint)
    if s == "error":
        if reach_error is not None and is_unreachable(reach_error):
            message = getattr(reach_error, "message", None) or str(reach_error)
            return Health(UNREACHABLE, f"last sync failed and the connected system does not answer: {message}",
                          "the source system is offline or blocks Makini; for on-premises systems "
                          "check the firewall (`makini connections doctor ID` lists Makini's IPs)")
        return Health(ERROR, "the last sync failed (sync_status error)" + (f", updated{ago}" if ago else ""),
                      "run `makini connections doctor ID` to see which operations fail")
    if not s:
        return Health(ERROR, "Makini reported no sync status for this connection",
                      "run `makini connections doctor ID`")
    return Health(ERROR, f"unknown sync status {sync_status!r}",
                  "this makini version does not know that status; check for an update")


def classify(*, admin_status: Any = None, sync_status: Any = None, age_seconds: float | None = None,
             error: Any = None, reach_error: Any = None, link_url: str | None = None,
             stale_after: float | None = None, stuck_after: float | None = None) -> Health:
    admin = from_admin_status(admin_status, link_url)
    if admin is not None:
        return admin
    if error is not None:
        return from_error(error, link_url)
    return from_sync(sync_status, age_seconds, reach_error=reach_error, link_url=link_url,
                     stale_after=stale_after, stuck_after=stuck_after)


def parse_states(values: str | list[str] | tuple[str, ...] | None, *, default: frozenset[str] = DEFAULT_FAIL_ON,
                 allow_none: bool = True) -> frozenset[str]:
    """States from repeated options and comma lists (`--fail-on error --fail-on stale,stuck`):
    state names, `all`, `not-ok` (every state but healthy and syncing; also `problems`), and
    `none` (nothing) where `allow_none`. No value at all gives `default`."""
    if values is None or (not isinstance(values, str) and not values):
        return default
    parts = [p for v in ([values] if isinstance(values, str) else values) for p in v.replace(" ", "").split(",")]
    chosen: set[str] = set()
    for part in parts:
        part = part.lower()
        if not part:
            continue
        if part == "none" and allow_none:
            continue
        if part == "all":
            chosen.update(STATES)
        elif part in ("not-ok", "notok", "default", "problems"):
            chosen.update(DEFAULT_FAIL_ON)
        elif part in STATES:
            chosen.add(part)
        else:
            extra = ", none" if allow_none else ""
            raise ValueError(f"unknown state {part!r}; one of: {', '.join(STATES)}, all, not-ok{extra}")
    return frozenset(chosen)


def parse_fail_on(values: str | list[str] | None) -> frozenset[str]:
    """`--fail-on`: states, `none`, `all`, or `not-ok` (the default)."""
    return parse_states(values)


def _age(seconds: float, suffix: bool = True) -> str:
    if suffix and seconds < 0:
        return "just now"  # a time ahead of ours is clock skew, not a sync from the future
    from ..output import human_age

    text = human_age(abs(seconds))
    return text if suffix else text.removesuffix(" ago")
