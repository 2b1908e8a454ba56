"""Fixtures for the hostile-server tests: `hostile(app)` serves one of `servers.py`'s apps on
loopback and returns the environment that points makini at it, logged in as its client."""

from __future__ import annotations

import json

import pytest

from tests.hostile import servers

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
              "http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_from_outside(monkeypatch):
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def hostile(serve):
    def start(app) -> dict[str, str]:
        server = serve(app)
        return {"MAKINI_BASE_URL": server.base_url, "MAKINI_CLIENT_ID": servers.CLIENT_ID,
                "MAKINI_CLIENT_SECRET": servers.CLIENT_SECRET, "MAKINI_TOKEN": servers.TOKEN,
                "MAKINI_CONNECTION": "00000100433001", "MAKINI_RETRY_MAX_ATTEMPTS": "1"}

    return start


def error_of(result) -> dict:
    """The error a run reported on stderr: the JSON form, or the `error:`/`hint:` lines."""
    lines = result.stderr.strip().splitlines()
    if lines and lines[-1].startswith("{"):
        return json.loads(lines[-1])["error"]
    err = {}
    for line in lines:
        if line.startswith("error: "):
            err["message"] = line[len("error: "):]
        elif line.startswith("hint: "):
            err["hint"] = line[len("hint: "):]
    return err
