"""The API client over real HTTP against a served sandbox: retries, Retry-After, write safety,
timeouts, token refresh and re-mint on 401, secure transport, --debug redaction."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from makini_cli import errors
from makini_cli.api.auth import Auth, MemoryCache
from makini_cli.api.client import MakiniClient
from makini_cli.api.http import Http, RetryPolicy, parse_retry_after

PO_PATH = "/api/erp/purchase-orders"


class Sleeps(list):
    """Records the waits the client asks for and waits a token amount, so tests stay fast."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.sleep(0)


def fault(sb, **rule):
    httpx.post(sb.base_url + "/_sandbox/faults", json=rule).raise_for_status()


def fired(sb) -> list[int]:
    return [r["fired"] for r in httpx.get(sb.base_url + "/_sandbox/faults").json()["data"]]


def first_connection(sb) -> str:
    return next(c["key"] for c in sb.sandbox.connections() if c.get("scenario", "healthy") == "healthy")


def run(sb, work, *, sleeps=None, timeout=10.0, max_attempts=5):
    async def go():
        policy = RetryPolicy(max_attempts=max_attempts, sleep=sleeps if sleeps is not None else Sleeps())
        http = Http(sb.base_url, timeout=timeout, retry=policy)
        client = MakiniClient(http, Auth(http, client_id=sb.client_id, client_secret=sb.client_secret,
                                         cache=MemoryCache()))
        try:
            return await work(client)
        finally:
            await client.aclose()

    return asyncio.run(go())


def count_pos(sb, conn):
    return run(sb, lambda c: c.get(PO_PATH, connection=conn, params={"per_page": 1}))["meta"]["total"]


def test_get_is_retried_on_503_until_it_succeeds(served_sandbox):
    sb = served_sandbox
    conn = first_connection(sb)
    fault(sb, method="GET", path_prefix=PO_PATH, fault="status", status=503, times=2)
    sleeps = Sleeps()
    body = run(sb, lambda c: c.get(PO_PATH, connection=conn), sleeps=sleeps)
    assert body["data"]
    assert fired(sb) == [2] and len(sleeps) == 2


def test_retry_after_seconds_is_honoured(served_sandbox):
    sb = served_sandbox
    conn = first_connection(sb)
    fault(sb, method="GET", path_prefix=PO_PATH, fault="status", status=429, retry_after="3", times=1)
    sleeps = Sleeps()
    run(sb, lambda c: c.get(PO_PATH, connection=conn), sleeps=sleeps)
    assert sleeps == [3.0]


def test_retry_after_http_date_is_parsed():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after("-5") == 0.0


def test_retries_are_bounded_and_the_error_carries_the_request_id(served_sandbox):
    sb = served_sandbox
    conn = first_connection(sb)
    fault(sb, method="GET", path_prefix=PO_PATH, fault="status", status=503, times=None)
    with pytest.raises(errors.ServerError) as info:
        run(sb, lambda c: c.get(PO_PATH, connection=conn), max_attempts=3)
    assert fired(sb) == [3]
    assert info.value.status == 503 and info.value.request_id


def test_a_post_is_not_repeated_after_a_5xx(served_sandbox):
    sb = served_sandbox
    conn = first_connection(sb)
    before = count_pos(sb, conn)
    fault(sb, method="POST", path_prefix=PO_PATH, fault="status", status=503, times=1)
    body = {"orderNo": "X-1", "vendorKey": "v", "currencyKey": "EUR"}
    with pytest.raises(errors.ServerError):
        run(sb, lambda c: c.data("POST", PO_PATH, connection=conn, json_body=body))
    assert fired(sb) == [1]
    assert count_pos(sb, conn) == before


def test_a_post_is_not_repeated_after_a_dropped_connection(served_sandbox):
    sb = served_sandbox
    conn = first_connection(sb)
    fault(sb, method="POST", path_prefix=PO_PATH, fault="reset", times=1)
    with pytest.raises(errors.NetworkError):
        run(sb, lambda c: c.data("POST", PO_PATH, connection=conn, json_body={"orderNo": "X-2"}))
    assert fired(sb) == [1]


def test_a_get_survives_a_dropped_connection_and_a_truncated_body(served_sandbox):
    sb = served_sandbox
    conn = first_connection(sb)
    fault(sb, method="GET", path_prefix=PO_PATH, fault="reset", times=1)
    fault(sb, method="GET", path_prefix=PO_PATH, fault="truncate", times=1)
    assert run(sb, lambda c: c.get(PO_PATH, connection=conn))["data"]
    assert fired(sb) == [1, 1]


def test_a_read_timeout_is_retried_for_a_get(served_sandbox):
    sb = served_sandbox
    conn = first_connection(sb)
    fault(sb, method="GET", path_prefix=PO_PATH, fault="timeout", delay_ms=3000, times=1)
    assert run(sb, lambda c: c.get(PO_PATH, connection=conn), timeout=0.5)["data"]


def test_invalid_json_is_a_clear_server_error(served_sandbox):
    sb = served_sandbox
    conn = first_connection(sb)
    fault(sb, method="GET", path_prefix=PO_PATH, fault="invalid_json", times=1)
    with pytest.raises(errors.ServerError, match="invalid JSON"):
        run(sb, lambda c: c.get(PO_PATH, connection=conn))


def test_an_expired_admin_token_is_refreshed_once_and_the_call_retried(served_sandbox):
    sb = served_sandbox

    async def work(client):
        await client.get("/api/system/client")
        httpx.post(sb.base_url + "/_sandbox/tokens/expire", json={"kind": "admin"}).raise_for_status()
        return await client.get("/api/system/client")

    assert run(sb, work)["data"]["id"] == sb.client_id


def test_a_refused_refresh_token_falls_back_to_the_client_credentials(served_sandbox):
    sb = served_sandbox

    async def work(client):
        await client.get("/api/system/client")
        httpx.post(sb.base_url + "/_sandbox/tokens/expire",
                   json={"kind": "admin", "include_refresh": True}).raise_for_status()
        return await client.get("/api/system/client")

    assert run(sb, work)["data"]["id"] == sb.client_id


def test_an_expired_connection_token_is_minted_again(served_sandbox):
    sb = served_sandbox
    conn = first_connection(sb)

    async def work(client):
        first = await client.auth.connection_token(conn)
        httpx.post(sb.base_url + "/_sandbox/tokens/expire", json={"kind": "connection"}).raise_for_status()
        body = await client.get(PO_PATH, connection=conn)
        return first, await client.auth.connection_token(conn), body

    first, second, body = run(sb, work)
    assert first != second and body["data"]


def test_wrong_client_secret_is_auth_failed(served_sandbox):
    sb = served_sandbox

    async def go():
        http = Http(sb.base_url)
        client = MakiniClient(http, Auth(http, client_id=sb.client_id, client_secret="wrong"))
        try:
            await client.get("/api/system/client")
        finally:
            await client.aclose()

    with pytest.raises(errors.AuthFailed):
        asyncio.run(go())


def test_cli_exit_4_and_a_hint_when_the_secret_is_wrong(cli, served_sandbox):
    r = cli("--base-url", served_sandbox.base_url, "api", "GET", "/api/system/client",
            env={"MAKINI_CLIENT_ID": served_sandbox.client_id, "MAKINI_CLIENT_SECRET": "nope"})
    assert r.code == 4 and "refused" in r.stderr and "hint:" not in r.stdout
    assert "nope" not in r.stderr + r.stdout


def test_tokens_are_never_sent_over_plain_http_to_another_host(cli):
    r = cli("--base-url", "http://api.example.invalid", "api", "GET", "/api/system/client",
            env={"MAKINI_CLIENT_ID": "id", "MAKINI_CLIENT_SECRET": "secret"})
    assert r.code == 2 and "plain http" in r.stderr


def test_debug_traces_http_without_the_authorization_header(cli, served_sandbox):
    sb = served_sandbox
    r = cli("--debug", "--base-url", sb.base_url, "api", "GET", "/api/system/client",
            env={"MAKINI_CLIENT_ID": sb.client_id, "MAKINI_CLIENT_SECRET": sb.client_secret})
    assert r.code == 0, r
    assert "> GET " in r.stderr and "authorization: ***" in r.stderr.lower()
    assert "Bearer" not in r.stderr and sb.client_secret not in r.stderr


def test_login_verifies_then_saves_and_status_reports_sources(cli, served_sandbox, config_dir):
    sb = served_sandbox
    r = cli("--base-url", sb.base_url, "auth", "login", "--client-id", sb.client_id, "--client-secret-stdin",
            input=sb.client_secret + "\n")
    assert r.code == 0, r
    status = cli("auth", "status", "-o", "json")
    assert status.code == 0, status
    info = status.json()
    assert info["base_url"] == sb.base_url and info["base_url_source"] == "profile"
    assert info["client_secret"] == "set" and info["client_secret_source"] == "file"
    assert sb.client_secret not in status.stdout
    r = cli("--base-url", sb.base_url, "auth", "login", "--client-id", sb.client_id, "--client-secret-stdin",
            input="wrong\n", )
    assert r.code == 4
    assert cli("auth", "status", "-o", "json").json()["client_secret_source"] == "file"


def test_login_with_a_connection_token_from_stdin(cli, served_sandbox, served_client):
    conn = first_connection(served_sandbox)
    token = served_client.connection_token(conn)
    r = cli("--base-url", served_sandbox.base_url, "auth", "login", "--with-token", input=token)
    assert r.code == 0, r
    r = cli("api", "GET", "/api/integrations/current")
    assert r.code == 0 and r.json()["data"]["id"] == conn
    r = cli("auth", "token")
    assert r.stdout.strip() == token
