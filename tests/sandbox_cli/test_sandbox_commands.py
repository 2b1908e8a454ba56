"""`makini sandbox serve|info|reset` as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import httpx


def test_serve_prints_a_ready_line_serves_the_api_and_stops_cleanly_on_sigterm(config_dir, cli):
    env = dict(os.environ, MAKINI_CONFIG_DIR=str(config_dir))
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", "sandbox", "serve", "--port", "0", "--db", ":memory:"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = json.loads(proc.stdout.readline())
        assert ready["event"] == "ready" and ready["base_url"].startswith("http://127.0.0.1:")
        token = httpx.post(ready["base_url"] + "/link/token", json={
            "grant_type": "client_credentials", "client_id": ready["client_id"],
            "client_secret": ready["client_secret"]}).json()["access_token"]
        r = httpx.get(ready["base_url"] + "/api/system/connections", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.headers["x-request-id"]
        # the CLI reaches it with the sandbox profile and --base-url
        r = cli("--base-url", ready["base_url"], "--sandbox", "connections", "list", "-o", "json")
        assert r.code == 0 and len(r.json()) == 10
        info = cli("--base-url", ready["base_url"], "sandbox", "info", "-o", "json").json()
        assert info["client_id"] == ready["client_id"] and info["client_secret"] == ready["client_secret"]
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "sandbox stopped" in err and "Traceback" not in err


def test_serve_warns_when_it_binds_beyond_loopback(config_dir):
    env = dict(os.environ, MAKINI_CONFIG_DIR=str(config_dir))
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", "sandbox", "serve", "--host", "0.0.0.0", "--port", "0",
                             "--db", ":memory:"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        json.loads(proc.stdout.readline())
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert "reachable from other machines" in err


def test_serve_refuses_a_taken_port_with_a_hint(config_dir, cli):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        r = cli("sandbox", "serve", "--port", str(port), "--db", ":memory:")
    assert r.code == 2 and "cannot listen" in r.stderr and "--port" in r.stderr


def test_info_describes_the_embedded_sandbox(cli, config_dir):
    info = cli("sandbox", "info", "-o", "json").json()
    assert info["base_url"].startswith("embedded")
    assert info["client_secret"].startswith("sbs_")
    assert info["db"] == str(config_dir / "data" / "sandbox.sqlite3")


def test_reset_with_another_seed_rebuilds_the_data_and_the_cli_follows(cli):
    before = cli("--sandbox", "connections", "list", "-o", "json").json()
    r = cli("sandbox", "reset", "--seed", "7", "-o", "json")
    assert r.code == 0, r
    after = cli("--sandbox", "connections", "list", "-o", "json")
    assert after.code == 0, after
    assert {c["id"] for c in after.json()} != {c["id"] for c in before}
    assert cli("--sandbox", "connections", "status", "-o", "json").code in (0, 3)
