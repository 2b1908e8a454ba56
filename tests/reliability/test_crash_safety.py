"""A makini process killed with SIGKILL at a random point while it writes a file leaves the
previous file intact and readable. Each case runs a real process that rewrites one file in a
loop with makini's own writer (config, credentials, token cache, circuit breaker state), kills it
at random moments, and checks the file every time. An export (`po export -O FILE`) is killed
mid-way over a previous export: the target is the old file or the whole new one, never half,
and `--resume` finishes it."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

import pytest

KILLS = 25

WRITERS = {
    "config": ("config.toml", """
        from makini_cli.config import ConfigFile
        i = 0
        print("ready", flush=True)
        while True:
            c = ConfigFile(); c.set("default", "timeout", float(i % 3000 + 1)); c.set("default", "pad", "x" * (i % 5000)); c.save(); i += 1
    """),
    "credentials": ("credentials.toml", """
        from makini_cli.credentials import CredentialStore
        i = 0
        print("ready", flush=True)
        while True:
            CredentialStore().update("default", client_secret="s" * (1 + i % 4000)); i += 1
    """),
    "token cache": ("state/tokens.json", """
        from makini_cli.credentials import CachedToken, TokenCache
        i = 0
        print("ready", flush=True)
        while True:
            TokenCache("scope").put(f"connection:{i % 50}", CachedToken("t" * (1 + i % 3000), float(i))); i += 1
    """),
    "breaker state": ("state/breakers/conn-1.json", """
        from makini_cli.connections.breaker import Breaker
        class Failure:
            code, status, request_id = "server_error", 503, "req_1"
        breaker = Breaker(threshold=3, cooldown=60)
        i = 0
        print("ready", flush=True)
        while True:
            Failure.message = "m" * (1 + i % 3000); breaker.record_failure("conn-1", Failure(), "GET /api/x"); i += 1
    """),
}


def parse(path: Path):
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else tomllib.loads(text)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_sigkill_mid_write_leaves_a_readable_file(name, config_dir):
    relative, loop = WRITERS[name]
    target = config_dir / relative
    rng = random.Random(1234)
    env = dict(os.environ, MAKINI_CONFIG_DIR=str(config_dir))
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(loop)], env=env, stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"  # imports done: the write loop starts now
        deadline = time.monotonic() + 20
        while not target.exists() and time.monotonic() < deadline:  # the very first write, on a busy machine
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        parse(target)  # raises if half-written
        assert (target.stat().st_mode & 0o777) == 0o600
    leftovers = [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    # a killed writer may leave its temp file behind, never a broken target
    assert all(n.startswith(f".{target.name}.") for n in leftovers)


# --- an export: `po export -O FILE` killed at random points, over a previous export -------------

# Kill once the checkpoint shows this many orders written (mid-export, between or inside page
# writes), then at random moments after the start (start-up, a page, the final rename).
EXPORT_KILL_POINTS = [10, 25, 38, None, None]


def test_sigkill_mid_export_never_leaves_a_half_written_file_and_resume_finishes(served_sandbox, run_cli,
                                                                               tmp_path):
    """The target is always the previous file, untouched, or the complete new export; the
    partial and its checkpoint are private; `--resume` after the last kill finishes the job."""
    import httpx

    from makini_cli.export import describe, partial_paths

    sb = served_sandbox.sandbox
    healthy = next(c["key"] for c in sb.connections() if c["scenario"] == "healthy" and c["status"] == "Active")
    env = {"MAKINI_BASE_URL": served_sandbox.base_url, "MAKINI_CLIENT_ID": served_sandbox.client_id,
           "MAKINI_CLIENT_SECRET": served_sandbox.client_secret}
    args = ("po", "export", "-c", healthy, "--format", "csv", "--per-page", "2")
    reference = tmp_path / "reference.csv"
    r = run_cli(*args, "-O", str(reference), env=env)
    assert r.code == 0, r
    complete = reference.read_bytes()

    target = tmp_path / "orders.csv"
    previous = b"orderNo,total\nOLD-1,10.00\n"  # last week's export, kept private by its owner
    target.write_bytes(previous)
    os.chmod(target, 0o600)
    partial, checkpoint = partial_paths(target)
    httpx.post(served_sandbox.base_url + "/_sandbox/knobs", json={"latency_ms": 20}).raise_for_status()
    rng = random.Random(4321)
    full_env = dict(os.environ, **env)
    finished = mid_way = False
    for i, goal in enumerate(EXPORT_KILL_POINTS):
        cmd = [sys.executable, "-m", "makini_cli", *args, "-O", str(target)] + (["--resume"] if i else [])
        proc = subprocess.Popen(cmd, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if goal is None:
            time.sleep(rng.uniform(0.2, 1.4))
        else:
            deadline = time.monotonic() + 30  # a hang guard, not a timed assertion
            while (describe(target) or {}).get("orders", 0) < goal and proc.poll() is None:
                assert time.monotonic() < deadline, "the export made no progress"
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = target.read_bytes()
        assert data in (previous, complete), data[:200]  # never half of the new one
        finished = finished or data == complete
        mid_way = mid_way or (data == previous and (describe(target) or {}).get("orders", 0) > 0)
        assert data == complete if finished else True  # once replaced, it stays the whole export
        assert (target.stat().st_mode & 0o777) == 0o600  # the owner's mode, whichever file it is
        for path in (partial, checkpoint):
            if path.exists():
                assert (path.stat().st_mode & 0o777) == 0o600, path
    assert mid_way  # at least one kill landed with orders written and the old file still in place
    httpx.post(served_sandbox.base_url + "/_sandbox/knobs", json={"latency_ms": 0}).raise_for_status()
    r = run_cli(*args, "-O", str(target), "--resume", env=env)
    assert r.code == 0, r
    assert target.read_bytes() == complete
    assert not partial.exists() and not checkpoint.exists()
