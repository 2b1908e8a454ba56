"""Fixtures for the webhook tests: real HTTP servers on loopback and a private config dir."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.webhooks.wh_servers import ServerThread


@pytest.fixture
def serve() -> Iterator[Callable]:
    """`server = serve(app)` starts `app` on loopback until the test ends; see `.base_url`."""
    started: list[ServerThread] = []

    def start(app) -> ServerThread:
        server = ServerThread(app).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def private_config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MAKINI_CONFIG_DIR", str(tmp_path / "config"))
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "config"
