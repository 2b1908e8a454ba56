"""Fixtures for the connections/syncs tests: a sandbox served over real HTTP, the CLI's
environment for it, and the seeded connection for each scenario."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

POS = 3  # purchase orders per seeded connection: enough to see that records stay, quick to seed

# scenario (or admin status) -> the seeded connection that shows it (sandbox/catalog.py SEEDED)
SEEDED = {"healthy": "Nordwerk Maschinenbau GmbH", "syncing": "Pinecrest Foods Inc.",
          "needs_reauth": "Thames Valley Water", "offline": "Rotterdam Port Services",
          "rate_limited": "Sunrise Bottling Co.", "forbidden": "Prairie Wind Energy",
          "slow": "Laurentian Paper Mills", "inactive": "Desert Sun Mining", "pending": "Alpenglow Pharma AG"}


@dataclass
class Sandbox:
    base_url: str
    client_id: str
    client_secret: str
    app: Any
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        # fast breaker defaults for tests; tests that need the breaker set their own
        return {"MAKINI_BASE_URL": self.base_url, "MAKINI_CLIENT_ID": self.client_id,
                "MAKINI_CLIENT_SECRET": self.client_secret}

    @property
    def sandbox(self):
        return self.app.state.sandbox

    def call(self, method: str, path: str, **kw) -> Any:
        """A /_sandbox/ (or raw API) call; returns the decoded JSON."""
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            response = http.request(method, path, **kw)
        response.raise_for_status()
        return response.json()

    def scenario(self, key: str, name: str, **params) -> None:
        self.call("POST", f"/_sandbox/connections/{key}/scenario", json={"scenario": name, **params})

    def fault(self, **rule) -> dict:
        return self.call("POST", "/_sandbox/faults", json=rule)["data"]

    def faults(self) -> list[dict]:
        return self.call("GET", "/_sandbox/faults")["data"]


def _wrap(served) -> Sandbox:
    sb = Sandbox(served.base_url, served.client_id, served.client_secret, served.app)
    names = {c["name"]: c["key"] for c in sb.sandbox.connections()}
    sb.ids = {scenario: names[name] for scenario, name in SEEDED.items()}
    return sb


@pytest.fixture(scope="session")
def served() -> Iterator[Sandbox]:
    """One sandbox over real HTTP for these tests (like `served_sandbox`, but small: 3 orders per
    connection, in memory), so starting and stopping uvicorn is not paid per test; `sbx` reseeds it."""
    from makini_cli.sandbox.app import create_app
    from makini_cli.sandbox.server import ServerThread

    app = create_app(":memory:", pos_per_connection=POS)
    sb = app.state.sandbox
    with ServerThread(app) as server:
        yield _wrap(type("Served", (), {"base_url": server.base_url, "client_id": sb.client_id,
                                        "client_secret": sb.client_secret, "app": app}))


@pytest.fixture
def sbx(served) -> Sandbox:
    """The served sandbox, reseeded for this test: scenarios, faults, clock and tokens start over
    (connection keys are derived from the seed, so they stay the same)."""
    served.call("POST", "/_sandbox/reset", json={"pos_per_connection": POS})
    return served
