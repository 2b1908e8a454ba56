"""Replay resends a logged delivery byte for byte."""

from __future__ import annotations

import asyncio

import pytest

from makini_cli.webhooks import catalog
from makini_cli.webhooks.deliverylog import DeliveryLog
from makini_cli.webhooks.listener import create_app
from makini_cli.webhooks.replay import ReplayError, replay
from makini_cli.webhooks.signing import sign, verify

from tests.webhooks.wh_servers import Receiver

SECRET = "whsec_replay"


def test_replay_resends_the_same_bytes_and_signature(serve, tmp_path):
    first, second = Receiver(respond=lambda r, n: (500, 0)), Receiver()
    broken, fixed = serve(first), serve(second)
    log = DeliveryLog(tmp_path / "d.jsonl")
    body = catalog.encode("assets.updated", ["05000466777786"])
    original = log.append(source="test", url=broken.base_url + "/in", event="assets.updated",
                          status_code=500, duration_ms=3.0, error="HTTP 500", body=body,
                          headers=[("Content-Type", "application/json"),
                                   ("X-Webhook-Signature", sign(body, SECRET))])

    again = asyncio.run(replay(original["id"], to=fixed.base_url + "/in", log=log))

    [got] = second.requests
    assert got.body == body and got.path == "/in"
    assert verify(got.body, SECRET, got.headers["x-webhook-signature"])
    assert again["status_code"] == 200 and again["source"] == "replay"
    assert again["replay_of"] == original["id"]
    assert log.read(limit=1)[0]["id"] == again["id"]


def test_replay_of_a_listened_delivery_reaches_a_listener(serve, tmp_path):
    log = DeliveryLog(tmp_path / "d.jsonl")
    server = serve(create_app(secret=SECRET, log=log))
    body = catalog.encode("sites.inserted", ["1"])
    import httpx

    httpx.post(server.base_url, content=body, headers={"X-Webhook-Signature": sign(body, SECRET)},
               timeout=5)
    [entry] = log.read()
    again = asyncio.run(replay(entry, log=log))  # to its own URL: the listener
    assert again["status_code"] == 200


def test_unknown_delivery_is_an_error(tmp_path):
    with pytest.raises(ReplayError):
        asyncio.run(replay("wdl_missing", log=DeliveryLog(tmp_path / "d.jsonl")))
