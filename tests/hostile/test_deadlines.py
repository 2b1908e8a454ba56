"""Time that is bounded: `--timeout` is a deadline for each HTTP request as a whole (each page,
each attempt), so a server that answers at once and then drips its body one byte at a time
cannot hold a command; retries stay within MAKINI_RETRY_MAX_WAIT.

httpx's own timeouts are per read: every byte resets them, so without the deadline each of these
commands runs until killed (the hang guard turns that into a failure; nothing here is timed).
"""

from __future__ import annotations

import json

from tests.hostile import servers
from tests.hostile.conftest import error_of

HANG_GUARD = 30


def test_timeout_is_a_deadline_for_the_whole_answer(hostile, run_cli):
    env = hostile(servers.Dripping(interval=0.2))
    r = run_cli("--timeout", "1", "connections", "list", env=env, timeout=HANG_GUARD)
    assert r.code == 1 and r.stdout == ""
    err = error_of(r)
    assert err["code"] == "timeout"
    assert err["message"].startswith("timed out: no complete answer within 1 s (GET http://127.0.0.1:")
    assert err["message"].endswith("/api/system/connections)")


def test_each_retry_gets_its_own_deadline_and_the_retries_end(hostile, run_cli):
    app = servers.Dripping(interval=0.2)
    env = dict(hostile(app), MAKINI_RETRY_MAX_ATTEMPTS="3", MAKINI_RETRY_MAX_WAIT="1")
    r = run_cli("--timeout", "0.5", "--debug", "po", "list", env=env, timeout=HANG_GUARD)
    assert r.code == 1
    assert error_of(r)["code"] == "timeout"
    # a GET is retried after a timeout, within the attempts and the total wait allowed
    assert 1 < app.requests <= 3
    assert r.stderr.count("no complete answer within 0.5 s") == app.requests


def test_a_write_that_timed_out_is_not_repeated(hostile, run_cli, tmp_path):
    app = servers.Dripping(interval=0.2)
    order = tmp_path / "po.json"
    order.write_text(json.dumps({"orderNo": "X-1", "vendorKey": "V1", "currency": "EUR",
                                 "lines": [{"quantity": "1", "unitPrice": "1.00"}]}))
    env = dict(hostile(app), MAKINI_RETRY_MAX_ATTEMPTS="3")
    r = run_cli("--timeout", "0.5", "api", "POST", "/api/erp/purchase-orders", "--input", str(order),
                env=env, timeout=HANG_GUARD)
    assert r.code == 1
    err = error_of(r)
    assert err["code"] == "timeout"
    assert "check whether it took effect before sending it again" in err["hint"]
    assert app.requests == 1


def test_webhooks_test_bounds_each_delivery_by_its_timeout(serve, run_cli, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("whsec_drip")
    server = serve(servers.Dripping(interval=0.2))
    r = run_cli("webhooks", "test", server.base_url + "/", "--secret-file", str(secret),
                "-e", "assets.updated", "--timeout", "0.5", "--retry-schedule", "fast",
                timeout=HANG_GUARD)
    assert r.code == 3, r
    report = json.loads(r.stdout)
    first = report["checks"][1]
    assert first["name"] == "delivers assets.updated" and first["result"] == "FAIL"
    assert "no answer within 0.5 s" in first["detail"]


def test_the_listener_gives_up_forwarding_to_a_dripping_receiver(serve):
    import asyncio

    import httpx

    from makini_cli.webhooks import catalog
    from makini_cli.webhooks.listener import create_app
    from makini_cli.webhooks.signing import sign

    target = serve(servers.Dripping(interval=0.2))
    app = create_app(secret="s", forward_to=target.base_url + "/", log=False, forward_timeout=0.5)
    listener = app.state.listener
    body = catalog.encode("assets.updated", ["A1"])

    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://l") as c:
            r = await c.post("/", content=body, headers={"X-Webhook-Signature": sign(body, "s")})
            assert r.status_code == 200
            for _ in range(int(HANG_GUARD / 0.05)):
                if listener.stats.forward_failed:
                    break
                await asyncio.sleep(0.05)
        await listener.aclose(grace=1)

    asyncio.run(go())
    assert listener.stats.forward_failed == 1 and listener.stats.forwarded == 0
