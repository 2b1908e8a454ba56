"""`webhooks test` passes a correct receiver and names what is wrong with broken ones."""

from __future__ import annotations

import asyncio
import json

from makini_cli.webhooks import conformance
from makini_cli.webhooks.conformance import FAIL, PASS, SKIP, WARN, Schedule
from makini_cli.webhooks.deliverylog import DeliveryLog, body_of
from makini_cli.webhooks.listener import create_app
from makini_cli.webhooks.signing import verify

from tests.webhooks.wh_servers import Receiver

SECRET = "whsec_conformance"
QUICK = Schedule(0.01, 2.0, 3)


def run(url: str, **kwargs) -> conformance.Report:
    kwargs.setdefault("retry_schedule", QUICK)
    kwargs.setdefault("ack_timeout", 2.0)
    return asyncio.run(conformance.run(url, SECRET, **kwargs))


def results(report) -> dict[str, str]:
    return {c.name: c.result for c in report.checks}


def verifying(respond_ok=lambda got, n: 200):
    """A correct receiver: 401 unless the signature over the raw body is valid."""
    def respond(got, n):
        if not verify(got.body, SECRET, got.headers.get("x-webhook-signature")):
            return 401, 0
        return respond_ok(got, n), 0
    return Receiver(respond=respond)


def test_a_correct_receiver_passes_every_check(serve):
    server = serve(verifying())
    report = run(server.base_url + "/hooks")
    assert report.ok and report.exit_code == 0
    got = results(report)
    assert all(r in (PASS, SKIP) for r in got.values()), got
    assert got["uses HTTPS"] == SKIP  # http on loopback is fine locally
    assert {f"delivers {e}" for e in ("assets.updated", "connection-statuses.deleted",
                                      "purchase-orders.inserted")} <= set(got)


def test_the_makini_listener_itself_passes(serve, tmp_path):
    server = serve(create_app(secret=SECRET, log=DeliveryLog(tmp_path / "listen.jsonl")))
    report = run(server.base_url + "/", events=["assets.*"])
    assert report.ok, [(c.name, c.detail) for c in report.checks]


def test_a_receiver_accepting_forged_requests_fails(serve):
    server = serve(Receiver())  # says 200 to anything
    report = run(server.base_url, events=["assets.updated"])
    assert not report.ok and report.exit_code == 3
    forged = next(c for c in report.checks if c.name == "rejects a wrong signature")
    assert forged.result == FAIL and forged.required and "accepts forged requests" in forged.detail
    assert results(report)["rejects an unsigned request"] == FAIL


def test_a_receiver_that_times_out_fails_after_retries(serve):
    receiver = Receiver(respond=lambda got, n: (200, 0.5))
    server = serve(receiver)
    report = run(server.base_url, events=["sites.inserted", "sites.updated"], ack_timeout=0.1)
    check = next(c for c in report.checks if c.name == "delivers sites.inserted")
    assert check.result == FAIL and len(check.attempts) == QUICK.max_attempts
    assert "no answer within" in check.detail
    assert results(report)["delivers sites.updated"] == SKIP
    assert results(report)["rejects a wrong signature"] == SKIP
    assert not report.ok


def test_a_receiver_rejecting_duplicates_fails(serve):
    seen: set[bytes] = set()

    def once(got, n):
        if got.body in seen:
            return 409
        seen.add(got.body)
        return 200

    server = serve(verifying(once))
    report = run(server.base_url, events=["work-orders.updated"])
    check = next(c for c in report.checks if c.name == "acknowledges a duplicate")
    assert check.result == FAIL and "deduplicate" in check.detail
    assert not report.ok


def test_a_receiver_that_recovers_on_retry_is_warned(serve):
    def flaky(got, n):
        return 503 if n == 1 else 200

    server = serve(verifying(flaky))
    report = run(server.base_url, events=["materials.updated"])
    check = next(c for c in report.checks if c.name == "delivers materials.updated")
    assert check.result == WARN and [a["status_code"] for a in check.attempts] == [503, 200]
    assert report.ok


def test_slow_answers_and_redirects_are_warnings(serve):
    def slow(got, n):
        return 200

    receiver = verifying(slow)
    server = serve(receiver)
    report = run(server.base_url, events=["locations.inserted"], slow_after=0.0)
    assert results(report)["answers quickly"] == WARN and report.ok

    redirecting = serve(Receiver(respond=lambda got, n: (307, 0)))
    report = run(redirecting.base_url, events=["locations.inserted"])
    assert results(report)["no redirects"] == WARN
    assert "redirect" in next(c for c in report.checks
                              if c.name == "delivers locations.inserted").detail


def test_plain_http_to_a_public_host_is_warned():
    report = asyncio.run(conformance.run("http://192.0.2.1:9/", SECRET, events=["assets.updated"],
                                         retry_schedule=QUICK, ack_timeout=0.2))
    assert results(report)["uses HTTPS"] == WARN


def test_an_unreachable_endpoint_fails_and_skips_the_rest():
    report = run("http://127.0.0.1:9/nothing-here", events=["assets.updated"])
    assert not report.ok
    assert results(report)["delivers assets.updated"] == FAIL
    assert results(report)["rejects a wrong signature"] == SKIP


def test_every_attempt_is_logged_without_the_secret(serve, tmp_path):
    server = serve(verifying())
    log = DeliveryLog(tmp_path / "deliveries.jsonl")
    report = run(server.base_url, events=["assets.updated"], log=log)
    entries = log.read()
    assert len(entries) == sum(len(c.attempts) for c in report.checks)
    assert {e["source"] for e in entries} == {"test"}
    assert SECRET not in (tmp_path / "deliveries.jsonl").read_text()
    delivered = next(e for e in entries if e["check"] == "delivers assets.updated")
    assert json.loads(body_of(delivered))["event"] == "assets.updated"
    assert any(k.lower() == "x-webhook-signature" for k, _ in delivered["headers"])


def test_report_serialises_to_json(serve):
    server = serve(verifying())
    report = run(server.base_url, events=["assets.updated"])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] is True and {c["result"] for c in data["checks"]} <= {PASS, SKIP}


def test_a_receiver_needing_inserted_before_updated_fails_out_of_order(serve):
    known: set[str] = set()

    def strict(got, n):
        payload = json.loads(got.body)
        if payload["event"].endswith(".inserted"):
            known.update(payload["body"])
            return 200
        return 200 if set(payload["body"]) <= known else 404

    server = serve(verifying(strict))
    report = run(server.base_url, events=["assets.inserted"])
    check = next(c for c in report.checks if c.name == "acknowledges out-of-order events")
    assert check.result == FAIL and "assets.updated before assets.inserted" in check.detail
    assert not report.ok
