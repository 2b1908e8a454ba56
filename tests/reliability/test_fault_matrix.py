"""The fault matrix: each command family meets each fault, over real HTTP, against a served
sandbox whose fault rules (`/_sandbox/faults`) spoil chosen requests.

Every cell ends one of two ways:
- it succeeds, after retries within the documented bounds (README "Reliability"), with the
  complete result: nothing lost, nothing duplicated;
- or it fails with one clear single-line message, the request id when the server sent one, and
  the right exit code (1 error, 3 check failed, 4 auth), leaving nothing half-written (an
  export's target never appears partial; the partial it keeps resumes to the exact set).

A write is never repeated blindly: after a fault that leaves it unknown whether the server acted
(5xx, reset, read timeout, cut or unreadable answer) `po create` and `connections disconnect`
have sent their request exactly once (the CLI's --debug trace and the sandbox's `seen` count
agree), the orders created are counted by a unique title, and the error says to check before
sending it again. Only a 429 (refused unprocessed) or a 401 (the token refused: nothing done) is
sent again.

Faults fire mid-stream where there is a stream (`after: 1` lets the first page through).
Retried faults fire `times: 1` so the retry succeeds; "fails" cells use faults that are not
retried, or `MAKINI_RETRY_MAX_ATTEMPTS` to keep a persistent fault short. No timed assertions:
`--timeout 1` and `Retry-After: 1` only keep the run short.

One served sandbox per module (per xdist worker) keeps the matrix fast; cells do not share
state: each cell's rules are scoped to its own connection (or record), rules are cleared around
every test, and a cell that changes data uses a connection of its own.
"""

from __future__ import annotations

import json
import re
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from tests.conftest import MAKINI_VARS

CONN = "00000100433001"  # the seeded healthy SAP connection (40 orders)
PO = "/api/erp/purchase-orders"
CURRENT = "/api/integrations/current"
CONNECTIONS = "/api/system/connections"
REQUEST_ID = re.compile(r"^req_[0-9a-f]{24}$")
UNCERTAIN = "check whether it took effect before sending it again"
SECRET = "whsec_fault_matrix_5d1e"
HANG_GUARD = 30  # seconds a helper waits for something that must happen (not a timing check)
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")

# The faults, as `/_sandbox/faults` rules (method, path and connection are added per family).
FAULTS: dict[str, dict] = {
    "429": {"fault": "status", "status": 429, "retry_after": "1"},
    "500": {"fault": "status", "status": 500},
    "503": {"fault": "status", "status": 503},
    "reset": {"fault": "reset"},
    "timeout": {"fault": "timeout", "delay_ms": 1200},  # the CLI runs with --timeout 1
    "slow": {"fault": "slow", "delay_ms": 300},
    "truncate": {"fault": "truncate"},
    "invalid_json": {"fault": "invalid_json"},
    "401": {"fault": "status", "status": 401},  # the token refused once, mid-stream
}
ALL_FAULTS = [*FAULTS, "disconnected"]  # + the connection disconnected while the command runs


def cells(family: str, faults=ALL_FAULTS):
    return [pytest.param(f, id=f"{family}-{f}") for f in faults]


# --- the sandbox, steered from the test ---------------------------------------------------------
@dataclass
class Sandbox:
    base_url: str
    client_id: str
    client_secret: str

    @property
    def env(self) -> dict[str, str]:
        return {"MAKINI_BASE_URL": self.base_url, "MAKINI_CLIENT_ID": self.client_id,
                "MAKINI_CLIENT_SECRET": self.client_secret}

    def call(self, method: str, path: str, **kw) -> dict:
        r = httpx.request(method, self.base_url + path, timeout=HANG_GUARD, **kw)
        r.raise_for_status()
        return r.json()

    def fault(self, **rule) -> int:
        return self.call("POST", "/_sandbox/faults", json=rule)["data"]["id"]

    def rule(self, rule_id: int) -> dict:
        return next(r for r in self.call("GET", "/_sandbox/faults")["data"] if r["id"] == rule_id)

    def admin(self) -> dict[str, str]:
        token = self.call("POST", "/link/token", json={
            "grant_type": "client_credentials", "client_id": self.client_id,
            "client_secret": self.client_secret})["access_token"]
        return {"Authorization": f"Bearer {token}"}

    def orders(self, connection: str = CONN, **filters: str) -> list[dict]:
        params = {f"filter[{k}]": v for k, v in filters.items()}
        out, page = [], 1
        while True:
            body = self.call("GET", f"/_sandbox/connections/{connection}/records/purchase-orders",
                             params={**params, "page": page, "per_page": 1000})
            out += body["data"]
            if page >= body["meta"]["last_page"]:
                return out
            page += 1

    def keys(self, connection: str = CONN) -> list[str]:
        return [o["key"] for o in self.orders(connection)]

    def new_connection(self, orders: int) -> str:
        """A connection of the cell's own, with `orders` purchase orders."""
        return self.call("POST", "/_sandbox/connections/bulk",
                         json={"count": 1, "pos_per_connection": orders})["data"][0]["key"]

    def disconnect(self, connection: str) -> None:
        self.call("DELETE", f"{CONNECTIONS}/{connection}", headers=self.admin())

    def disconnected(self, connection: str) -> bool:
        return self.call("GET", f"/_sandbox/connections/{connection}")["data"]["disconnected_at"] is not None


@pytest.fixture(scope="module")
def _served():
    from makini_cli.sandbox.app import create_app
    from makini_cli.sandbox.server import ServerThread

    app = create_app(":memory:")
    state = app.state.sandbox
    with ServerThread(app) as server:
        yield Sandbox(server.base_url, state.client_id, state.client_secret)


@pytest.fixture
def sb(_served, monkeypatch) -> Sandbox:
    for var in PROXIES:
        monkeypatch.delenv(var, raising=False)
    _served.call("DELETE", "/_sandbox/faults")
    yield _served
    _served.call("DELETE", "/_sandbox/faults")


def makini(cli, sb: Sandbox, *args, fault: str | None = None, env: dict | None = None,
           input: str | None = None):
    """Run makini in-process with --debug (the trace shows each attempt and each request id)."""
    timeout = ["--timeout", "1"] if fault == "timeout" else []
    return cli("--debug", *timeout, *args, env={**sb.env, **(env or {})}, input=input)


# --- what a cell's outcome must look like ------------------------------------------------------
def failed(result, code: int, *, request_id: bool | None = None) -> dict:
    """The one error of a failed run: exit code, one single-line message, the request id."""
    assert result.code == code, result
    errors = [json.loads(line)["error"] for line in result.stderr.splitlines()
              if line.startswith('{"error"')]
    assert len(errors) == 1, result
    err = errors[0]
    assert err["message"].strip() and "\n" not in err["message"], err
    if request_id:
        assert REQUEST_ID.match(err.get("request_id") or ""), err
        # the very id of an answer the server sent (the trace logs each one)
        assert f"request id {err['request_id']}" in result.stderr, result
    assert "Traceback" not in result.stderr
    return err


def sent(result, method: str, path: str) -> int:
    """How many times the CLI sent `method path` (the trace has a line for every attempt)."""
    return sum(1 for line in result.stderr.splitlines()
               if re.match(rf"\[debug\] > {method} http://[^/]+{re.escape(path)}(\?|$| )", line))


def retried(result) -> bool:
    return "(attempt 2)" in result.stderr


# === po list ====================================================================================
# 520 orders: `--all` reads pages of 500, so a fault `after: 1` hits the second page.
EXPECT_LIST = {
    "429": "ok", "503": "ok", "reset": "ok", "timeout": "ok", "slow": "ok", "truncate": "ok",
    "401": "ok",  # a fresh token is minted and the page asked again
    "500": (1, True), "invalid_json": (1, True), "disconnected": (1, True),
}


@pytest.mark.parametrize("fault", cells("po-list"))
def test_po_list(fault, cli, sb):
    conn = sb.new_connection(520)
    expected = sb.keys(conn)
    args = ["po", "list", "-c", conn, "--all", "--query", "[].key"]
    if fault == "disconnected":  # the connection goes away while the second page is on its way
        rule = sb.fault(method="GET", path_prefix=PO, connection=conn, after=1, fault="slow",
                        delay_ms=1000)
        with disconnect_when_fired(sb, rule, conn):
            r = makini(cli, sb, *args)
    else:
        rule = sb.fault(method="GET", path_prefix=PO, connection=conn, after=1, **FAULTS[fault])
        r = makini(cli, sb, *args, fault=fault)
    outcome = EXPECT_LIST[fault]
    if outcome == "ok":
        assert r.code == 0, r
        assert r.json() == expected  # every order once, in order
        assert sb.rule(rule)["fired"] == 1
        assert retried(r) == (fault not in ("slow", "401"))
        return
    code, rid = outcome
    err = failed(r, code, request_id=rid)
    assert r.stdout == ""  # no half list
    if fault == "disconnected":
        assert conn in err["message"] and "disconnected" in err["message"], err


# === po export ==================================================================================
# 40 orders in pages of 10: a fault `after: 1` hits a page in the middle.
EXPECT_EXPORT = EXPECT_LIST


def export_files(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir())


def exported_keys(target: Path) -> list[str]:
    return [json.loads(line)["key"] for line in target.read_text().splitlines()]


@pytest.mark.parametrize("fault", cells("po-export"))
def test_po_export(fault, cli, sb, tmp_path):
    conn = sb.new_connection(40)
    expected = sb.keys(conn)
    target = tmp_path / "out" / "orders.ndjson"
    target.parent.mkdir()  # -O never makes up folders
    args = ["po", "export", "-c", conn, "--per-page", "10", "-O", str(target)]
    if fault == "disconnected":
        rule = sb.fault(method="GET", path_prefix=PO, connection=conn, after=1, fault="slow",
                        delay_ms=1000)
        with disconnect_when_fired(sb, rule, conn):
            r = makini(cli, sb, *args)
    else:
        rule = sb.fault(method="GET", path_prefix=PO, connection=conn, after=1, **FAULTS[fault])
        r = makini(cli, sb, *args, fault=fault)
    outcome = EXPECT_EXPORT[fault]
    if outcome == "ok":
        assert r.code == 0, r
        assert exported_keys(target) == expected
        assert export_files(target) == ["orders.ndjson"]  # no partial, no checkpoint left over
        assert sb.rule(rule)["fired"] == 1
        return
    code, rid = outcome
    err = failed(r, code, request_id=rid)
    assert not target.exists()  # never a partial target
    assert "--resume" in err["hint"], err
    if fault == "disconnected":
        assert conn in err["message"] and "disconnected" in err["message"], err
        return
    # what was kept resumes to the exact set: nothing lost, nothing twice
    sb.call("DELETE", "/_sandbox/faults")
    again = makini(cli, sb, *args, "--resume")
    assert again.code == 0, again
    assert exported_keys(target) == expected
    assert export_files(target) == ["orders.ndjson"]


def test_po_export_carries_on_when_its_token_expires_mid_pagination(cli, sb, tmp_path):
    """The real thing behind the `401` cells: the connection's tokens expire between pages."""
    conn = sb.new_connection(40)
    target = tmp_path / "orders.ndjson"
    rule = sb.fault(method="GET", path_prefix=PO, connection=conn, after=1, fault="slow",
                    delay_ms=1000)
    with when_fired(sb, rule, lambda: sb.call("POST", "/_sandbox/tokens/expire",
                                              json={"kind": "connection", "connection": conn})):
        r = makini(cli, sb, "po", "export", "-c", conn, "--per-page", "10", "-O", str(target))
    assert r.code == 0, r
    assert exported_keys(target) == sb.keys(conn)
    assert sent(r, "POST", f"{CONNECTIONS}/{conn}/token") == 2  # the first token, and a fresh one


def test_po_export_to_stdout_fails_cleanly_mid_stream(cli, sb):
    """Without -O the records already written stay written (a pipe cannot take them back), each
    one whole, and the run fails with the request id: the reader knows the stream is short."""
    conn = sb.new_connection(40)
    sb.fault(method="GET", path_prefix=PO, connection=conn, after=1, **FAULTS["500"])
    r = makini(cli, sb, "po", "export", "-c", conn, "--per-page", "10", "--prefetch", "1")
    failed(r, 1, request_id=True)
    keys = [json.loads(line)["key"] for line in r.stdout.splitlines()]
    assert keys == sb.keys(conn)[:10]


# === po create ==================================================================================
# (orders created, POSTs sent, exit code). The server acts on the write under timeout (after the
# client gave up), truncate (the answer was cut) and invalid_json (the answer is unreadable).
EXPECT_CREATE = {
    "429": (1, 2, 0), "401": (1, 2, 0), "slow": (1, 1, 0),
    "500": (0, 1, 1), "503": (0, 1, 1), "reset": (0, 1, 1),
    "timeout": (1, 1, 1), "truncate": (1, 1, 1), "invalid_json": (1, 1, 1),
}


@pytest.mark.parametrize("fault", cells("po-create", list(FAULTS)))
def test_po_create_is_never_repeated_blindly(fault, cli, sb):
    title = f"fault matrix {fault} {uuid.uuid4().hex[:8]}"
    rule = sb.fault(method="POST", path_prefix=PO, connection=CONN, **FAULTS[fault])
    r = makini(cli, sb, "po", "create", "-c", CONN, "--file", "-", fault=fault,
               input=json.dumps({"title": title, "currencyKey": "EUR"}))
    created, posts, code = EXPECT_CREATE[fault]
    assert sent(r, "POST", PO) == posts, r
    assert sb.rule(rule)["seen"] == posts
    if fault == "timeout":  # the server is still on it: wait until it has acted
        wait_for(lambda: sb.orders(title=title))
    assert len(sb.orders(title=title)) == created
    if code == 0:
        assert r.code == 0, r
        assert r.json()["title"] == title
        return
    err = failed(r, code, request_id=fault != "timeout")  # (no answer at all: no request id)
    assert UNCERTAIN in err["hint"], err  # never an invitation to retry blindly


# === connections disconnect =====================================================================
# (disconnected?, DELETEs sent, exit code)
EXPECT_DISCONNECT = {
    "429": (True, 2, 0), "401": (True, 2, 0), "slow": (True, 1, 0),
    "invalid_json": (True, 1, 0),  # a 2xx answer says it is done, whatever its body
    "500": (False, 1, 1), "503": (False, 1, 1), "reset": (False, 1, 1),
    "timeout": (True, 1, 1),   # done after the client gave up
    "truncate": (True, 1, 1),  # done; the answer was cut
}


@pytest.mark.parametrize("fault", cells("disconnect", list(FAULTS)))
def test_connections_disconnect(fault, cli, sb):
    conn = sb.new_connection(0)
    path = f"{CONNECTIONS}/{conn}"
    rule = sb.fault(method="DELETE", path_prefix=path, **FAULTS[fault])
    r = makini(cli, sb, "connections", "disconnect", conn, "--yes", fault=fault)
    gone, deletes, code = EXPECT_DISCONNECT[fault]
    assert sent(r, "DELETE", path) == deletes, r
    assert sb.rule(rule)["seen"] == deletes
    if fault == "timeout":
        wait_for(lambda: sb.disconnected(conn))
    assert sb.disconnected(conn) is gone
    assert r.code == code, r
    [row] = r.json()
    assert row["id"] == conn
    if code == 0:
        assert row["result"] == "disconnected", row
        return
    assert row["result"] == "failed" and "\n" not in row["message"], row
    if fault != "timeout":
        assert re.search(r"\(request id req_[0-9a-f]{24}\)", row["message"]), row
    assert UNCERTAIN in row["message"], row  # it may have happened: look before repeating


# === connections status =========================================================================
# A health check reports trouble rather than waiting it out (one quick retry): a fault it cannot
# retry away is a health state and exit 3, the error with its request id in the row.
EXPECT_STATUS = {
    "429": "healthy", "503": "healthy", "reset": "healthy", "timeout": "healthy",
    "slow": "healthy", "truncate": "healthy", "401": "healthy",
    "500": "error", "invalid_json": "error", "disconnected": "error",
}


@pytest.mark.parametrize("fault", cells("status"))
def test_connections_status(fault, cli, sb):
    if fault == "disconnected":  # gone since its token was cached
        conn = sb.new_connection(0)
        assert makini(cli, sb, "connections", "status", conn).code == 0
        sb.disconnect(conn)
        r = makini(cli, sb, "connections", "status", conn)
    else:
        conn = CONN
        rule = sb.fault(method="GET", path_prefix=CURRENT, connection=conn, **FAULTS[fault])
        r = makini(cli, sb, "connections", "status", conn, fault=fault)
        assert sb.rule(rule)["fired"] == 1
    health = EXPECT_STATUS[fault]
    [row] = r.json()
    assert row["id"] == conn and row["health"] == health, row
    if health == "healthy":
        assert r.code == 0, r
        return
    assert r.code == 3, r
    assert row["reason"] and "\n" not in row["reason"], row
    if fault != "disconnected":
        assert REQUEST_ID.match(row["error"]["request_id"]), row
    assert "Traceback" not in r.stderr


def test_connections_status_persistent_503_is_unreachable_after_one_retry(cli, sb):
    rule = sb.fault(method="GET", path_prefix=CURRENT, connection=CONN, times=None,
                    **FAULTS["503"])
    r = makini(cli, sb, "connections", "status", CONN)
    assert r.code == 3, r
    [row] = r.json()
    assert row["health"] == "unreachable", row
    assert REQUEST_ID.match(row["error"]["request_id"]), row
    assert sb.rule(rule)["seen"] == 2  # quick_retry: two attempts, no more


# === persistent faults: retries stop at their bound, then one clean error =======================
def test_a_persistent_503_fails_once_the_attempts_are_spent(cli, sb):
    rule = sb.fault(method="GET", path_prefix=PO, connection=CONN, times=None, **FAULTS["503"])
    r = makini(cli, sb, "po", "list", "-c", CONN, env={"MAKINI_RETRY_MAX_ATTEMPTS": "2"})
    failed(r, 1, request_id=True)
    assert sb.rule(rule)["seen"] == 2


def test_a_retry_after_beyond_the_wait_budget_fails_at_once(cli, sb):
    rule = sb.fault(method="GET", path_prefix=PO, connection=CONN, times=None,
                    fault="status", status=429, retry_after="3600")
    r = makini(cli, sb, "po", "list", "-c", CONN)
    err = failed(r, 1, request_id=True)
    assert err["code"] == "rate_limited", err
    assert sb.rule(rule)["seen"] == 1  # an hour is past the 60 s budget: no point waiting


def test_a_token_refused_for_good_mid_pagination_exits_4(cli, sb):
    conn = sb.new_connection(520)
    sb.fault(method="GET", path_prefix=PO, connection=conn, after=1, times=None, **FAULTS["401"])
    r = makini(cli, sb, "po", "list", "-c", conn, "--all", "-o", "ndjson")
    failed(r, 4, request_id=True)
    # `--all` streams: the first page is written whole, and the exit code says the rest is missing
    assert [json.loads(line)["key"] for line in r.stdout.splitlines()] == sb.keys(conn)[:500]
    r = makini(cli, sb, "po", "list", "-c", conn, "--all")
    failed(r, 4, request_id=True)
    with pytest.raises(ValueError):  # a JSON array cut short is no valid JSON: never a short list
        json.loads(r.stdout)


# === webhooks test ==============================================================================
# The endpoint under test misbehaves once: the delivery is re-sent on the schedule and the check
# says so (WARN: acknowledged only on attempt 2); the endpoint is still ready (exit 0). One that
# never answers fails the run (exit 3) with a one-line verdict.
@dataclass
class Endpoint:
    url: str
    faults: object  # the sandbox's FaultRules

    def fault(self, **rule):
        return self.faults.add({"method": "POST", "path_prefix": "/hooks", **rule})


@pytest.fixture
def endpoint(monkeypatch):
    """A correct receiver (the listener, verifying signatures) behind the sandbox's fault
    middleware, served on loopback."""
    from makini_cli.sandbox.faults import FaultMiddleware, FaultRules
    from makini_cli.sandbox.server import ServerThread
    from makini_cli.webhooks.listener import create_app

    for var in PROXIES:
        monkeypatch.delenv(var, raising=False)
    state = SimpleNamespace(faults=FaultRules(),
                            config=SimpleNamespace(latency_ms=0, error_rate=0, error_status=503))
    app = create_app(secret=SECRET, path="/hooks", log=False)
    with ServerThread(FaultMiddleware(app, lambda: state)) as server:
        yield Endpoint(server.base_url + "/hooks", state.faults)


@pytest.fixture
def secret_file(tmp_path) -> str:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return str(path)


@pytest.mark.parametrize("fault", cells("webhooks-test", list(FAULTS)))
def test_webhooks_test(fault, cli, endpoint, secret_file):
    rule = endpoint.fault(**FAULTS[fault])
    timeout = ["--timeout", "1"] if fault == "timeout" else []  # the command's own --timeout
    r = cli("webhooks", "test", endpoint.url, "--secret-file", secret_file, "-e",
            "purchase-orders.inserted", "--slow-after", "0.1", *timeout)
    assert r.code == 0, r
    checks = {c["name"]: c for c in r.json()["checks"]}
    delivery = checks["delivers purchase-orders.inserted"]
    if fault in ("slow", "invalid_json"):  # a 2xx (late, or with a body nobody reads)
        assert delivery["result"] == "PASS", delivery
        if fault == "slow":
            assert checks["answers quickly"]["result"] == "WARN"
    else:
        assert delivery["result"] == "WARN", delivery
        assert "acknowledged only on attempt 2" in delivery["detail"], delivery
    assert rule.fired == 1
    assert "ready for Makini's webhooks" in r.stderr.splitlines()[-1]


def test_webhooks_test_against_an_endpoint_that_always_drops_fails_with_exit_3(cli, endpoint, secret_file):
    endpoint.fault(fault="reset", times=None)
    r = cli("webhooks", "test", endpoint.url, "--secret-file", secret_file, "-e",
            "purchase-orders.inserted")
    assert r.code == 3, r
    checks = {c["name"]: c for c in r.json()["checks"]}
    assert checks["delivers purchase-orders.inserted"]["result"] == "FAIL"
    [verdict] = [line for line in r.stderr.splitlines() if "not ready" in line]
    assert "failed: delivers purchase-orders.inserted" in verdict
    assert "Traceback" not in r.stderr


# === webhooks listen --expand ===================================================================
# The listener fetches each event's records through the API. A fault the client retries away
# leaves the records complete; one it cannot gives the event an `expand_error` naming the
# request id, and the listener keeps going (the next delivery is expanded again).
EXPECT_LISTEN = {
    "429": "ok", "503": "ok", "reset": "ok", "timeout": "ok", "slow": "ok", "truncate": "ok",
    "401": "ok", "500": "error", "invalid_json": "error",
}


class Listening:
    """`makini --timeout 1 webhooks listen --expand -c CONNECTION` as a real process."""

    def __init__(self, sb: Sandbox, home: Path, connection: str) -> None:
        from tests.webhooks_cli.conftest import Process

        secret = home / "secret.txt"
        secret.write_text(SECRET)
        with pytest.MonkeyPatch.context() as mp:  # a clean environment, as a user's would be
            for var in (*MAKINI_VARS, *PROXIES):
                mp.delenv(var, raising=False)
            self.proc = Process(["--timeout", "1", "webhooks", "listen", "--port", "0", "--path",
                                 "/hooks", "--secret-file", str(secret), "--expand", "-c",
                                 connection], env={**sb.env, "MAKINI_CONFIG_DIR": str(home)})
        try:
            self.url = self.proc.stderr_until(r"^listening on (http://127\.0\.0\.1:\d+/hooks) ").group(1)
        except BaseException:
            self.proc.kill()
            raise

    def deliver(self, key: str) -> dict:
        """Deliver `purchase-orders.updated [key]`; the JSON line the listener printed for it."""
        from makini_cli.webhooks.signing import sign

        body = json.dumps({"event": "purchase-orders.updated", "body": [key]}).encode()
        r = httpx.post(self.url, content=body, timeout=HANG_GUARD, trust_env=False,
                       headers={"Content-Type": "application/json",
                                "X-Webhook-Signature": sign(body, SECRET)})
        assert r.status_code == 200, r.text
        while True:  # (a line of an earlier, failed cell may still be unread)
            event = json.loads(self.proc.stdout_line())
            if event["body"] == [key]:
                return event

    def stop(self) -> None:
        try:
            code = self.proc.stop(signal.SIGINT)
            assert code == 0, self.proc.stderr_lines
            assert not any("Traceback" in line for line in self.proc.stderr_lines), self.proc.stderr_lines
        finally:
            self.proc.kill()


@pytest.fixture(scope="module")
def listening(_served, tmp_path_factory):
    """One listener for the module's cells (each cell's fault is scoped to its own record)."""
    listener = Listening(_served, tmp_path_factory.mktemp("listener-home"), CONN)
    yield listener
    listener.stop()


@pytest.mark.parametrize("fault", cells("webhooks-listen", list(FAULTS)))
def test_webhooks_listen_expand(fault, sb, listening):
    key = sb.keys(CONN)[list(FAULTS).index(fault)]  # a record of this cell's own
    rule = sb.fault(method="GET", path_prefix=f"{PO}/{key}", connection=CONN, **FAULTS[fault])
    event = listening.deliver(key)
    assert sb.rule(rule)["fired"] == 1
    if EXPECT_LISTEN[fault] == "ok":
        assert "expand_error" not in event, event
        assert [rec["key"] for rec in event["records"]] == [key]
        return
    error = event["expand_error"]
    assert "\n" not in error and "Traceback" not in error, error
    assert re.search(r"\(request id req_[0-9a-f]{24}\)", error), error
    again = listening.deliver(key)  # the listener lives on; the next delivery is expanded
    assert [rec["key"] for rec in again["records"]] == [key], again


def test_webhooks_listen_expand_on_a_disconnected_connection(sb, tmp_path):
    """webhooks-listen-disconnected: the connection goes away while the listener runs."""
    conn = sb.new_connection(3)
    key = sb.keys(conn)[0]
    listener = Listening(sb, tmp_path, conn)
    try:
        assert [rec["key"] for rec in listener.deliver(key)["records"]] == [key]
        sb.disconnect(conn)
        error = listener.deliver(key)["expand_error"]
        assert conn in error and "disconnected" in error and "\n" not in error, error
    finally:
        listener.stop()


# --- helpers ------------------------------------------------------------------------------------
class when_fired:
    """While the command runs: as soon as `rule` (a slow fault) holds a request, do `action`
    (in the sandbox), so that this request and every later one meet its effect."""

    def __init__(self, sb: Sandbox, rule: int, action) -> None:
        self.sb, self.rule, self.action = sb, rule, action
        self.done = threading.Event()
        self.acted = False
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            wait_for(lambda: self.sb.rule(self.rule)["fired"], stop=self.done)
            self.action()
            self.acted = True
        except BaseException as exc:  # noqa: BLE001 - reported in the test's thread
            self.error = exc

    def __enter__(self):
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join(HANG_GUARD)
        if self.error is not None:
            raise self.error
        assert self.acted


def disconnect_when_fired(sb: Sandbox, rule: int, connection: str) -> when_fired:
    headers = sb.admin()
    return when_fired(sb, rule, lambda: sb.call("DELETE", f"{CONNECTIONS}/{connection}",
                                                headers=headers))


def wait_for(condition, *, stop: threading.Event | None = None):
    """Poll until `condition()` is truthy (a hang guard bounds it; no timing is asserted)."""
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if stop is not None and stop.is_set():
            break
        time.sleep(0.02)
    raise AssertionError("the condition never came true")
