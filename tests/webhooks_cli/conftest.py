"""Fixtures for the `makini webhooks` command tests: receivers over real HTTP on loopback, a
secret file, and the listener as a real subprocess."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from tests.webhooks.wh_servers import Receiver

SECRET = "whsec_cli_tests_7f3a9c"
WAIT = 60  # seconds a test waits for a line before it gives up (a hang guard, not a timing check)


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)




@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "webhook-secret.txt"
    path.write_text(SECRET + "\n")  # as `echo` writes it: the newline is not part of the secret
    return path


@pytest.fixture
def receiver(serve):
    """A receiver that records every request and answers 200: `(receiver, url)`."""
    rec = Receiver()
    return rec, serve(rec).base_url + "/hooks"


class Process:
    """A makini subprocess whose stdout and stderr lines are read as they come."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "makini_cli", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env={**os.environ, **(env or {})}, text=True, bufsize=1)
        self.out: queue.Queue[str | None] = queue.Queue()
        self.err: queue.Queue[str | None] = queue.Queue()
        self.stderr_lines: list[str] = []
        for stream, q in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, q), daemon=True).start()

    @staticmethod
    def _pump(stream, q) -> None:
        with stream:
            for line in stream:
                q.put(line.rstrip("\n"))
        q.put(None)

    def _next(self, q) -> str:
        try:
            line = q.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"no output from makini; stderr so far: {self.stderr_lines}") from None
        if line is None:
            raise AssertionError(f"makini exited ({self.proc.wait()}); stderr: {self.stderr_lines}")
        if q is self.err:
            self.stderr_lines.append(line)
        return line

    def stdout_line(self) -> str:
        return self._next(self.out)

    def stderr_until(self, pattern: str) -> re.Match:
        """Read stderr lines until one matches `pattern`; returns the match."""
        while True:
            match = re.search(pattern, self._next(self.err))
            if match:
                return match

    def stop(self, sig) -> int:
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=WAIT)
        while True:  # collect the rest of stderr
            try:
                line = self.err.get(timeout=WAIT)
            except queue.Empty:
                break
            if line is None:
                break
            self.stderr_lines.append(line)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def makini_process() -> Iterator[Callable[..., Process]]:
    """`makini_process(*args, env=...)` starts `python -m makini_cli ARGS`; killed at the end."""
    started: list[Process] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Process:
        p = Process([str(a) for a in args], env)
        started.append(p)
        return p

    yield start
    for p in started:
        p.kill()
