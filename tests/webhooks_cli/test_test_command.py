"""`webhooks test URL` against receivers over real HTTP: a correct one passes (exit 0); one that
accepts forged requests, one that answers too late and one that refuses duplicates fail (exit 3).
The fast retry schedule and short timeouts keep it quick; nothing here asserts a duration."""

from __future__ import annotations

import json

import pytest

from makini_cli.webhooks.listener import create_app
from makini_cli.webhooks.signing import verify
from tests.webhooks.wh_servers import Receiver
from tests.webhooks_cli.conftest import SECRET

CHECK_KEYS = {"name", "result", "required", "duration_ms", "detail", "attempts"}


def run_test(cli, url, secret_file, *extra):
    return cli("webhooks", "test", url, "--secret-file", secret_file, "--retry-schedule", "fast", *extra)


def checks(result) -> dict[str, dict]:
    return {c["name"]: c for c in result.json()["checks"]}


class RefusesDuplicates:
    """Verifies signatures properly but answers 409 to a body it has already accepted."""

    def __init__(self) -> None:
        self.seen: set[bytes] = set()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        signature = dict(scope["headers"]).get(b"x-webhook-signature", b"").decode()
        if not verify(body, SECRET, signature):
            status = 401
        elif body in self.seen:
            status = 409
        else:
            self.seen.add(body)
            status = 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def test_a_correct_receiver_passes_every_check(cli, serve, secret_file):
    server = serve(create_app(secret=SECRET, log=False))
    r = run_test(cli, server.base_url + "/", secret_file, "-e", "purchase-orders.*")
    assert r.code == 0, r
    report = r.json()
    assert report["url"] == server.base_url + "/" and report["ok"] is True
    for check in report["checks"]:
        assert set(check) == CHECK_KEYS
        assert check["result"] == "PASS" or (not check["required"] and check["result"] == "SKIP")
    found = checks(r)
    assert {"delivers purchase-orders.inserted", "delivers purchase-orders.updated",
            "rejects a wrong signature", "rejects an unsigned request", "rejects a tampered body",
            "acknowledges a duplicate", "acknowledges out-of-order events"} <= set(found)
    assert found["rejects a wrong signature"]["attempts"][0]["status_code"] == 401
    assert "ready for Makini's webhooks" in r.stderr
    assert SECRET not in r.stdout + r.stderr


def test_a_receiver_that_accepts_bad_signatures_fails(cli, serve, secret_file):
    server = serve(Receiver())  # answers 200 to anything
    r = run_test(cli, server.base_url + "/hooks", secret_file, "-e", "assets.updated")
    assert r.code == 3, r
    report = r.json()
    assert report["ok"] is False
    found = checks(r)
    assert found["delivers assets.updated"]["result"] == "PASS"
    for name in ("rejects a wrong signature", "rejects an unsigned request", "rejects a tampered body"):
        assert found[name]["result"] == "FAIL" and found[name]["required"] is True
    assert "forged" in found["rejects a wrong signature"]["detail"]
    assert "not ready for Makini's webhooks" in r.stderr and "failed: rejects a wrong signature" in r.stderr


def test_a_receiver_that_answers_too_late_fails(cli, serve, secret_file):
    server = serve(Receiver(respond=lambda req, n: (200, 1.0)))
    r = run_test(cli, server.base_url + "/slow", secret_file, "-e", "sites.inserted", "--timeout", "0.2")
    assert r.code == 3, r
    found = checks(r)
    delivery = found["delivers sites.inserted"]
    assert delivery["result"] == "FAIL"
    assert len(delivery["attempts"]) == 4  # the first try and three retries on the fast schedule
    assert all(a["status_code"] is None and "no answer within 0.2 s" in a["error"]
               for a in delivery["attempts"])
    assert found["acknowledges a duplicate"]["result"] == "SKIP"


def test_a_receiver_that_refuses_duplicates_fails(cli, serve, secret_file):
    server = serve(RefusesDuplicates())
    r = run_test(cli, server.base_url + "/", secret_file, "-e", "work-orders.updated")
    assert r.code == 3, r
    found = checks(r)
    assert found["rejects a wrong signature"]["result"] == "PASS"
    duplicate = found["acknowledges a duplicate"]
    assert duplicate["result"] == "FAIL"
    assert "second, identical delivery was not acknowledged" in duplicate["detail"]
    assert [a["status_code"] for a in duplicate["attempts"]][:2] == [200, 409]


def test_a_failing_run_renders_a_table_with_o_table(cli, serve, secret_file):
    server = serve(Receiver())
    r = run_test(cli, server.base_url + "/", secret_file, "-e", "assets.updated", "-o", "table")
    assert r.code == 3
    assert "CHECK" in r.stdout and "RESULT" in r.stdout
    assert "rejects a wrong signature" in r.stdout and "FAIL" in r.stdout


def test_every_attempt_goes_to_the_delivery_log(cli, serve, secret_file):
    server = serve(create_app(secret=SECRET, log=False))
    r = run_test(cli, server.base_url + "/", secret_file, "-e", "materials.inserted")
    assert r.code == 0
    attempts = sum(len(c["attempts"]) for c in r.json()["checks"])
    logged = cli("webhooks", "logs", "--source", "test", "--limit", "0").json()
    assert len(logged) == attempts
    assert {e["url"] for e in logged} == {server.base_url + "/"}
    assert {e["status_code"] for e in logged} == {200, 401}


@pytest.mark.parametrize("args, message", [
    (["http://127.0.0.1:9/", "-e", "assets.exploded"], "unknown webhook events: assets.exploded"),
    (["ftp://example.com/"], "is not a usable URL: it must start with http:// or https://"),
    (["http://[::1"], "is not a usable URL: it has an unclosed '['"),
    (["http://127.0.0.1:9/", "--retry-schedule", "sometimes"], "bad --retry-schedule"),
])
def test_bad_input_is_exit_2(cli, secret_file, args, message):
    r = cli("webhooks", "test", *args, "--secret-file", secret_file)
    assert r.code == 2, r
    assert message in json.loads(r.stderr)["error"]["message"]


def test_an_unreachable_endpoint_fails_without_waiting_on_the_other_checks(cli, secret_file):
    r = run_test(cli, "http://127.0.0.1:9/hooks", secret_file, "-e", "assets.updated")
    assert r.code == 3
    found = checks(r)
    assert found["delivers assets.updated"]["result"] == "FAIL"
    assert found["rejects a wrong signature"]["result"] == "SKIP"
    assert "unreachable" in found["rejects a wrong signature"]["detail"]


def test_an_endpoint_that_refuses_the_signature_is_told_to_check_its_secret_not_retried(cli, serve, tmp_path):
    """A receiver with another secret answers 401 at once: that is a verdict, not a slow endpoint."""
    other = tmp_path / "other-secret.txt"
    other.write_text("whsec_not_the_receivers\n")
    server = serve(create_app(secret=SECRET, log=False))
    r = run_test(cli, server.base_url + "/", other, "-e", "assets.updated")
    assert r.code == 3, r
    delivered = checks(r)["delivers assets.updated"]
    assert delivered["result"] == "FAIL"
    assert [a["status_code"] for a in delivered["attempts"]] == [401, 401]  # retried once, not four times
    assert "refused the signature" in delivered["detail"]
    assert "check that it verifies with the same secret" in delivered["detail"]
    assert "not acknowledged with 2xx in time" not in delivered["detail"]
    assert "the endpoint refuses the signature of every signed delivery" in r.stderr


def test_a_server_error_is_still_retried_on_the_schedule(cli, serve, secret_file):
    rec = Receiver(respond=lambda got, n: (500, 0.0))
    url = serve(rec).base_url + "/hooks"
    r = run_test(cli, url, secret_file, "-e", "assets.updated")
    assert r.code == 3
    assert len(checks(r)["delivers assets.updated"]["attempts"]) == 4
