"""`webhooks logs` reads the local delivery log that `test` writes, filtered; `webhooks replay`
resends a logged delivery byte for byte (a receiver records the raw body and signature header)."""

from __future__ import annotations

import base64
import json

from makini_cli.webhooks.deliverylog import DeliveryLog
from makini_cli.webhooks.listener import create_app
from makini_cli.webhooks.signing import sign
from tests.webhooks.wh_servers import Receiver
from tests.webhooks_cli.conftest import SECRET


class FailsFirst:
    """A correct receiver (the listener) that answers 500 to the very first request only."""

    def __init__(self) -> None:
        self.app = create_app(secret=SECRET, path="/hooks", log=False)
        self.requests = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.requests += 1
            if self.requests == 1:
                await send({"type": "http.response.start", "status": 500, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


def failing_run(cli, serve, secret_file) -> str:
    """A `webhooks test` run whose first delivery fails once (retried: a WARN); returns the URL."""
    url = serve(FailsFirst()).base_url + "/hooks"
    r = cli("webhooks", "test", url, "--secret-file", secret_file, "-e", "assets.updated")
    assert r.code == 0, r
    assert "acknowledged only on attempt 2" in r.stdout
    return url


def logs(cli, *args) -> list[dict]:
    r = cli("webhooks", "logs", "-o", "json", *args)
    assert r.code == 0, r
    return r.json()


def test_a_test_run_writes_the_log_and_status_filters_it(cli, serve, secret_file):
    url = failing_run(cli, serve, secret_file)
    everything = logs(cli, "--limit", "0")
    assert len(everything) > 5 and {e["url"] for e in everything} == {url}
    assert {e["source"] for e in everything} == {"test"}
    failed = logs(cli, "--status", "failed", "--limit", "0")
    assert sorted(e["status_code"] for e in failed) == [401, 401, 401, 500]  # the 500, the rejections
    assert failed == [e for e in everything if e["status_code"] != 200]
    ok = logs(cli, "--status", "ok", "--limit", "0")
    assert ok and all(e["status_code"] == 200 for e in ok) and len(ok) + len(failed) == len(everything)
    assert logs(cli, "--source", "listen") == []
    assert len(logs(cli, "--limit", "2")) == 2
    assert "body_b64" not in everything[0] and "headers" not in everything[0]
    times = [e["time"] for e in everything]
    assert times == sorted(times, reverse=True)  # newest first


def test_since_leaves_out_older_entries(cli):
    log = DeliveryLog()
    old = log.append(source="test", url="http://127.0.0.1:9/", event="assets.updated", status_code=200,
                     duration_ms=1.0)
    old["time"] = "2020-01-01T00:00:00.000Z"
    old["id"] = "wdl_old"
    log.write(old)
    recent = log.append(source="test", url="http://127.0.0.1:9/", event="assets.updated",
                        status_code=200, duration_ms=1.0)
    ids = [e["id"] for e in logs(cli, "--since", "1h")]
    assert "wdl_old" not in ids and recent["id"] in ids
    assert "wdl_old" in [e["id"] for e in logs(cli)]


def test_logs_reject_bad_filters(cli):
    assert cli("webhooks", "logs", "--status", "meh").code == 2
    assert cli("webhooks", "logs", "--source", "carrier-pigeon").code == 2
    assert cli("webhooks", "logs", "--since", "yesterday").code == 2


def first_failure(cli) -> dict:
    [entry] = logs(cli, "--status", "failed", "--source", "test", "--event", "assets.updated", "--full")[-1:]
    assert entry["check"] == "delivers assets.updated" and entry["status_code"] == 500
    return entry


def test_replay_resends_the_logged_bytes_and_signature(cli, serve, secret_file):
    failing_run(cli, serve, secret_file)
    original = first_failure(cli)
    recorder = Receiver()
    to = serve(recorder).base_url + "/fixed"

    r = cli("webhooks", "replay", original["id"], "--to", to)
    assert r.code == 0, r
    again = r.json()
    assert again["status_code"] == 200 and again["replay_of"] == original["id"]
    assert again["source"] == "replay" and again["url"] == to
    assert "replayed assets.updated" in r.stderr

    [got] = recorder.requests
    assert got.path == "/fixed"
    assert got.body == original["body"].encode()
    assert got.headers["x-webhook-signature"] == sign(got.body, SECRET)
    assert dict(original["headers"])["X-Webhook-Signature"] == got.headers["x-webhook-signature"]
    stored = DeliveryLog().get(original["id"])
    assert got.body == base64.b64decode(stored["body_b64"])  # byte for byte, not re-serialised
    assert [e["id"] for e in logs(cli, "--source", "replay")] == [again["id"]]


def test_replay_by_id_prefix_goes_to_the_original_url(cli, serve, secret_file):
    url = failing_run(cli, serve, secret_file)
    original = first_failure(cli)
    r = cli("webhooks", "replay", original["id"][:12])
    assert r.code == 0, r  # the receiver has recovered since
    assert r.json()["url"] == url and r.json()["status_code"] == 200


def test_replay_refused_by_the_receiver_exits_3(cli, serve, secret_file):
    failing_run(cli, serve, secret_file)
    refusing = serve(Receiver(respond=lambda req, n: (503, 0.0))).base_url
    r = cli("webhooks", "replay", first_failure(cli)["id"], "--to", refusing)
    assert r.code == 3, r
    assert r.json()["status_code"] == 503 and "not acknowledged" in r.stderr


def test_replay_of_an_unknown_id_is_an_error(cli):
    r = cli("webhooks", "replay", "wdl_0000000000000000")
    assert r.code == 1
    err = json.loads(r.stderr)["error"]
    assert err["code"] == "not_found" and "webhooks logs" in err["hint"]


def test_replay_to_an_unreachable_url_exits_1(cli, serve, secret_file):
    failing_run(cli, serve, secret_file)
    entry = logs(cli, "--limit", "1")[0]
    r = cli("webhooks", "replay", entry["id"], "--to", "http://127.0.0.1:9/")
    assert r.code == 1 and r.json()["status_code"] is None


def test_a_sandbox_delivery_id_with_another_host_needs_the_sandbox_profile(cli):
    r = cli("webhooks", "replay", "whd_0123456789abcdef", env={"MAKINI_BASE_URL": "https://api.makini.io"})
    assert r.code == 2 and "--sandbox" in json.loads(r.stderr)["error"]["hint"]


def sandbox_deliveries(cli, serve, secret_file) -> tuple[Receiver, list[dict]]:
    """The embedded sandbox delivers to a receiver: one order created, one delivery logged."""
    recorder = Receiver()
    url = serve(recorder).base_url + "/hooks"
    assert cli("--sandbox", "webhooks", "configure-sandbox", "--url", url, "--secret-file", secret_file).code == 0
    conn = cli("--sandbox", "connections", "list", "-o", "json").json()[0]["id"]
    r = cli("--sandbox", "po", "create", "-c", conn, "--file", "-", input='{"orderNo": "RP-1", "title": "replayed"}')
    assert r.code == 0, r
    rows = cli("--sandbox", "webhooks", "logs", "-o", "json").json()
    assert rows and recorder.requests
    return recorder, rows


def test_the_ids_sandbox_logs_print_are_the_ids_replay_takes(cli, serve, secret_file):
    recorder, rows = sandbox_deliveries(cli, serve, secret_file)
    attempt, delivery = rows[0]["id"], rows[0]["delivery_id"]
    assert isinstance(rows[0]["duration_ms"], float)  # a number, not a decimal string
    for given in (attempt, delivery, attempt[:10]):  # whole ids, or a unique prefix
        r = cli("--sandbox", "webhooks", "replay", given)
        assert r.code == 0, r
        assert r.json()["delivery_id"] == delivery and isinstance(r.json()["duration_ms"], float)
    r = cli("webhooks", "replay", attempt)  # as printed, without --sandbox: the embedded sandbox's
    assert r.code == 0, r
    assert len(recorder.requests) == 5 and len({req.body for req in recorder.requests}) == 1


def test_to_is_refused_for_a_sandbox_delivery_with_a_reason(cli, serve, secret_file):
    _recorder, rows = sandbox_deliveries(cli, serve, secret_file)
    r = cli("--sandbox", "webhooks", "replay", rows[0]["id"], "--to", "http://127.0.0.1:9/")
    assert r.code == 2
    err = json.loads(r.stderr)["error"]
    assert "--to does not apply to a sandbox redelivery" in err["message"] and "configure-sandbox" in err["hint"]


def test_the_logs_table_never_folds_an_id_on_a_narrow_terminal(cli, serve, secret_file, config_dir):
    from tests.pty_run import on_a_terminal

    failing_run(cli, serve, secret_file)
    ids = [e["id"] for e in logs(cli, "--limit", "3")]
    code, screen = on_a_terminal(["webhooks", "logs", "--limit", "3"], columns=60)
    assert code == 0 and "ID" in screen
    for delivery_id in ids:
        assert delivery_id in screen  # whole, on one line: copy it into `webhooks replay`
