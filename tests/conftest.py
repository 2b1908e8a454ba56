"""Shared fixtures. Every test gets its own MAKINI_CONFIG_DIR, so no test touches real user files
or another test's token cache, and the variables a user may have set are cleared."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytest_plugins = ["tests.fixtures_sandbox"] if (REPO / "tests" / "fixtures_sandbox.py").exists() else []
MAKINI_VARS = ("MAKINI_PROFILE", "MAKINI_BASE_URL", "MAKINI_CLIENT_ID", "MAKINI_CLIENT_SECRET", "MAKINI_TOKEN",
               "MAKINI_CONNECTION", "MAKINI_OUTPUT", "MAKINI_TIMEOUT", "MAKINI_WEBHOOK_SECRET", "NO_COLOR",
               "MAKINI_MAX_RESPONSE_MB")


@pytest.fixture(autouse=True)
def config_dir(tmp_path_factory, monkeypatch) -> Path:
    path = tmp_path_factory.mktemp("makini-home")
    from makini_cli.envvars import RULES  # every variable makini reads: a stray one fails a run

    for var in {*MAKINI_VARS, *RULES}:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MAKINI_CONFIG_DIR", str(path))
    return path


# Every Result a test produced; checked after each test (see `no_traceback_anywhere`).
_RESULTS: list["Result"] = []


@pytest.fixture(autouse=True)
def no_traceback_anywhere(request):
    """No run of makini in any test may print a Python traceback: whatever a user can cause must
    end in a clean message. Tests that provoke a bug on purpose can opt out with
    @pytest.mark.allow_traceback."""
    _RESULTS.clear()
    yield
    if request.node.get_closest_marker("allow_traceback"):
        return
    for result in _RESULTS:
        assert "Traceback (most recent call last)" not in result.stdout + result.stderr, result


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_traceback: this test may see a traceback on purpose")


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self):
        import json

        return json.loads(self.stdout)

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"Result(code={self.code}, stdout={self.stdout[:2000]!r}, stderr={self.stderr[:2000]!r})"


class _Stream(io.TextIOWrapper):
    """A text stream over bytes (like the real sys.stdout), reporting itself as no terminal."""

    def __init__(self, data: bytes = b"") -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8", write_through=True)

    def isatty(self) -> bool:
        return False

    def value(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8", "replace")


@pytest.fixture
def cli(monkeypatch):
    """Run makini in-process (fast): cli('connections', 'list', input='...', env={...}) -> Result.
    stdout/stderr are not TTYs, as in a pipe."""
    from makini_cli import context
    from makini_cli.handler import run

    def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
        out, err = _Stream(), _Stream()
        stdin = _Stream(input.encode() if isinstance(input, str) else (input or b""))
        with monkeypatch.context() as m:
            for k, v in (env or {}).items():
                m.setenv(k, v)
            m.setattr(sys, "stdout", out)
            m.setattr(sys, "stderr", err)
            m.setattr(sys, "stdin", stdin)
            context.set_current(None)
            saved_env = dict(os.environ)  # a command may set variables for itself (auth login --with-token)
            try:
                code = run([str(a) for a in args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                context.set_current(None)
                os.environ.clear()
                os.environ.update(saved_env)
        result = Result(code, out.value(), err.value())
        _RESULTS.append(result)
        return result

    return invoke


@pytest.fixture
def run_cli():
    """Run makini as a real process: run_cli('po', 'list', input=..., env=..., timeout=60) -> Result."""

    def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
               timeout: float = 120) -> Result:
        full_env = dict(os.environ)
        full_env.update(env or {})
        proc = subprocess.run([sys.executable, "-m", "makini_cli", *map(str, args)],
                              input=input.encode() if isinstance(input, str) else input,
                              capture_output=True, env=full_env, timeout=timeout)
        result = Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
        _RESULTS.append(result)
        return result

    return invoke


@pytest.fixture
def serve():
    """`server = serve(app)` runs an ASGI app on 127.0.0.1 until the test ends (`.base_url`)."""
    from makini_cli.sandbox.server import ServerThread

    started: list[ServerThread] = []

    def start(app) -> ServerThread:
        server = ServerThread(app).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)
