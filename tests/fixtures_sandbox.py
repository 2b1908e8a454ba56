"""Sandbox fixtures (a pytest plugin, registered in tests/conftest.py).

- `sandbox_app`: a fresh in-memory sandbox app (seed 42, default size).
- `served_sandbox`: the same over real HTTP on 127.0.0.1 (fresh tmp db), with `.base_url`,
  `.client_id`, `.client_secret`, `.app`, `.sandbox`.
- `sandbox_client`: an httpx client on `sandbox_app` (ASGI transport) with helpers to get
  admin and connection tokens.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest


@dataclass
class ServedSandbox:
    base_url: str
    client_id: str
    client_secret: str
    app: Any

    @property
    def sandbox(self):
        return self.app.state.sandbox


class SandboxClient(httpx.Client):
    """httpx client bound to a sandbox app, plus token helpers."""

    def __init__(self, app, **kw) -> None:
        super().__init__(**kw)
        self.app = app
        self.sandbox = app.state.sandbox

    def admin_token(self) -> str:
        r = self.post("/link/token", json={"grant_type": "client_credentials",
                                           "client_id": self.sandbox.client_id,
                                           "client_secret": self.sandbox.client_secret})
        r.raise_for_status()
        return r.json()["access_token"]

    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token()}"}

    def connection_token(self, key: str | int = 0) -> str:
        """Token for a connection key, or the index into the seeded connections."""
        if isinstance(key, int):
            key = self.sandbox.connections()[key]["key"]
        r = self.post(f"/api/system/connections/{key}/token", headers=self.admin())
        r.raise_for_status()
        return r.json()["data"]["access_token"]

    def conn(self, key: str | int = 0) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.connection_token(key)}"}


def _asgi_client(app) -> SandboxClient:
    # A sync client over the ASGI app: httpx's sync ASGI support is via WSGI only, so run the
    # async transport through a private event loop per request.
    import asyncio

    transport = httpx.ASGITransport(app=app)

    class _SyncASGI(httpx.BaseTransport):
        def __init__(self) -> None:
            self.loop = asyncio.new_event_loop()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            async def go():
                req = httpx.Request(request.method, request.url, headers=request.headers,
                                    content=request.read())
                resp = await transport.handle_async_request(req)
                body = await resp.aread()
                return httpx.Response(resp.status_code, headers=resp.headers, content=body,
                                      request=request)
            return self.loop.run_until_complete(go())

        def close(self) -> None:
            self.loop.close()

    return SandboxClient(app, transport=_SyncASGI(), base_url="http://sandbox.test")


@pytest.fixture
def sandbox_app():
    from makini_cli.sandbox.app import create_app

    return create_app(":memory:")


@pytest.fixture
def sandbox_client(sandbox_app) -> Iterator[SandboxClient]:
    with _asgi_client(sandbox_app) as client:
        yield client


@pytest.fixture
def served_sandbox(tmp_path) -> Iterator[ServedSandbox]:
    from makini_cli.sandbox.app import create_app
    from makini_cli.sandbox.server import ServerThread

    app = create_app(tmp_path / "sandbox.sqlite3")
    sb = app.state.sandbox
    with ServerThread(app) as server:
        yield ServedSandbox(server.base_url, sb.client_id, sb.client_secret, app)


@pytest.fixture
def served_client(served_sandbox) -> Iterator[SandboxClient]:
    with SandboxClient(served_sandbox.app, base_url=served_sandbox.base_url,
                       timeout=10) as client:
        yield client
