"""`syncs wait`: 0 when the sync completes, 3 when it fails, 124 on timeout; a line per change
on stderr when not on a terminal, the outcome on stdout."""

from __future__ import annotations


def test_wait_exits_0_when_the_sync_completes(sbx, cli):
    key = sbx.ids["healthy"]
    sbx.scenario(key, "syncing", duration=0.6)  # sandbox clock seconds: ends shortly
    r = cli("syncs", "wait", key, "--interval", "100ms", "--timeout", "60s", "-o", "json", env=sbx.env)
    assert r.code == 0, r
    assert r.json()["result"] == "completed" and r.json()["sync_status"] in ("done", "fulldone")
    lines = r.stderr.splitlines()
    assert "sync inprogress" in lines[0] and "sync done" in lines[-1]
    assert len(lines) == 2  # one line per change, not per check


def test_wait_exits_3_when_the_sync_fails(sbx, cli):
    r = cli("syncs", "wait", sbx.ids["needs_reauth"], "--interval", "100ms", "-o", "json", env=sbx.env)
    assert r.code == 3, r
    assert r.json()["result"] == "failed" and r.json()["sync_status"] == "fail"


def test_wait_exits_124_on_timeout(sbx, cli):
    r = cli("syncs", "wait", sbx.ids["syncing"], "--interval", "100ms", "--timeout", "300ms", "-o", "json",
            env=sbx.env)
    assert r.code == 124, r
    assert r.json()["result"] == "timeout" and r.json()["sync_status"] == "inprogress"
    assert r.json()["waited_seconds"] >= 0.3


def test_wait_reports_a_finished_sync_at_once_unless_new_is_asked(sbx, cli):
    key = sbx.ids["healthy"]
    r = cli("syncs", "wait", key, "-o", "json", env=sbx.env)
    assert r.code == 0 and r.json()["result"] == "completed"
    r = cli("syncs", "wait", key, "--new", "--interval", "100ms", "--timeout", "300ms", "-o", "json", env=sbx.env)
    assert r.code == 124 and r.json()["result"] == "timeout"


def test_wait_keeps_going_through_transient_errors(sbx, cli):
    key = sbx.ids["healthy"]
    sbx.fault(path_prefix="/api/integrations/current", connection=key, fault="status", status=500, times=1)
    r = cli("syncs", "wait", key, "--interval", "100ms", "--timeout", "30s", env=sbx.env)
    assert r.code == 0, r
    assert "check failed" in r.stderr and "will retry" in r.stderr


def test_wait_on_an_unknown_connection_fails_at_once(sbx, cli):
    r = cli("syncs", "wait", "99999999999999", "--timeout", "30s", env=sbx.env)
    assert r.code == 1 and "Traceback" not in r.stderr


def test_bad_durations_are_usage_errors(sbx, cli):
    r = cli("syncs", "wait", sbx.ids["healthy"], "--timeout", "soon", env=sbx.env)
    assert r.code == 2 and "bad --timeout" in r.stderr
    r = cli("syncs", "wait", sbx.ids["healthy"], "--interval", "0", env=sbx.env)
    assert r.code == 2
