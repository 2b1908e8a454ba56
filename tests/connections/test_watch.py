"""`connections watch`: NDJSON transitions and heartbeats when piped, a live table on a terminal,
the exit conditions scripts use (--exit-on-change, --until, --rounds, --timeout), Ctrl-C exits 130,
and /metrics on --metrics-port. Against the sandbox over real HTTP; the changing states come from
a served sandbox whose clock runs 600 times faster."""

from __future__ import annotations

import json
import os
import pty
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from .fast_sandbox import start


def lines_of(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def makini_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKINI_") or k == "MAKINI_CONFIG_DIR"}
    env.update(extra)
    return env


class Running:
    """A makini process whose stdout and stderr lines are read as they come."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "makini_cli", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=makini_env(env))
        self.out: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.out.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.err.append), daemon=True).start()

    @staticmethod
    def _pump(stream, put) -> None:
        for line in stream:
            put(line)

    def line(self, timeout: float = 20) -> str:
        return self.out.get(timeout=timeout)

    def stderr_matching(self, pattern: str, timeout: float = 20) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.err):
                if m := re.search(pattern, line):
                    return m
            time.sleep(0.02)
        raise AssertionError(f"no {pattern!r} on stderr: {self.err}")

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(20)


def test_piped_watch_prints_a_line_per_transition_and_a_heartbeat_per_round(sbx, cli):
    r = cli("connections", "watch", "--all", "--interval", "100ms", "--rounds", "2", "--heartbeat", env=sbx.env)
    assert r.code == 3, r  # after its last round some connection is in a --fail-on state
    events = lines_of(r)
    transitions = [e for e in events if e["event"] == "transition"]
    beats = [e for e in events if e["event"] == "heartbeat"]
    assert len(transitions) == 10 and {e["previous"] for e in transitions} == {"unknown"}  # the first round
    assert all(e["round"] == 1 for e in transitions)
    assert [b["round"] for b in beats] == [1, 2] and beats[1]["changes"] == 0 and beats[1]["connections"] == 10
    assert beats[0]["counts"]["unreachable"] == 1 and beats[0]["at"].endswith("Z")
    offline = next(e for e in transitions if e["id"] == sbx.ids["offline"])
    assert offline["state"] == "unreachable" and offline["failing"] is True and offline["since"].endswith("Z")
    assert r.stderr == ""


def test_the_first_round_compares_with_the_recorded_history(sbx, cli):
    key = sbx.ids["healthy"]
    assert cli("connections", "status", key, env=sbx.env).code == 0
    sbx.scenario(key, "needs_reauth")
    r = cli("connections", "watch", key, "--rounds", "1", env=sbx.env)
    assert r.code == 3, r
    [event] = lines_of(r)
    assert (event["previous"], event["state"]) == ("healthy", "needs_reauth") and event["previous_since"]


def test_no_history_watch_starts_from_unknown_and_writes_no_file(sbx, cli, config_dir):
    r = cli("connections", "watch", sbx.ids["healthy"], "--rounds", "1", "--no-history", env=sbx.env)
    assert r.code == 0 and lines_of(r)[0]["previous"] == "unknown", r
    assert not (config_dir / "state" / "history").exists()


def test_until_and_timeout_give_scripts_an_exit_code(sbx, cli):
    r = cli("connections", "watch", sbx.ids["healthy"], "--until", "healthy,syncing", env=sbx.env)
    assert r.code == 0, r
    started = time.monotonic()
    r = cli("connections", "watch", sbx.ids["offline"], "--until", "healthy", "--interval", "200ms",
            "--timeout", "1s", env=sbx.env)
    assert r.code == 124, r
    assert 0.9 < time.monotonic() - started < 10


@pytest.mark.parametrize("args, message", [
    (["--interval", "often"], "bad --interval 'often'"),
    (["--until", "cheerful"], "--until: unknown state 'cheerful'"),
    (["--metrics-port", "70000"], "bad --metrics-port 70000"),
    (["--notify", "ftp://example.com/x"], "--notify: expected an http:// or https:// URL"),
])
def test_bad_watch_options_are_usage_errors(sbx, cli, args, message):
    r = cli("connections", "watch", "--all", *args, env=sbx.env)
    assert r.code == 2 and message in r.stderr and r.stdout == "", r


def test_ctrl_c_stops_a_piped_watch_with_130_and_no_traceback(sbx):
    watch = Running(["connections", "watch", "--all", "--interval", "30s"], sbx.env)
    assert json.loads(watch.line())["event"] == "transition"
    assert watch.interrupt() == 130
    assert "Traceback" not in "".join(watch.err)


def test_metrics_port_serves_the_latest_round_as_openmetrics_on_loopback(sbx):
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    watch = Running(["connections", "watch", "--all", "--interval", "300ms", "--metrics-port", "0"], sbx.env)
    try:
        url = watch.stderr_matching(r"metrics on (http://127\.0\.0\.1:\d+)/metrics").group(1)
        watch.line()  # a round has finished
        deadline = time.monotonic() + 10
        while True:
            response = httpx.get(f"{url}/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
            if response.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/openmetrics-text; version=1.0.0")
        families = {f.name: f for f in text_string_to_metric_families(response.text)}
        up = {s.labels["id"]: s.value for s in families["makini_connection_up"].samples}
        assert up[sbx.ids["healthy"]] == 1 and up[sbx.ids["offline"]] == 0 and len(up) == 10
        old = httpx.get(f"{url}/metrics")  # a scraper that does not ask for OpenMetrics
        assert old.headers["content-type"].startswith("text/plain; version=0.0.4") and old.text == response.text
        assert httpx.get(f"{url}/other").status_code == 404
    finally:
        code = watch.interrupt()
    assert code == 130


def test_a_metrics_port_in_use_is_a_usage_error(sbx, cli):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = cli("connections", "watch", "--all", "--metrics-port", str(port), "--rounds", "1", env=sbx.env)
    assert r.code == 2 and f"cannot listen on 127.0.0.1:{port}" in r.stderr, r


@pytest.fixture(scope="module")
def fast():
    sandbox = start(600)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def flapping(fast):
    fast.call("POST", "/_sandbox/reset", json={"pos_per_connection": 2})
    key = fast.keys()["Nordwerk Maschinenbau GmbH"]
    fast.flap(key, down_for=600, up_for=600)  # one second down, one second up
    return fast, key


def test_exit_on_change_stops_at_the_first_change_seen_and_says_what_it_was(flapping, cli):
    fast, key = flapping
    r = cli("connections", "watch", key, "--exit-on-change", "--interval", "100ms", "--timeout", "20s", env=fast.env)
    assert r.code in (0, 3), r
    events = lines_of(r)
    assert events[0]["previous"] == "unknown"  # the first sight is no change
    last = events[-1]
    assert last["previous"] != "unknown" and last["previous"] != last["state"]
    assert r.code == (3 if last["failing"] else 0)


def test_until_healthy_waits_for_the_connection_to_heal(flapping, cli):
    fast, key = flapping
    fast.call("POST", f"/_sandbox/connections/{key}/scenario",
              json={"scenario": "flapping", "down_for": 900, "up_for": 60000})  # down for 1.5 s, then up
    r = cli("connections", "watch", key, "--until", "healthy", "--interval", "100ms", "--timeout", "20s",
            "--heartbeat", env=fast.env)
    assert r.code == 0, r
    events = lines_of(r)
    assert events[0]["state"] in ("unreachable", "error")
    assert [e for e in events if e["event"] == "transition"][-1]["state"] == "healthy"
    assert len([e for e in events if e["event"] == "heartbeat"]) >= 3


def test_on_a_terminal_watch_draws_a_live_table_and_highlights_what_changed(flapping):
    fast, key = flapping
    main, child = pty.openpty()
    env = makini_env({**fast.env, "COLUMNS": "160", "LINES": "40"})
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", "connections", "watch", "--all", "--interval", "150ms"],
                            stdin=subprocess.DEVNULL, stdout=child, stderr=child, env=env)
    os.close(child)
    screen = b""
    deadline = time.monotonic() + 25
    try:
        while time.monotonic() < deadline and not re.search(rb"round \d+ at [\d:]+: 10 connections checked in "
                                                            rb"[\d.]+s, 1 changed", screen):
            screen += os.read(main, 65536)
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(20)
        try:
            while chunk := os.read(main, 65536):
                screen += chunk
        except OSError:
            pass
        os.close(main)
    text = screen.decode(errors="replace")
    assert code == 130
    assert re.search(r"round \d+ at [\d:]+: 10 connections checked in [\d.]+s, 1 changed", text), text[-3000:]
    assert "\x1b[7m" in text  # the changed row in reverse video
    assert "Nordwerk Maschinenbau GmbH" in text and "HEALTH" in text and "Ctrl-C stops" in text
    assert "Traceback" not in text


def test_a_round_that_fails_as_a_whole_is_reported_and_the_watch_goes_on(sbx, cli):
    # the connection list answers 500 once (not retried): the first round cannot start
    sbx.fault(method="GET", path_prefix="/api/system/connections", fault="status", status=500, times=1)
    r = cli("connections", "watch", "--all", "--rounds", "2", "--interval", "100ms", "--heartbeat", env=sbx.env)
    assert r.code == 3, r
    assert "warning: round 1 failed:" in r.stderr and "the next round starts in 100ms" in r.stderr
    beats = [e for e in lines_of(r) if e["event"] == "heartbeat"]
    assert [b["round"] for b in beats] == [2] and beats[0]["connections"] == 10


def test_refused_credentials_end_a_watch_with_4(sbx, cli):
    r = cli("connections", "watch", "--all", "--rounds", "3", env=dict(sbx.env, MAKINI_CLIENT_SECRET="wrong"))
    assert r.code == 4 and r.stdout == "", r
