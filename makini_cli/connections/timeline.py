"""What `connections history` reports from the recorded transitions: the share of time in each
state, incidents (outages: maximal stretches outside healthy/syncing), the longest outage, the
last transition, and a timeline of cells (the worst state seen in each hour or day). Pure logic.

The time between two checks counts as the state seen at the first of them; a connection's
history covers the time from its first check (or the window's start) to its last check.
"""

from __future__ import annotations

import math
from typing import Any

from . import health

BUCKETS = {"hour": 3600.0, "day": 86400.0}
MAX_HOUR_CELLS = 72  # up to three days one cell per hour, beyond that one per day


def intervals(transitions: list[dict[str, Any]], last_check: float, start: float,
              end: float) -> list[tuple[str, float, float]]:
    """(state, from, to) within [start, end], oldest first; transitions oldest first."""
    out: list[tuple[str, float, float]] = []
    for i, t in enumerate(transitions):
        until = transitions[i + 1]["at"] if i + 1 < len(transitions) else max(last_check, t["at"])
        a, b = max(t["at"], start), min(until, end)
        if b > a:
            out.append((t["state"], a, b))
    return out


def outages(spans: list[tuple[str, float, float]]) -> list[tuple[float, float]]:
    """Maximal stretches of consecutive time outside healthy/syncing."""
    out: list[list[float]] = []
    for state, a, b in spans:
        if state in health.OK_STATES:
            continue
        if out and math.isclose(out[-1][1], a):
            out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def bucket_for(window: float, choice: str | None) -> str:
    if choice:
        return choice
    return "hour" if window / BUCKETS["hour"] <= MAX_HOUR_CELLS else "day"


def cells(spans: list[tuple[str, float, float]], points: list[tuple[str, float]], start: float, end: float,
          size: float) -> list[str | None]:
    """The worst state of each cell (None: nothing recorded), cells ending at `end`."""
    n = max(1, math.ceil((end - start) / size - 1e-9))
    first = end - n * size
    worst: list[str | None] = [None] * n

    def mark(i: int, state: str) -> None:
        if 0 <= i < n and (worst[i] is None or health.RANK.get(state, 99) < health.RANK.get(worst[i], 99)):
            worst[i] = state

    for state, a, b in spans:
        i = int((a - first) // size)
        last = min(n - 1, int(math.ceil((b - first) / size)) - 1)
        for j in range(max(i, 0), last + 1):
            mark(j, state)
    for state, at in points:
        if start <= at <= end:
            mark(min(n - 1, int((at - first) // size)), state)
    return worst


def report(current: dict[str, Any], transitions: list[dict[str, Any]], *, start: float, end: float,
           bucket: str) -> dict[str, Any]:
    """One connection's history row (times as Unix seconds; the command formats them)."""
    spans = intervals(transitions, current["last_check"], start, end)
    covered = sum(b - a for _s, a, b in spans)
    share: dict[str, float] = {}
    for state, a, b in spans:
        share[state] = share.get(state, 0.0) + (b - a)
    share = {s: round(share[s] / covered, 4) for s in health.STATES if s in share} if covered else {}
    down = outages(spans)
    last = transitions[-1] if transitions else None
    points = [(t["state"], t["at"]) for t in transitions] + [(current["state"], current["last_check"])]
    size = BUCKETS[bucket]
    timeline = cells(spans, points, start, end, size)
    return {
        "id": current["id"], "name": current.get("name"), "system": current.get("system"),
        "state": current["state"], "since": current["since"], "last_check": current["last_check"],
        "covered_seconds": round(covered, 3),
        "share": share,
        "uptime": round(sum(v for s, v in share.items() if s in health.OK_STATES), 4) if share else None,
        "incidents": len(down),
        "longest_outage_seconds": round(max((b - a for a, b in down), default=0.0), 3),
        "last_transition": {"from": last["previous"], "to": last["state"], "at": last["at"]} if last else None,
        "timeline": {"bucket": bucket, "start": end - len(timeline) * size, "cells": timeline},
    }
