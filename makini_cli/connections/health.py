"""Health of a connection, classified from what Makini tells us. Pure logic: no I/O, no typer/rich.

Inputs, in the order they win:
1. the connection's admin `status` (Inactive, Pending…: compared case-insensitively; values we do
   not know are kept as data and do not decide anything),
2. the circuit breaker (open: nothing was asked, so nothing else is known),
3. the answer of `GET /api/integrations/current` read with the connection's own token
   (`sync_status` inprogress/done/fulldone/error/fail), or the error that call raised,
4. for `sync_status: error` only, a one-item reach probe, which tells "the source system does
   not answer" (unreachable) from "the last sync failed but the system answers" (error).
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
STATES = (HEALTHY, SYNCING, NEEDS_REAUTH, ERROR, UNREACHABLE, INACTIVE, CIRCUIT_OPEN)
OK_STATES = frozenset({HEALTHY, SYNCING})
DEFAULT_FAIL_ON = frozenset(STATES) - OK_STATES

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
              link_url: str | None = None, stale_after: float | None = None) -> Health:
    """A verdict from `sync_status` (and, for `error`, from the reach probe's error if any)."""
    s = str(sync_status or "").strip().lower()
    ago = f" {_age(age_seconds)}" if age_seconds is not None else ""
    if s == "inprogress":
        return Health(SYNCING, "a sync is in progress" + (f" (started or updated{ago})" if ago else ""))
    if s in ("done", "fulldone"):
        what = "full sync" if s == "fulldone" else "sync"
        if stale_after is not None and age_seconds is not None and age_seconds > stale_after:
            return Health(ERROR, f"last {what} finished{ago}, older than the allowed {_age(stale_after, False)}",
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
             stale_after: float | None = None) -> Health:
    admin = from_admin_status(admin_status, link_url)
    if admin is not None:
        return admin
    if error is not None:
        return from_error(error, link_url)
    return from_sync(sync_status, age_seconds, reach_error=reach_error, link_url=link_url,
                     stale_after=stale_after)


def parse_fail_on(text: str | None) -> frozenset[str]:
    """`--fail-on`: comma-separated states, `none`, `all`, or `not-ok` (the default)."""
    if text is None:
        return DEFAULT_FAIL_ON
    chosen: set[str] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        if part == "none":
            continue
        if part == "all":
            chosen.update(STATES)
        elif part in ("not-ok", "notok", "default"):
            chosen.update(DEFAULT_FAIL_ON)
        elif part in STATES:
            chosen.add(part)
        else:
            raise ValueError(f"unknown state {part!r}; one of: {', '.join(STATES)}, none, all, not-ok")
    return frozenset(chosen)


def _age(seconds: float, suffix: bool = True) -> str:
    if suffix and seconds < 0:
        return "just now"  # a time ahead of ours is clock skew, not a sync from the future
    from ..output import human_age

    text = human_age(abs(seconds))
    return text if suffix else text.removesuffix(" ago")
