"""A makini process killed with SIGKILL at a random point while it writes a file leaves the
previous file intact and readable. Each case runs a real process that rewrites one file in a
loop with makini's own writer, kills it at random moments, and checks the file every time."""

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
        if name != "token cache":
            assert (target.stat().st_mode & 0o777) == 0o600
    leftovers = [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    # a killed writer may leave its temp file behind, never a broken target
    assert all(n.startswith(f".{target.name}.") for n in leftovers)
