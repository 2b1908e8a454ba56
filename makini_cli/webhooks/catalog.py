"""What Makini publishes about its webhooks: the events, the payload, the delivery rules.

Every assumption about Makini's webhooks lives here, so it is one edit when Makini says more.
Confirmed events come from Makini's docs; the `unconfirmed` ones appear only in marketing FAQ
text, and their wire names are guesses.
"""

from __future__ import annotations

import fnmatch
import json
import random
from dataclasses import dataclass

#: A receiver must answer 2xx within this many seconds (FAQ).
ACK_TIMEOUT_S = 10.0
#: Retry schedule (FAQ): first retry 30 s after a failure, doubling, for up to 24 h.
RETRY_FIRST_S = 30.0
RETRY_FACTOR = 2.0
RETRY_WINDOW_S = 24 * 3600.0


@dataclass(frozen=True)
class Event:
    name: str
    entity: str
    action: str
    description: str
    unconfirmed: bool = False


def _confirmed() -> list[Event]:
    entities = {
        "connection-statuses": ("a connection's status", ("inserted", "updated", "deleted")),
        "assets": ("an asset", ("inserted", "updated")),
        "sites": ("a site", ("inserted", "updated")),
        "work-orders": ("a work order", ("inserted", "updated")),
        "purchase-orders": ("a purchase order", ("inserted", "updated")),
        "materials": ("a material", ("inserted", "updated")),
        "locations": ("a location", ("inserted", "updated")),
    }
    verbs = {"inserted": "was created", "updated": "changed", "deleted": "was removed"}
    return [Event(f"{entity}.{action}", entity, action, f"{what.capitalize()} {verbs[action]}.")
            for entity, (what, actions) in entities.items() for action in actions]


EVENTS: tuple[Event, ...] = (
    *_confirmed(),
    Event("sync.completed", "sync", "completed",
          "A connection's synchronisation finished (FAQ only; name guessed).", True),
    Event("sync.failed", "sync", "failed",
          "A connection's synchronisation failed (FAQ only; name guessed).", True),
    Event("connection.reauthorization-required", "connection", "reauthorization-required",
          "A connection needs the customer to reconnect (FAQ only; name guessed).", True),
    Event("connection.online", "connection", "online",
          "A connection's system came online (FAQ only; name guessed).", True),
    Event("connection.offline", "connection", "offline",
          "A connection's system went offline (FAQ only; name guessed).", True),
)
BY_NAME: dict[str, Event] = {e.name: e for e in EVENTS}
CONFIRMED: tuple[str, ...] = tuple(e.name for e in EVENTS if not e.unconfirmed)


def get(name: str) -> Event | None:
    return BY_NAME.get(name)


def is_pattern(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def validate_selection(selection: list[str] | None) -> list[str]:
    """Check event names or patterns ("assets.*", "*.inserted", "*"); returns the unknown ones."""
    bad = []
    for item in selection or ():
        if is_pattern(item):
            if not any(fnmatch.fnmatchcase(e.name, item) for e in EVENTS):
                bad.append(item)
        elif item not in BY_NAME:
            bad.append(item)
    return bad


def selected(event: str, selection: list[str] | tuple[str, ...] | None) -> bool:
    """True when `event` is chosen by `selection` (None or empty: every event)."""
    if not selection:
        return True
    return any(event == item or (is_pattern(item) and fnmatch.fnmatchcase(event, item))
               for item in selection)


def expand_selection(selection: list[str] | None) -> list[str]:
    """The concrete event names a selection picks (None: every confirmed event)."""
    if not selection:
        return list(CONFIRMED)
    return [e.name for e in EVENTS if selected(e.name, selection)]


def retry_delays(first: float = RETRY_FIRST_S, factor: float = RETRY_FACTOR,
                 window: float = RETRY_WINDOW_S, max_attempts: int | None = None) -> list[float]:
    """Delays before each retry after a failed first attempt: 30, 60, 120 … while the total
    stays within the window (24 h gives 11 retries). `max_attempts` counts the first attempt."""
    delays: list[float] = []
    total, delay = 0.0, first
    while total + delay <= window:
        if max_attempts is not None and len(delays) + 1 >= max_attempts:
            break
        delays.append(delay)
        total += delay
        delay *= factor
    return delays


def make_key(rng: random.Random | None = None) -> str:
    """An id shaped like the 14-digit record keys in Makini's spec examples."""
    rng = rng or random.Random()
    return f"{rng.randrange(10):02d}000{rng.randrange(10**9):09d}"


def payload(event: str, ids: list[str]) -> dict:
    return {"event": event, "body": list(ids)}


def encode(event: str, ids: list[str]) -> bytes:
    """The exact bytes of a delivery: compact JSON, `event` then `body`."""
    return json.dumps(payload(event, ids), separators=(",", ":")).encode("utf-8")


def sample(event: str, count: int = 1, seed: int | None = None) -> dict:
    """A sample payload for `event` with realistic ids (deterministic with a seed)."""
    if event not in BY_NAME:
        raise KeyError(f"unknown webhook event {event!r}")
    rng = random.Random(seed if seed is not None else event)
    return payload(event, [make_key(rng) for _ in range(max(1, count))])


def is_valid_payload(obj: object) -> bool:
    """The documented shape: {"event": "<entity>.<action>", "body": [<id>, …]}."""
    if not isinstance(obj, dict):
        return False
    event, body = obj.get("event"), obj.get("body")
    return (isinstance(event, str) and "." in event and isinstance(body, list)
            and all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in body))
