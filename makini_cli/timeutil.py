"""Durations and times, parsed and formatted one way for the whole tool."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .errors import UsageError


def parse_duration(text: str, what: str = "duration") -> float:
    """'90', '90s', '10m', '1h', '2d', '1h30m' -> seconds."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _bounded(float(text), text, what)
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        raise UsageError(f"bad {what} {text!r}", hint="use e.g. 30s, 10m, 1h, 2d or 1h30m")
    unit = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    return _bounded(sum(float(n) * unit[u] for n, u in parts), text, what)


MAX_DURATION = 100 * 366 * 86400  # a century: beyond it, "that long ago" leaves the calendar


def _bounded(seconds: float, text: str, what: str) -> float:
    if seconds > MAX_DURATION:
        raise UsageError(f"bad {what} {text!r}: longer than 100 years")
    return seconds


# RFC 3339 date-times: `datetime.fromisoformat` is not the parser for them. On 3.11 it takes `Z`
# but not a lowercase `z`, and it takes forms RFC 3339 does not (`2025-W01-1`, `20250101T0800`,
# `2025-01-01T08`); a time from a server or a user either is RFC 3339 or is not a time.
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
                      r"(?:([Zz])|([+-])(\d{2}):(\d{2}))?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_rfc3339(text: str, *, naive_is_utc: bool = False, date_ok: bool = False) -> datetime:
    """An aware datetime from RFC 3339 text; ValueError for anything else. `naive_is_utc` also
    takes a date-time with no offset (as UTC); `date_ok` also takes a bare date (midnight UTC)."""
    if not isinstance(text, str):
        raise ValueError(f"not an RFC 3339 time: {text!r}")
    text = text.strip()
    m = _RFC3339.fullmatch(text)
    if m is None:
        d = _DATE.fullmatch(text) if date_ok else None
        if d is None:
            raise ValueError(f"not an RFC 3339 time: {text!r}")
        return datetime(int(d[1]), int(d[2]), int(d[3]), tzinfo=timezone.utc)
    year, month, day, hour, minute, second = (int(m[i]) for i in range(1, 7))
    micro = int((m[7] or "0")[:6].ljust(6, "0"))
    if m[8]:
        tz = timezone.utc
    elif m[9]:
        offset = timedelta(hours=int(m[10]), minutes=int(m[11]))
        tz = timezone(-offset if m[9] == "-" else offset)
    elif naive_is_utc:
        tz = timezone.utc
    else:
        raise ValueError(f"not an RFC 3339 time (no offset): {text!r}")
    second = min(second, 59)  # a leap second, :60, is the last second of its minute
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)


def format_rfc3339(value: datetime | float | None = None, *, timespec: str = "seconds") -> str:
    """UTC RFC 3339 text with `Z` (`2025-06-30T08:00:00Z`) for a datetime, a Unix time or now.
    `timespec` as for `datetime.isoformat` ("seconds", "milliseconds", "microseconds")."""
    if value is None:
        dt = datetime.now(timezone.utc)
    elif isinstance(value, datetime):
        dt = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    else:
        dt = datetime.fromtimestamp(value, tz=timezone.utc)
    # isoformat, not strftime: "%Y" gives year 1 as "1", not "0001"
    return dt.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"
