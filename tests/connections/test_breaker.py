"""The circuit breaker: opens after N connection-level failures, fails fast with when and why,
lets one trial through after the cooldown, and keeps its state across invocations."""

from __future__ import annotations

import json

import pytest

from makini_cli.errors import CircuitOpen, NetworkError, PermissionDenied, ServerError
from makini_cli.connections.breaker import Breaker


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def breaker(tmp_path, clock, **kw) -> Breaker:
    return Breaker(tmp_path / "breakers", threshold=kw.get("threshold", 3), cooldown=kw.get("cooldown", 60), clock=clock)


def test_it_opens_after_the_threshold_and_fails_fast_saying_when_and_why(tmp_path, clock):
    b = breaker(tmp_path, clock)
    for _ in range(2):
        b.record_failure("C1", ServerError("upstream down", status=503, request_id="req_1"), "GET /api/erp/vendors")
        b.check("C1")  # still closed below the threshold
    b.record_failure("C1", NetworkError("connection refused"), "GET /api/erp/sites")
    with pytest.raises(CircuitOpen) as info:
        b.check("C1")
    message = info.value.message
    assert "after 3 consecutive failures" in message and "reopens at" in message and "(in 60s)" in message
    assert "connection refused" in message
    assert "--force" in info.value.hint
    b.check("C1", force=True)  # --force goes through


def test_the_state_survives_a_new_process(tmp_path, clock):
    b = breaker(tmp_path, clock)
    for _ in range(3):
        b.record_failure("C1", ServerError("down", status=502))
    again = breaker(tmp_path, clock)  # another invocation reads the same file
    assert again.view("C1")["state"] == "open" and again.view("C1")["failures"] == 3
    with pytest.raises(CircuitOpen):
        again.check("C1")


def test_after_the_cooldown_one_trial_decides(tmp_path, clock):
    b = breaker(tmp_path, clock)
    for _ in range(3):
        b.record_failure("C1", ServerError("down", status=503))
    clock.now += 61
    b.check("C1")  # the trial call
    with pytest.raises(CircuitOpen, match="trial call"):
        b.check("C1")  # everyone else waits for it
    b.record_failure("C1", ServerError("still down", status=503))
    with pytest.raises(CircuitOpen, match="reopens"):
        b.check("C1")  # a failed trial opens it for another cooldown
    clock.now += 61
    b.check("C1")
    b.record_success("C1")
    assert b.view("C1") == {**b.view("C1"), "state": "closed", "failures": 0}
    assert not (tmp_path / "breakers" / "C1.json").exists()


def test_answers_that_are_refusals_close_it_rather_than_count(tmp_path, clock):
    b = breaker(tmp_path, clock)
    b.record_failure("C1", ServerError("down", status=503))
    b.record_failure("C1", ServerError("down", status=503))
    b.record_failure("C1", PermissionDenied("forbidden", status=403))  # the system answered
    b.record_failure("C1", ServerError("down", status=503))
    assert b.view("C1")["state"] == "closed" and b.view("C1")["failures"] == 1


def test_a_damaged_state_file_lets_calls_through(tmp_path, clock):
    b = breaker(tmp_path, clock)
    (tmp_path / "breakers").mkdir()
    (tmp_path / "breakers" / "C1.json").write_text("{not json")
    b.check("C1")
    b.record_failure("C1", ServerError("down", status=503))
    assert json.loads((tmp_path / "breakers" / "C1.json").read_text())["failures"] == 1


def test_threshold_zero_turns_it_off(tmp_path, clock):
    b = breaker(tmp_path, clock, threshold=0)
    for _ in range(10):
        b.record_failure("C1", ServerError("down", status=503))
    b.check("C1")


def test_odd_ids_get_safe_file_names(tmp_path, clock):
    b = breaker(tmp_path, clock, threshold=1)
    b.record_failure("../../etc/passwd", ServerError("down", status=503))
    assert all(p.parent == tmp_path / "breakers" for p in (tmp_path / "breakers").iterdir())
    assert b.all()[0]["connection"] == "../../etc/passwd"


# --- end to end: a cron loop calling `makini connections status` against a failing connection ---
def test_the_breaker_opens_fails_fast_and_recovers_across_invocations(sbx, cli):
    key = sbx.ids["healthy"]
    rule = sbx.fault(path_prefix="/api/integrations/current", connection=key, fault="status", status=503, times=None)
    env = dict(sbx.env, MAKINI_BREAKER_THRESHOLD="2", MAKINI_BREAKER_COOLDOWN="3600")

    for _ in range(2):
        r = cli("connections", "status", key, "-o", "json", env=env)
        assert r.code == 3 and r.json()[0]["health"] == "unreachable", r
    seen = next(f for f in sbx.faults() if f["id"] == rule["id"])["seen"]

    r = cli("connections", "status", key, "-o", "json", env=env)
    assert r.code == 3, r
    row = r.json()[0]
    assert row["health"] == "circuit_open" and row["breaker"] == "open"
    assert "after 2 consecutive failures" in row["reason"] and "reopens at" in row["reason"]
    assert "HTTP 503" in row["reason"]
    assert next(f for f in sbx.faults() if f["id"] == rule["id"])["seen"] == seen  # failed fast: no request

    r = cli("connections", "breaker", "-o", "json", env=env)
    assert [(b["connection"], b["state"]) for b in r.json()] == [(key, "open")]

    # --force calls anyway (and the system still fails)
    r = cli("connections", "status", key, "--force", "-o", "json", env=env)
    assert r.json()[0]["health"] == "unreachable"
    assert next(f for f in sbx.faults() if f["id"] == rule["id"])["seen"] > seen

    # the system comes back; once the cooldown is over, one trial call closes the breaker
    sbx.call("DELETE", "/_sandbox/faults")
    env["MAKINI_BREAKER_COOLDOWN"] = "0"  # the cooldown stored at the last failure is an hour:
    r = cli("connections", "status", key, "-o", "json", env=env)
    assert r.json()[0]["health"] == "circuit_open"  # ... still open: nothing was asked
    r = cli("connections", "breaker", "--reset", key, env=env)
    assert r.code == 0 and "breaker closed" in r.stderr
    r = cli("connections", "status", key, "-o", "json", env=env)
    assert r.code == 0 and r.json()[0]["health"] == "healthy", r


def test_after_a_short_cooldown_the_trial_call_closes_it(sbx, cli, config_dir):
    key = sbx.ids["healthy"]
    sbx.fault(path_prefix="/api/integrations/current", connection=key, fault="status", status=503, times=2)
    env = dict(sbx.env, MAKINI_BREAKER_THRESHOLD="1", MAKINI_BREAKER_COOLDOWN="1s")
    r = cli("connections", "status", key, "-o", "json", env=env)  # 503 twice (one retry): opens
    assert r.json()[0]["health"] == "unreachable"
    state = json.loads((config_dir / "state" / "breakers" / f"{key}.json").read_text())
    state["open_until"] -= 5  # the cooldown has passed (instead of sleeping through it)
    (config_dir / "state" / "breakers" / f"{key}.json").write_text(json.dumps(state))
    r = cli("connections", "status", key, "-o", "json", env=env)
    assert r.code == 0 and r.json()[0]["health"] == "healthy", r
    assert not (config_dir / "state" / "breakers" / f"{key}.json").exists()


def test_every_command_goes_through_the_breaker(sbx, cli):
    key = sbx.ids["healthy"]
    # 500: a server failure that is not retried, so the test does not sit through backoffs
    sbx.fault(path_prefix="/api/erp/vendors", connection=key, fault="status", status=500, times=None)
    env = dict(sbx.env, MAKINI_BREAKER_THRESHOLD="1", MAKINI_BREAKER_COOLDOWN="3600")
    r = cli("api", "GET", "/api/erp/vendors", "-c", key, env=env)
    assert r.code == 1
    r = cli("api", "GET", "/api/erp/sites", "-c", key, env=env)
    assert r.code == 1 and "circuit open for connection" in r.stderr, r
    r = cli("api", "GET", "/api/erp/sites", "-c", key, env={**env, "MAKINI_BREAKER_FORCE": "1"})
    assert r.code == 0, r
