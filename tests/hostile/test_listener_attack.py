"""The webhook listener under attack: a flood of unsigned or badly signed requests can neither
push accepted deliveries out of the delivery log nor cost much more than valid deliveries, and
the signature diagnosis compares in constant time.

(Throughput is measured, as a ratio in one run, by bench/listen.py; these tests check the
mechanisms: where rejections are logged, how many HMACs a rejection costs, which comparisons
are made.)"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json

import httpx
import pytest

from makini_cli.webhooks import catalog, gate, signing
from makini_cli.webhooks.deliverylog import DeliveryLog
from makini_cli.webhooks.gate import DiagnosisBudget
from makini_cli.webhooks.listener import create_app
from makini_cli.webhooks.signing import sign

SECRET = "whsec_attack"


def post_all(app, requests: list[tuple[bytes, dict]]) -> list[int]:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://l") as c:
            codes = [(await c.post("/", content=b, headers=h)).status_code for b, h in requests]
        await app.state.listener.aclose(grace=1)
        return codes

    return asyncio.run(go())


def delivery(key: str) -> tuple[bytes, dict]:
    body = catalog.encode("purchase-orders.inserted", [key])
    return body, {"Content-Type": "application/json", "X-Webhook-Signature": sign(body, SECRET)}


def junk(n: int) -> bytes:
    return b'{"event":"purchase-orders.inserted","body":["x"],"pad":"' + b"x" * n + b'"}'


def test_a_flood_of_unsigned_posts_cannot_evict_accepted_deliveries(tmp_path):
    log = DeliveryLog(tmp_path / "webhook-deliveries.jsonl", max_bytes=256 * 1024,
                      rejections_max_bytes=64 * 1024)
    app = create_app(secret=SECRET, log=log)
    flood = [(junk(60_000), {"Content-Type": "application/json"})] * 300  # 18 MB of junk
    codes = post_all(app, [delivery("PO-KEEP")] + flood)
    assert codes == [200] + [401] * 300

    accepted = [e for e in log.read(source="listen") if e["status_code"] == 200]
    assert [signing.verify(base64.b64decode(e["body_b64"]), SECRET,
                           dict(e["headers"])["x-webhook-signature"]).ok for e in accepted] == [True]
    # the rejections went to their own, bounded file: no bodies, a fingerprint of each
    rejected = [e for e in log.read(source="listen") if e["status_code"] == 401]
    assert 0 < len(rejected) < 300  # older ones rotated out of the rejections file, not the log
    one = rejected[0]
    assert one["rejected"] is True and one["body_b64"] == ""
    assert one["body_size"] == len(junk(60_000))
    assert one["body_sha256"] == hashlib.sha256(junk(60_000)).hexdigest()
    assert base64.b64decode(one["body_prefix_b64"]) == junk(60_000)[:64]
    assert one["error"] == "missing: no signature was sent"
    sizes = [p.stat().st_size for p in tmp_path.glob("webhook-rejections.jsonl*")]
    assert sum(sizes) <= 2 * 64 * 1024


def test_a_rejected_request_cannot_be_replayed(tmp_path, cli, config_dir):
    log = DeliveryLog()  # the user's log: the one `webhooks replay` reads
    app = create_app(secret=SECRET, log=log)
    post_all(app, [(b'{"event":"assets.updated","body":["A"]}', {"X-Webhook-Signature": "00" * 32})])
    (entry,) = log.read()
    r = cli("webhooks", "replay", entry["id"])
    assert r.code == 2
    assert f"{entry['id']} is a request the listener rejected" in r.stderr
    assert "logged without their body, so there is nothing to replay" in r.stderr


class HmacCounter:
    def __init__(self, monkeypatch) -> None:
        self.calls = 0
        real = signing.digest

        def counting(body, secret):
            self.calls += 1
            return real(body, secret)

        monkeypatch.setattr(signing, "digest", counting)
        monkeypatch.setattr(gate, "digest", counting)


def test_past_the_diagnosis_budget_a_rejection_costs_one_hmac(tmp_path, monkeypatch):
    log = DeliveryLog(tmp_path / "webhook-deliveries.jsonl")
    app = create_app(secret=SECRET, log=log)
    app.state.listener.gate.budget = DiagnosisBudget(rate=0.0, burst=1)
    body = catalog.encode("assets.updated", ["A1"])
    # signed over json.dumps' default spacing: what a sender that re-serialises the JSON signs
    reserialised = json.dumps(json.loads(body)).encode()
    bad = {"X-Webhook-Signature": sign(reserialised, SECRET)}
    hmacs = HmacCounter(monkeypatch)

    post_all(app, [(body, bad)])
    diagnosed = hmacs.calls
    post_all(app, [(body, bad)] * 50)
    assert diagnosed > 5  # the full diagnosis tries whitespace variants, then re-serialisations
    assert hmacs.calls - diagnosed == 50  # then one HMAC each, as for a valid delivery
    reasons = [e["error"] for e in reversed(log.read())]
    assert reasons[0].startswith("reserialised: the signature matches a re-serialisation")
    assert set(reasons[1:]) == {"wrong_secret_or_tampered: the signature does not match this body "
                                "(the secret is wrong, or the body changed on the way)"}


def test_a_valid_signature_is_accepted_without_the_diagnosis(tmp_path, monkeypatch):
    app = create_app(secret=SECRET, log=False)
    app.state.listener.gate.budget = DiagnosisBudget(rate=0.0, burst=0)
    body = catalog.encode("assets.updated", ["A1"])
    signed = [(body, {"X-Webhook-Signature": sign(body, SECRET)}),
              (body, {"X-Webhook-Signature": "sha256=" + sign(body, SECRET)}),
              (body, {"X-Webhook-Signature": sign(body, SECRET, "base64")})]
    hmacs = HmacCounter(monkeypatch)
    codes = post_all(app, signed)
    assert codes == [200, 200, 200] and hmacs.calls == 3


def test_the_budget_refills_with_time(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(gate.time, "monotonic", lambda: now[0])
    budget = DiagnosisBudget(rate=2.0, burst=3)
    assert [budget.take() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.5
    assert [budget.take(), budget.take()] == [True, False]


@pytest.mark.parametrize("encode, reason", [
    (lambda mac: mac.hex().encode().hex(), "the signature is the hex encoding of the hex digest"),
    (lambda mac: base64.b64encode(mac).hex(), "the signature is the hex encoding of the base64 digest"),
    (lambda mac: base64.b64encode(mac.hex().encode()).decode(),
     "the signature is the base64 encoding of the hex digest"),
    (lambda mac: base64.b64encode(base64.b64encode(mac)).decode(),
     "the signature is base64-encoded twice"),
], ids=["hex-of-hex", "hex-of-base64", "base64-of-hex", "base64-of-base64"])
def test_the_encoding_diagnosis_compares_in_constant_time(monkeypatch, encode, reason):
    compared: list[tuple] = []
    real = signing.hmac.compare_digest

    def recording(a, b):
        compared.append((type(a), type(b)))
        return real(a, b)

    monkeypatch.setattr(signing.hmac, "compare_digest", recording)
    body = catalog.encode("assets.updated", ["A1"])
    result = signing.verify(body, SECRET, encode(signing.digest(body, SECRET)))
    assert not result.ok and result.cause == signing.Cause.WRONG_ENCODING
    assert result.reason.startswith(reason)
    assert (str, str) in compared  # the attacker-derived text met the digest in compare_digest
