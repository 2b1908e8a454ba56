"""One duration parser, one strict RFC 3339 parser and one formatter for the whole tool."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from makini_cli.errors import UsageError
from makini_cli.timeutil import format_rfc3339, parse_duration, parse_rfc3339


@pytest.mark.parametrize("text, seconds", [("90", 90), ("90s", 90), ("10m", 600), ("1h30m", 5400),
                                           ("2d", 172800), ("1w", 604800), ("250ms", 0.25)])
def test_durations_take_every_unit(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "10x", "1h 30m", "-5s", "101000d"])
def test_bad_durations_are_usage_errors(text):
    with pytest.raises(UsageError):
        parse_duration(text)


@pytest.mark.parametrize("text, expected", [
    ("2025-06-30T08:00:00Z", datetime(2025, 6, 30, 8, tzinfo=timezone.utc)),
    ("2025-06-30t08:00:00z", datetime(2025, 6, 30, 8, tzinfo=timezone.utc)),  # lowercase is RFC 3339
    ("2025-06-30 08:00:00+02:00", datetime(2025, 6, 30, 8, tzinfo=timezone(timedelta(hours=2)))),
    ("2025-06-30T08:00:00.123456789-05:30", datetime(2025, 6, 30, 8, 0, 0, 123456,
                                                     tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
    ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=timezone.utc)),  # a leap second
])
def test_rfc3339_times_parse(text, expected):
    assert parse_rfc3339(text) == expected


@pytest.mark.parametrize("text", ["2025-W01-1", "20250101T0800", "2025-01-01T08", "2025-06-30T08:00:00",
                                  "2025-13-01T00:00:00Z", "2025-06-30", "yesterday", "", "2025-06-30T08:00Z"])
def test_what_rfc3339_does_not_allow_is_refused(text):
    with pytest.raises(ValueError):
        parse_rfc3339(text)


def test_naive_times_and_bare_dates_only_when_asked():
    assert parse_rfc3339("2025-06-30T08:00:00", naive_is_utc=True) == datetime(2025, 6, 30, 8, tzinfo=timezone.utc)
    assert parse_rfc3339("2025-06-30", date_ok=True) == datetime(2025, 6, 30, tzinfo=timezone.utc)


def test_the_formatter_writes_utc_with_z_for_datetimes_and_unix_times():
    assert format_rfc3339(0) == "1970-01-01T00:00:00Z"
    assert format_rfc3339(1.5, timespec="milliseconds") == "1970-01-01T00:00:01.500Z"
    assert format_rfc3339(datetime(1, 1, 1, tzinfo=timezone.utc)) == "0001-01-01T00:00:00Z"
    east = datetime(2025, 6, 30, 10, tzinfo=timezone(timedelta(hours=2)))
    assert format_rfc3339(east) == "2025-06-30T08:00:00Z"
    assert parse_rfc3339(format_rfc3339(east)) == east
