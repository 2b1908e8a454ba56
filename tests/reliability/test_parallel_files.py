"""Several makini processes at once on one config folder (xargs -P, overlapping cron jobs, a user
typing while a script runs) lose nothing: every read-modify-write of config.toml and
credentials.toml happens under the advisory lock the token cache uses.

The processes are started together and released at the same instant (each waits for a start
file), so their read-modify-write windows overlap as much as the machine allows."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

# A child that waits for the start signal, then runs makini in-process (the same entry point as
# the `makini` script), so the lock is all that orders the writers.
CHILD = (
    "import os, sys, time\n"
    "go = os.environ['START_FILE']\n"
    "while not os.path.exists(go): time.sleep(0.002)\n"
    "from makini_cli.main import main\n"
    "sys.argv = ['makini'] + sys.argv[1:]\n"
    "main()\n")


def run_together(commands: list[list[str]], env: dict[str, str], tmp_path: Path,
                 inputs: list[bytes] | None = None) -> list[subprocess.CompletedProcess]:
    start = tmp_path / "go"
    full_env = dict(os.environ, **env, START_FILE=str(start))
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, *cmd], env=full_env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for cmd in commands]
    for n, proc in enumerate(procs):  # every child's stdin is ready before any of them starts
        proc.stdin.write(inputs[n] if inputs else b"")
        proc.stdin.close()
    time.sleep(1.0)  # every child imported Python and waits on the start file
    start.touch()
    results = []
    for proc in procs:
        out, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=120)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode()))
    return results


def test_parallel_config_sets_keep_every_value(config_dir, tmp_path):
    n = 12
    results = run_together([["--profile", f"p{i}", "config", "set", "connection", f"conn{i}"] for i in range(n)],
                           {}, tmp_path)
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "saved in profile" in r.stderr and r.stdout == ""
    profiles = tomllib.loads((config_dir / "config.toml").read_text())["profiles"]
    assert {name: p.get("connection") for name, p in profiles.items()} == {f"p{i}": f"conn{i}" for i in range(n)}


def test_parallel_sets_of_different_keys_in_one_profile_keep_every_key(config_dir, tmp_path):
    values = {"connection": "0900", "output": "json", "timeout": "12", "client_id": "abc",
              "link_redirect": "https://app.example.com/cb", "base_url": "https://api.example.com"}
    results = run_together([["config", "set", key, value] for key, value in values.items()], {}, tmp_path)
    assert [r.returncode for r in results] == [0] * len(values), [r.stderr for r in results]
    saved = tomllib.loads((config_dir / "config.toml").read_text())["profiles"]["default"]
    assert sorted(saved) == sorted(values)
    assert saved["timeout"] == 12.0 and saved["output"] == "json"


def barrier_token_server(n: int):
    """An ASGI app whose token endpoint answers no one until `n` logins are waiting, then all at
    once: the logins then save their settings and secrets at the same moment."""
    import asyncio
    import json

    arrived = 0
    everyone = asyncio.Event()

    async def app(scope, receive, send):
        nonlocal arrived
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        while (await receive()).get("more_body"):
            pass
        arrived += 1
        if arrived >= n:
            everyone.set()
        try:
            await asyncio.wait_for(everyone.wait(), 30)
        except asyncio.TimeoutError:
            pass
        body = json.dumps({"access_token": f"admin-{arrived}", "expires_in": 3600}).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    return app


def test_parallel_logins_in_six_profiles_keep_six_secrets(config_dir, tmp_path, serve):
    n = 6
    url = serve(barrier_token_server(n)).base_url
    results = run_together(
        [["--profile", f"p{i}", "--base-url", url, "auth", "login", "--client-id", f"app{i}",
          "--client-secret-stdin"] for i in range(n)],
        {}, tmp_path, inputs=[f"secret{i}".encode() for i in range(n)])
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "Logged in as application" in r.stderr and r.stdout == ""
    creds = tomllib.loads((config_dir / "credentials.toml").read_text())["profiles"]
    assert creds == {f"p{i}": {"client_secret": f"secret{i}"} for i in range(n)}
    profiles = tomllib.loads((config_dir / "config.toml").read_text())["profiles"]
    assert profiles == {f"p{i}": {"client_id": f"app{i}", "base_url": url} for i in range(n)}
    assert oct((config_dir / "credentials.toml").stat().st_mode & 0o777) == "0o600"


def test_parallel_logouts_remove_only_their_own_profiles(config_dir, tmp_path):
    creds = config_dir / "credentials.toml"
    creds.write_text("".join(f'[profiles.p{i}]\nclient_secret = "s{i}"\n' for i in range(16)))
    os.chmod(creds, 0o600)
    results = run_together([["--profile", f"p{i}", "auth", "logout"] for i in range(0, 16, 2)], {}, tmp_path)
    assert [r.returncode for r in results] == [0] * 8, [r.stderr for r in results]
    left = tomllib.loads(creds.read_text())["profiles"]
    assert left == {f"p{i}": {"client_secret": f"s{i}"} for i in range(1, 16, 2)}
