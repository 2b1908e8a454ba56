"""The sandbox's webhook dispatcher, against a real receiver on loopback."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sqlite3
import time

import httpx
import pytest
from starlette.applications import Starlette

from makini_cli.sandbox.webhooks import WebhookDispatcher
from makini_cli.webhooks import catalog

from tests.webhooks.wh_servers import Receiver

SECRET = "whsec_test"


class FakeClock:
    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make(time_factor: float = 1.0):
    clock = FakeClock()
    return WebhookDispatcher(sqlite3.connect(":memory:", check_same_thread=False), clock=clock,
                             time_factor=time_factor), clock


def test_delivery_is_compact_json_signed_with_hex_hmac(serve):
    receiver = Receiver()
    server = serve(receiver)
    dispatcher, _ = make()
    dispatcher.configure(server.base_url + "/hook", SECRET, None)
    dispatcher.emit("purchase-orders.inserted", ["08000753654629", "03000047321741"])

    assert asyncio.run(dispatcher.drain()) == 1

    [got] = receiver.requests
    assert got.method == "POST" and got.path == "/hook"
    assert got.body == (b'{"event":"purchase-orders.inserted",'
                        b'"body":["08000753654629","03000047321741"]}')
    expected = hmac.new(SECRET.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["x-webhook-signature"] == expected
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"] == "Makini-Webhooks/sandbox"
    [entry] = dispatcher.deliveries()
    assert entry["status_code"] == 200 and entry["attempt"] == 1 and entry["ok"]
    assert entry["event"] == "purchase-orders.inserted" and entry["error"] is None
    assert dispatcher.pending() == []


def test_emit_only_queues_selected_events_when_configured(serve):
    receiver = Receiver()
    server = serve(receiver)
    dispatcher, _ = make()
    dispatcher.emit("assets.updated", ["1"])  # not configured yet: dropped
    dispatcher.configure(server.base_url, SECRET, ["assets.*"])
    dispatcher.emit("sites.updated", ["2"])
    dispatcher.emit("assets.inserted", ["3"])
    dispatcher.emit("assets.updated", [])  # nothing changed: nothing sent
    dispatcher.emit("vendors.updated", ["4"])  # Makini has no such webhook event

    asyncio.run(dispatcher.drain())

    assert [json.loads(r.body)["event"] for r in receiver.requests] == ["assets.inserted"]


def test_without_a_secret_deliveries_go_unsigned(serve):
    receiver = Receiver()
    server = serve(receiver)
    dispatcher, _ = make()
    dispatcher.configure(server.base_url, None, None)
    dispatcher.emit("assets.updated", ["1"])
    asyncio.run(dispatcher.drain())
    assert "x-webhook-signature" not in receiver.requests[0].headers
    assert dispatcher.config()["secret_set"] is False


def test_reconfiguring_without_a_secret_keeps_it():
    dispatcher, _ = make()
    dispatcher.configure("https://example.com/a", SECRET, None, retry_scale=0.1)
    config = dispatcher.configure("https://example.com/b", None, None)
    assert config["secret_set"] is True and config["retry_scale"] == 0.1


def test_a_shared_lock_is_used_for_the_database():
    import threading

    lock = threading.RLock()
    dispatcher = WebhookDispatcher(sqlite3.connect(":memory:"), clock=FakeClock(),
                                   time_factor=1.0, lock=lock)
    assert dispatcher._lock is lock


def test_config_never_shows_the_secret():
    dispatcher, _ = make()
    config = dispatcher.configure("https://example.com/hook", SECRET, ["assets.updated"])
    assert SECRET not in json.dumps(config)
    assert config["secret_set"] is True and config["events"] == ["assets.updated"]
    with pytest.raises(ValueError):
        dispatcher.configure("https://example.com/hook", SECRET, ["assets.exploded"])


def test_failed_delivery_is_retried_on_the_doubling_schedule(serve):
    receiver = Receiver(respond=lambda r, n: (500, 0) if n <= 2 else (200, 0))
    server = serve(receiver)
    dispatcher, clock = make()
    dispatcher.configure(server.base_url, SECRET, None, retry_scale=0.5)
    dispatcher.emit("assets.updated", ["05000466777786"])

    async def scenario():
        assert await dispatcher.drain() == 1
        assert await dispatcher.tick() == 0  # not due yet
        clock.now += 30 * 0.5
        assert await dispatcher.tick() == 1  # first retry: 30 s scaled
        clock.now += 30 * 0.5
        assert await dispatcher.tick() == 0  # second retry waits 60 s scaled
        clock.now += 30 * 0.5
        assert await dispatcher.tick() == 1
        clock.now += 10_000
        assert await dispatcher.tick() == 0  # delivered: nothing left

    asyncio.run(scenario())
    log = dispatcher.deliveries()
    assert [(e["attempt"], e["status_code"]) for e in log] == [(3, 200), (2, 500), (1, 500)]
    assert len({e["delivery_id"] for e in log}) == 1
    assert [e["attempt"] for e in dispatcher.deliveries(status="failed")] == [2, 1]
    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1


def test_retries_stop_after_the_24_hour_window(serve):
    receiver = Receiver(respond=lambda r, n: (503, 0))
    server = serve(receiver)
    dispatcher, clock = make()
    dispatcher.configure(server.base_url, SECRET, None, retry_scale=1.0)
    dispatcher.emit("sites.inserted", ["02000792084455"])

    async def scenario():
        while dispatcher.pending():
            clock.now += 86_400
            await dispatcher.tick()

    asyncio.run(scenario())
    assert len(receiver.requests) == 1 + len(catalog.retry_delays())
    assert dispatcher.deliveries(limit=1)[0]["attempt"] == 12


def test_run_forever_sends_and_retries_in_real_time(serve):
    receiver = Receiver(respond=lambda r, n: (500, 0) if n == 1 else (200, 0))
    server = serve(receiver)
    origin = time.time()

    def fast_clock() -> float:  # like the sandbox's: runs time_factor times faster than real
        return origin + (time.time() - origin) * 3000.0

    dispatcher = WebhookDispatcher(sqlite3.connect(":memory:"), clock=fast_clock,
                                   time_factor=3000.0)  # 30 s becomes 10 ms

    async def scenario():
        task = asyncio.create_task(dispatcher.run_forever())
        dispatcher.configure(server.base_url, SECRET, None)
        dispatcher.emit("work-orders.updated", ["03000097993349"])
        for _ in range(500):
            if len(dispatcher.deliveries()) >= 2:
                break
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert [e["status_code"] for e in dispatcher.deliveries()] == [200, 500]


def test_sandbox_routes_configure_list_and_redeliver(serve):
    receiver = Receiver()
    hook = serve(receiver)
    dispatcher, _ = make()
    sandbox = serve(Starlette(routes=dispatcher.routes()))

    with httpx.Client(base_url=sandbox.base_url) as client:
        r = client.post("/_sandbox/webhooks", json={"url": hook.base_url + "/in",
                                                    "secret": SECRET, "events": ["assets.*"]})
        assert r.status_code == 200 and "secret" not in r.json()
        assert client.get("/_sandbox/webhooks").json()["secret_set"] is True
        assert client.post("/_sandbox/webhooks", json={"url": "ftp://x"}).status_code == 422

        dispatcher.emit("assets.updated", ["1"])
        asyncio.run(dispatcher.drain())
        [first] = client.get("/_sandbox/webhooks/deliveries").json()["data"]

        r = client.post(f"/_sandbox/webhooks/deliveries/{first['delivery_id']}/redeliver")
        assert r.status_code == 200
        again = r.json()["data"]
        assert again["delivery_id"] == first["delivery_id"] and again["attempt"] == 2
        assert client.post("/_sandbox/webhooks/deliveries/whd_nope/redeliver").status_code == 404

        log = client.get("/_sandbox/webhooks/deliveries", params={"limit": 1}).json()["data"]
        assert [e["id"] for e in log] == [again["id"]]
        assert client.get("/_sandbox/webhooks/deliveries",
                          params={"status": "failed"}).json()["data"] == []

    assert len(receiver.requests) == 2 and receiver.requests[0].body == receiver.requests[1].body


def test_generated_secret_is_shown_once(serve):
    dispatcher, _ = make()
    sandbox = serve(Starlette(routes=dispatcher.routes()))
    with httpx.Client(base_url=sandbox.base_url) as client:
        r = client.post("/_sandbox/webhooks", json={"url": "https://example.com/hook"})
        assert r.json()["secret"].startswith("whsec_")
        assert "secret" not in client.get("/_sandbox/webhooks").json()
