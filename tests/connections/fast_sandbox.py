"""`makini sandbox serve --time-factor F` as a real process, for tests whose states must change on
their own while the test runs (the `flapping` scenario breaks and heals on the sandbox clock)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass

import httpx


@dataclass
class FastSandbox:
    base_url: str
    client_id: str
    client_secret: str
    proc: subprocess.Popen
    time_factor: float

    @property
    def env(self) -> dict[str, str]:
        return {"MAKINI_BASE_URL": self.base_url, "MAKINI_CLIENT_ID": self.client_id,
                "MAKINI_CLIENT_SECRET": self.client_secret}

    def call(self, method: str, path: str, **kw):
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            response = http.request(method, path, **kw)
        response.raise_for_status()
        return response.json()

    def keys(self) -> dict[str, str]:
        """Seeded connection name -> key."""
        return {c["name"]: c["key"] for c in self.call("GET", "/_sandbox/connections")["data"]}

    def flap(self, key: str, *, down_for: float, up_for: float, down: str = "offline") -> None:
        self.call("POST", f"/_sandbox/connections/{key}/scenario",
                  json={"scenario": "flapping", "down": down, "down_for": down_for, "up_for": up_for})

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start(time_factor: float) -> FastSandbox:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKINI_") or k == "MAKINI_CONFIG_DIR"}
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", "sandbox", "serve", "--port", "0", "--db", ":memory:",
                             "--pos-per-connection", "2", "--time-factor", str(time_factor)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    line = proc.stdout.readline()  # piped: one JSON line once it accepts connections
    if not line:
        proc.kill()
        raise RuntimeError("makini sandbox serve did not start")
    info = json.loads(line)
    return FastSandbox(info["base_url"], info["client_id"], info["client_secret"], proc, time_factor)
