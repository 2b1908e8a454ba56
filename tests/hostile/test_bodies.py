"""Bodies that are too big or too deep: one response is capped in size (`max_response_mb`,
MAKINI_MAX_RESPONSE_MB; 0 turns the cap off) and given up as soon as it passes the cap; JSON
nested deeper than anything real is "the server sent invalid JSON" (exit 1), never an internal
error, wherever it arrives (a list, a record, an export page, the listener)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from tests.hostile import servers
from tests.hostile.conftest import error_of

PO_PATH = "/api/erp/purchase-orders"
MB = 1024 * 1024


@pytest.mark.parametrize("content_length", [True, False], ids=["content-length", "chunked"])
def test_a_response_past_the_cap_is_refused_before_it_is_all_read(hostile, run_cli, content_length):
    app = servers.Huge(48 * MB, content_length=content_length)
    r = run_cli("api", "GET", PO_PATH, env=dict(hostile(app), MAKINI_MAX_RESPONSE_MB="1"))
    assert r.code == 1 and r.stdout == ""
    err = error_of(r)
    assert err["code"] == "response_too_large"
    assert err["message"] == (f"the answer to GET {PO_PATH} is larger than the 1 MB cap on one "
                              "response (max_response_mb)")
    assert "MAKINI_MAX_RESPONSE_MB" in err["hint"] and "0 turns it off" in err["hint"]
    # given up early, not read to the end (what the server got sent is the 1 MB read and what
    # the sockets' buffers took before the client hung up)
    assert app.sent < 24 * MB


def test_the_default_cap_stops_a_100_mb_body(hostile, run_cli):
    app = servers.Huge(100 * MB, content_length=False)
    r = run_cli("po", "list", env=hostile(app))
    assert r.code == 1
    assert error_of(r)["message"] == (f"the answer to GET {PO_PATH} is larger than the 64 MB cap on "
                                      "one response (max_response_mb)")


def test_a_cap_of_0_turns_it_off(hostile, run_cli):
    app = servers.Huge(3 * MB, content_length=False)
    r = run_cli("api", "GET", PO_PATH, env=dict(hostile(app), MAKINI_MAX_RESPONSE_MB="0"))
    assert r.code == 0, r
    assert json.loads(r.stdout)["data"][0]["key"] == "x"


def test_the_cap_is_a_setting_that_is_validated(cli):
    assert cli("config", "set", "max_response_mb", "8").code == 0
    assert cli("config", "get", "max_response_mb").stdout.strip() == "8.0"
    r = cli("config", "set", "max_response_mb", "nan")
    assert r.code == 2
    assert error_of(r)["message"] == ("value: max_response_mb must be a number of MB, 0 or more "
                                      "(0: no cap), got 'nan'")


@pytest.mark.parametrize("args", [
    ["po", "list"],
    ["connections", "list"],
    ["api", "GET", PO_PATH],
    ["po", "get", "K1"],
], ids=lambda a: " ".join(a[:2]))
def test_json_nested_100000_deep_is_invalid_json(hostile, run_cli, args):
    r = run_cli(*args, env=hostile(servers.DeepJSON(100_000)))
    assert r.code == 1, r
    err = error_of(r)
    assert err["code"] == "server_error"
    assert "the server sent invalid JSON for GET" in err["message"]
    assert err["message"].endswith(": JSON nested more than 100 levels deep")
    assert "RecursionError" not in r.stderr and "internal error" not in r.stderr


@pytest.mark.parametrize("args", [["po", "list", "-o", "yaml"], ["api", "GET", PO_PATH]],
                         ids=["po list", "api"])
def test_json_nested_deep_enough_to_parse_but_not_to_render_is_invalid_json(hostile, run_cli, args):
    # 900 levels: Python's decoder manages it, everything that walks the data afterwards does not
    r = run_cli(*args, env=hostile(servers.DeepJSON(900, in_record=True)))
    assert r.code == 1, r
    assert error_of(r)["message"] == (f"the server sent invalid JSON for GET {PO_PATH} (HTTP 200): "
                                      "JSON nested more than 100 levels deep")


@pytest.mark.parametrize("in_record", [False, True], ids=["bare", "in-a-record"])
def test_an_export_page_nested_too_deep_is_not_a_list_page(hostile, run_cli, tmp_path, in_record):
    r = run_cli("po", "export", "-c", "00000100433001", "-O", str(tmp_path / "po.ndjson"),
                env=hostile(servers.DeepJSON(100_000, in_record=in_record)))
    assert r.code == 1, r
    assert error_of(r)["message"] == "the server sent a page that is not a JSON list page (00000100433001)"


def _post(app, body: bytes, headers: dict) -> httpx.Response:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://l") as c:
            return await c.post("/", content=body, headers=headers)

    return asyncio.run(go())


DEEP = b"[" * 20_000 + b"]" * 20_000  # 40 KB: small enough for the full signature diagnosis


@pytest.mark.parametrize("signature", [None, "00" * 32, "not-a-signature"],
                         ids=["unsigned", "wrong", "malformed"])
def test_the_listener_answers_401_to_a_deep_body_without_a_valid_signature(signature):
    from makini_cli.webhooks.listener import create_app

    app = create_app(secret="s3cret", log=False)
    r = _post(app, DEEP, {"X-Webhook-Signature": signature} if signature else {})
    assert r.status_code == 401
    assert r.json() == {"error": {"code": "INVALID_SIGNATURE", "message": "invalid signature"}}
    assert app.state.listener.stats.handler_errors == 0


def test_the_listener_without_a_secret_answers_400_to_a_deep_body():
    from makini_cli.webhooks.listener import create_app

    app = create_app(log=False)
    r = _post(app, b"[" * 100_000 + b"]" * 100_000, {})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "INVALID_JSON"
    assert app.state.listener.stats.handler_errors == 0
