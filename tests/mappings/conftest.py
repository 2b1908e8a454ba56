"""Fixtures for the field-mapping tests: the embedded sandbox (seed 42, 40 orders a connection)
through the CLI, and the seeded connections by system."""

from __future__ import annotations

import pytest


@pytest.fixture
def sbx(cli):
    """Runs `makini --sandbox …` in-process and knows the seeded connections' ids by provider."""

    class Sandbox:
        def __init__(self) -> None:
            listed = cli("--sandbox", "api", "GET", "/api/system/connections")
            assert listed.code == 0, listed
            self.ids = {c["integration_name"]: c["key"] for c in listed.json()["data"]}

        def __call__(self, *args: str, **kw):
            return cli("--sandbox", *args, **kw)

        def id(self, system: str) -> str:
            return self.ids[system]

        def records(self, conn: str, entity: str = "purchase-orders", domain: str = "erp") -> list[dict]:
            """The connection's records as the raw escape hatch returns them (not our code)."""
            r = cli("--sandbox", "api", "GET", f"/api/{domain}/{entity}", "-c", conn,
                    "-f", "per_page=500")
            assert r.code == 0, r
            return r.json()["data"]

    return Sandbox()
