"""The sandbox clock: real time scaled by `time_factor`, plus an offset tests can advance.

Everything time-dependent (token expiry, sync progress, rate-limit windows, webhook retries)
reads this clock instead of `time.time()`, so `POST /_sandbox/clock {"advance": s}` moves it all
at once without sleeping.
"""

from __future__ import annotations

import math
import threading
import time

from ..timeutil import format_rfc3339

MAX_TIME_FACTOR = 1_000_000.0  # a day in a tenth of a second; beyond it times leave the calendar


class Clock:
    def __init__(self, time_factor: float = 1.0, offset: float = 0.0) -> None:
        if not (math.isfinite(time_factor) and 0 < time_factor <= MAX_TIME_FACTOR):
            raise ValueError(f"time_factor must be above 0 and at most {MAX_TIME_FACTOR:g}")
        self.time_factor = float(time_factor)
        self._origin = time.time()
        self._offset = float(offset)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        real = time.time()
        return self._origin + (real - self._origin) * self.time_factor + self._offset

    now = __call__

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += float(seconds)
        return self()

    def set_offset(self, offset: float) -> None:
        with self._lock:
            self._offset = float(offset)


def iso(ts: float | None) -> str | None:
    """ISO 8601 UTC with a Z and whole seconds, as the spec's examples write timestamps."""
    if ts is None:
        return None
    return format_rfc3339(int(ts))
