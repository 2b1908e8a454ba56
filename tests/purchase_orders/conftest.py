"""Fixtures for the purchase order tests: the CLI logged in to a served sandbox through the
environment, as a user's script would be, and small helpers to steer the sandbox."""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx
import pytest


@dataclass
class Served:
    base_url: str
    env: dict[str, str]
    sandbox: object
    healthy: str  # a connection whose data serves normally

    def admin(self, method: str, path: str, **kw) -> dict:
        r = httpx.request(method, self.base_url + path, timeout=30, **kw)
        r.raise_for_status()
        return r.json()

    def grow(self, connection: str, n: int) -> None:
        """Append n purchase orders to a connection (they land at the end, insertion order)."""
        self.admin("POST", f"/_sandbox/connections/{connection}/generate",
                   json={"purchase_orders": n})

    def knobs(self, **values) -> None:
        self.admin("POST", "/_sandbox/knobs", json=values)

    def orders(self, connection: str) -> list[dict]:
        """Every order as the API serves it, straight from the sandbox (the reference)."""
        out, page = [], 1
        while True:
            body = self.admin("GET", f"/_sandbox/connections/{connection}/records/purchase-orders",
                              params={"page": page, "per_page": 1000})
            out += body["data"]
            if page >= body["meta"]["last_page"]:
                return out
            page += 1


def healthy_connections(sandbox) -> list[str]:
    return [c["key"] for c in sandbox.connections()
            if c["scenario"] == "healthy" and c["status"] == "Active"]


def _served(base_url: str, sandbox) -> Served:
    env = {"MAKINI_BASE_URL": base_url, "MAKINI_CLIENT_ID": sandbox.client_id,
           "MAKINI_CLIENT_SECRET": sandbox.client_secret}
    return Served(base_url, env, sandbox, healthy_connections(sandbox)[0])


@pytest.fixture
def served(served_sandbox) -> Served:
    """A fresh served sandbox of its own: for tests that change data, knobs or faults."""
    return _served(served_sandbox.base_url, served_sandbox.sandbox)


def _serve_new():
    from makini_cli.sandbox.app import create_app
    from makini_cli.sandbox.server import ServerThread

    app = create_app(":memory:")
    with ServerThread(app) as server:
        yield _served(server.base_url, app.state.sandbox)


_shared_sandbox = pytest.fixture(scope="session", name="_shared_sandbox")(_serve_new)
module_served = pytest.fixture(scope="module", name="module_served")(_serve_new)


@pytest.fixture
def ro(_shared_sandbox) -> Served:
    """One served sandbox shared by the tests that only read (seeding one costs a second)."""
    return _shared_sandbox


@pytest.fixture
def rw(module_served) -> Served:
    """A sandbox shared by one module's tests that write records but never rely on the data
    staying as seeded beyond the orders they touch themselves (no knobs, no faults)."""
    return module_served


def ndjson(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line]


def wire_queries(stderr: str, path: str) -> list[list[tuple[str, str]]]:
    """The query parameters of each request to `path`, read from the --debug trace."""
    from urllib.parse import parse_qsl, urlsplit

    out = []
    for line in stderr.splitlines():
        if line.startswith("[debug] > GET "):
            url = urlsplit(line.split(" ")[3])
            if url.path == path:
                out.append(parse_qsl(url.query, keep_blank_values=True))
    return out
