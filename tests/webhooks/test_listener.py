"""The listener over real HTTP: verifies, rejects, hands events on, forwards byte for byte."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from makini_cli.webhooks import catalog
from makini_cli.webhooks.deliverylog import DeliveryLog
from makini_cli.webhooks.listener import create_app
from makini_cli.webhooks.signing import sign

from tests.webhooks.wh_servers import Receiver

SECRET = "whsec_listener"
CLIENT = httpx.Client(timeout=5, trust_env=False)


class Sink:
    """Collects on_event/on_log calls from the server thread; waits without timing anything."""

    def __init__(self) -> None:
        self.events: list[tuple[dict, bytes, dict]] = []
        self.logs: list[str] = []
        self.changed = threading.Condition()

    async def on_event(self, event, body, headers) -> None:
        with self.changed:
            self.events.append((event, body, headers))
            self.changed.notify_all()

    def on_log(self, line: str) -> None:
        with self.changed:
            self.logs.append(line)
            self.changed.notify_all()

    def wait(self, predicate) -> None:
        with self.changed:
            assert self.changed.wait_for(predicate, timeout=10)


@pytest.fixture
def sink() -> Sink:
    return Sink()


def post(url, body: bytes, signature: str | None = "sign", secret: str = SECRET, **headers):
    if signature == "sign":
        signature = sign(body, secret)
    if signature is not None:
        headers["X-Webhook-Signature"] = signature
    headers.setdefault("Content-Type", "application/json")
    return CLIENT.post(url, content=body, headers=headers)


def listen(serve, sink, tmp_path, **kwargs):
    kwargs.setdefault("secret", SECRET)
    log = DeliveryLog(tmp_path / "deliveries.jsonl")
    app = create_app(on_event=sink.on_event, on_log=sink.on_log, log=log, **kwargs)
    return serve(app), log


def test_valid_delivery_is_acknowledged_and_handed_on(serve, sink, tmp_path):
    server, log = listen(serve, sink, tmp_path, path="/hooks")
    body = catalog.encode("assets.updated", ["05000466777786"])
    r = post(server.base_url + "/hooks", body)
    assert r.status_code == 200
    sink.wait(lambda: sink.events)
    event, raw, headers = sink.events[0]
    assert event["event"] == "assets.updated" and event["body"] == ["05000466777786"]
    assert event["verified"] is True and event["received_at"].endswith("Z")
    assert raw == body and headers["x-webhook-signature"] == sign(body, SECRET)
    [entry] = log.read()
    assert entry["source"] == "listen" and entry["status_code"] == 200
    assert entry["url"].endswith("/hooks")


def test_base64_signature_is_accepted(serve, sink, tmp_path):
    server, _ = listen(serve, sink, tmp_path)
    body = catalog.encode("sites.inserted", ["1"])
    assert post(server.base_url, body, sign(body, SECRET, "base64")).status_code == 200


@pytest.mark.parametrize("signature", [None, "0" * 64, "garbage"])
def test_bad_signatures_are_rejected_with_401_and_logged(serve, sink, tmp_path, signature):
    server, log = listen(serve, sink, tmp_path)
    body = catalog.encode("assets.updated", ["1"])
    r = post(server.base_url, body, signature)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "INVALID_SIGNATURE"
    sink.wait(lambda: sink.logs)
    assert "401" in sink.logs[0]
    assert log.read()[0]["status_code"] == 401
    assert sink.events == []


def test_reserialised_signature_is_diagnosed_in_the_log(serve, sink, tmp_path):
    server, _ = listen(serve, sink, tmp_path)
    body = catalog.encode("assets.updated", ["1"])
    pretty = json.dumps(json.loads(body), indent=2).encode()
    assert post(server.base_url, body, sign(pretty, SECRET)).status_code == 401
    sink.wait(lambda: sink.logs)
    assert "reserialised" in sink.logs[0]


@pytest.mark.parametrize("body, status", [
    (b"not json", 400),
    (b'{"event": "assets.updated"}', 422),
    (b'["assets.updated"]', 422),
    (b'{"event": 3, "body": []}', 422),
])
def test_malformed_deliveries_get_4xx(serve, sink, tmp_path, body, status):
    server, _ = listen(serve, sink, tmp_path, secret=None)
    assert post(server.base_url, body, None).status_code == status
    sink.wait(lambda: sink.logs)
    assert str(status) in sink.logs[0]


def test_oversized_body_is_refused(serve, sink, tmp_path):
    server, _ = listen(serve, sink, tmp_path, max_body=1024)
    body = b'{"event":"assets.updated","body":["' + b"1" * 2000 + b'"]}'
    assert post(server.base_url, body).status_code == 413

    def chunks():  # no Content-Length: the limit holds while streaming too
        yield body[:1000]
        yield body[1000:]

    r = CLIENT.post(server.base_url, content=chunks(), headers={"X-Webhook-Signature": "x"})
    assert r.status_code == 413


def test_the_listener_survives_garbage_and_keeps_serving(serve, sink, tmp_path):
    server, _ = listen(serve, sink, tmp_path)
    for junk in (b"", b"\xff\xfe\x00", b"{" * 10_000, b'{"event":"a.b","body":[{"x":1}]}'):
        assert 400 <= post(server.base_url, junk).status_code < 500
    assert CLIENT.put(server.base_url).status_code == 405
    body = catalog.encode("assets.inserted", ["1"])
    assert post(server.base_url, body).status_code == 200


def test_without_a_secret_everything_well_formed_is_accepted(serve, sink, tmp_path):
    server, _ = listen(serve, sink, tmp_path, secret=None)
    assert post(server.base_url, catalog.encode("assets.updated", ["1"]), None).status_code == 200
    sink.wait(lambda: sink.events)
    assert sink.events[0][0]["verified"] is None


def test_event_filter_acknowledges_but_does_not_hand_on(serve, sink, tmp_path):
    server, _ = listen(serve, sink, tmp_path, events=["sites.*"])
    assert post(server.base_url, catalog.encode("assets.updated", ["1"])).status_code == 200
    assert post(server.base_url, catalog.encode("sites.updated", ["2"])).status_code == 200
    sink.wait(lambda: sink.events)
    assert [e["event"] for e, _, _ in sink.events] == ["sites.updated"]


def test_expand_adds_records(serve, sink, tmp_path):
    async def expand(event):
        return [{"key": key, "name": f"asset {key}"} for key in event["body"]]

    server, _ = listen(serve, sink, tmp_path, expand=expand)
    assert post(server.base_url, catalog.encode("assets.updated", ["7"])).status_code == 200
    sink.wait(lambda: sink.events)
    assert sink.events[0][0]["records"] == [{"key": "7", "name": "asset 7"}]


def test_events_are_handed_on_in_arrival_order(serve, sink, tmp_path):
    server, _ = listen(serve, sink, tmp_path)
    for i in range(20):
        assert post(server.base_url, catalog.encode("assets.updated", [str(i)])).status_code == 200
    sink.wait(lambda: len(sink.events) == 20)
    assert [e["body"][0] for e, _, _ in sink.events] == [str(i) for i in range(20)]


def test_forwarding_sends_the_exact_body_and_headers(serve, sink, tmp_path):
    target = Receiver()
    downstream = serve(target)
    server, log = listen(serve, sink, tmp_path, forward_to=downstream.base_url + "/app/hook")
    body = b'{"event":"purchase-orders.inserted","body":["08000753654629"]}'
    signature = sign(body, SECRET)
    r = post(server.base_url, body, signature, **{"X-Custom": "kept"})
    assert r.status_code == 200
    sink.wait(lambda: any("forwarded" in line for line in sink.logs))
    [got] = target.requests
    assert got.path == "/app/hook" and got.body == body
    assert got.headers["x-webhook-signature"] == signature
    assert got.headers["x-custom"] == "kept" and got.headers["content-type"] == "application/json"
    assert any(e.get("forward_of") for e in log.read())


def test_forwarding_failure_is_logged_not_fatal(serve, sink, tmp_path):
    server, _ = listen(serve, sink, tmp_path, forward_to="http://127.0.0.1:9/")
    assert post(server.base_url, catalog.encode("assets.updated", ["1"])).status_code == 200
    sink.wait(lambda: any("forwarded" in line for line in sink.logs))
    assert post(server.base_url, catalog.encode("assets.updated", ["2"])).status_code == 200


def test_a_failing_on_event_callback_is_logged_not_fatal(serve, tmp_path):
    sink = Sink()

    async def broken(event, body, headers):
        raise RuntimeError("boom")

    app = create_app(secret=SECRET, on_event=broken, on_log=sink.on_log, log=False)
    server = serve(app)
    assert post(server.base_url, catalog.encode("assets.updated", ["1"])).status_code == 200
    sink.wait(lambda: sink.logs)
    assert "boom" in sink.logs[0]
    assert post(server.base_url, catalog.encode("assets.updated", ["2"])).status_code == 200


def test_unknown_event_selection_is_refused():
    with pytest.raises(ValueError):
        create_app(events=["assets.exploded"], log=False)


def test_stats_count_what_happened(serve, sink, tmp_path):
    app = create_app(secret=SECRET, on_event=sink.on_event, on_log=sink.on_log, log=False)
    server = serve(app)
    post(server.base_url, catalog.encode("assets.updated", ["1"]))
    post(server.base_url, catalog.encode("assets.updated", ["1"]), None)
    sink.wait(lambda: sink.events and sink.logs)
    stats = app.state.listener.stats
    assert (stats.received, stats.accepted, stats.rejected) == (2, 1, 1)
    assert stats.by_event == {"assets.updated": 1}
