"""The classification rules themselves (pure logic, no network)."""

from __future__ import annotations

import pytest

from makini_cli.connections import health
from makini_cli.errors import (AuthFailed, CircuitOpen, NetworkError, NotFound, PermissionDenied, RateLimited,
                                   ServerError, Timeout)

LINK = "https://link.makini.io/oauth/authorize?client_id=c&redirect_uri=r&response_type=code"


@pytest.mark.parametrize("sync_status, state", [
    ("inprogress", "syncing"), ("done", "healthy"), ("fulldone", "healthy"), ("DONE", "healthy"),
    ("fail", "needs_reauth"), ("error", "error"), (None, "error"), ("paused", "error")])
def test_each_sync_status_maps_to_a_state(sync_status, state):
    assert health.classify(sync_status=sync_status, age_seconds=60).state == state


def test_needs_reauth_carries_the_makini_link_url_in_its_hint():
    h = health.classify(sync_status="fail", link_url=LINK)
    assert h.state == "needs_reauth" and LINK in h.hint


def test_a_failed_sync_whose_system_does_not_answer_is_unreachable():
    h = health.classify(sync_status="error", reach_error=ServerError("down", status=503))
    assert h.state == "unreachable"
    assert health.classify(sync_status="error", reach_error=PermissionDenied("no", status=403)).state == "error"


@pytest.mark.parametrize("status", ["Inactive", "INACTIVE", "inactive", " Inactive "])
def test_admin_status_inactive_wins_whatever_its_case(status):
    assert health.classify(admin_status=status, sync_status="done").state == "inactive"


def test_pending_is_inactive_with_the_link_url_to_finish_the_flow():
    h = health.classify(admin_status="Pending", link_url=LINK)
    assert h.state == "inactive" and "Pending" in h.reason and LINK in h.hint


@pytest.mark.parametrize("status", ["Active", "Overage", "In progress", "Synchronizing", "Brand-New", None])
def test_other_admin_statuses_are_data_and_the_probe_decides(status):
    assert health.classify(admin_status=status, sync_status="done").state == "healthy"


@pytest.mark.parametrize("error, state", [
    (NetworkError("refused"), "unreachable"), (Timeout("slow"), "unreachable"),
    (ServerError("bad gateway", status=502), "unreachable"), (ServerError("boom", status=500), "error"),
    (RateLimited("slow down", status=429, retry_after=30), "error"), (NotFound("gone", status=404), "error"),
    (AuthFailed("revoked", status=401), "error"), (PermissionDenied("no", status=403), "error"),
    (CircuitOpen("circuit open for connection X"), "circuit_open")])
def test_a_failed_probe_maps_to_a_state(error, state):
    assert health.classify(error=error).state == state


def test_a_stale_sync_is_its_own_state_only_when_asked():
    assert health.classify(sync_status="done", age_seconds=7200).state == "healthy"
    h = health.classify(sync_status="done", age_seconds=7200, stale_after=3600)
    assert h.state == "stale" and "2h ago" in h.reason and "older than the allowed 1h" in h.reason


def test_a_sync_in_progress_too_long_is_stuck_only_when_asked():
    assert health.classify(sync_status="inprogress", age_seconds=4 * 3600).state == "syncing"
    h = health.classify(sync_status="inprogress", age_seconds=4 * 3600, stuck_after=3 * 3600)
    assert h.state == "stuck" and h.reason == "a sync has been in progress for 4h, longer than the allowed 3h"
    assert "doctor" in h.hint
    assert health.classify(sync_status="inprogress", age_seconds=60, stuck_after=3600).state == "syncing"


def test_the_default_fail_on_includes_degraded_stuck_and_stale():
    assert {"degraded", "stuck", "stale"} <= health.DEFAULT_FAIL_ON
    assert not {"healthy", "syncing"} & health.DEFAULT_FAIL_ON


def test_states_come_from_repeated_options_and_comma_lists():
    assert health.parse_states(["error", "stale,stuck", " unreachable "]) == {"error", "stale", "stuck", "unreachable"}
    assert health.parse_states(["problems"]) == health.DEFAULT_FAIL_ON
    assert health.parse_states([]) == health.DEFAULT_FAIL_ON
    with pytest.raises(ValueError, match="unknown state 'none'"):
        health.parse_states(["none"], allow_none=False)


def test_worst_first_puts_unreachable_before_degraded_before_healthy():
    order = sorted(health.STATES, key=health.RANK.get)
    assert order[0] == "unreachable" and order[-1] == "healthy"
    assert order.index("degraded") < order.index("inactive") < order.index("syncing")
    assert set(health.SEVERITY) == set(health.STATES)


def test_a_sync_time_ahead_of_our_clock_reads_just_now():
    assert health.classify(sync_status="done", age_seconds=-300).reason == "last sync finished just now"


def test_fail_on_accepts_states_none_and_all_and_rejects_unknown_names():
    assert health.parse_fail_on(None) == frozenset(health.STATES) - {"healthy", "syncing"}
    assert health.parse_fail_on("needs_reauth, unreachable") == {"needs_reauth", "unreachable"}
    assert health.parse_fail_on("none") == frozenset()
    assert health.parse_fail_on("all") == frozenset(health.STATES)
    with pytest.raises(ValueError, match="unknown state 'sick'"):
        health.parse_fail_on("sick")
