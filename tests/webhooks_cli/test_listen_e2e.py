"""End to end: a served sandbox delivers to `makini webhooks listen --expand` running as a real
process. `po create` makes the sandbox send `purchase-orders.inserted`; the listener verifies the
signature, fetches the order through the API and prints it on stdout. A tampered delivery gets
401 and a line on stderr; Ctrl-C stops the listener with exit 0."""

from __future__ import annotations

import json
import signal

import httpx
import pytest

from makini_cli.webhooks import catalog
from makini_cli.webhooks.signing import sign
from tests.webhooks_cli.conftest import SECRET


def healthy_connection(sandbox) -> str:
    return next(c["key"] for c in sandbox.connections()
                if c["scenario"] == "healthy" and c["status"] == "Active")


@pytest.fixture
def listening(served_sandbox, secret_file, makini_process):
    """The listener subprocess, logged in to the served sandbox, and the URL it printed."""
    conn = healthy_connection(served_sandbox.sandbox)
    proc = makini_process("--base-url", served_sandbox.base_url, "--sandbox", "webhooks", "listen",
                          "--port", "0", "--path", "/hooks", "--secret-file", secret_file,
                          "--expand", "-c", conn)
    url = proc.stderr_until(r"^listening on (http://127\.0\.0\.1:\d+/hooks) ").group(1)
    return proc, url, conn


def sandbox_cli(cli, served_sandbox, *args, **kw):
    return cli("--base-url", served_sandbox.base_url, "--sandbox", *args, **kw)


def test_po_create_reaches_the_listener_verified_and_expanded(cli, served_sandbox, secret_file, listening):
    proc, url, conn = listening
    r = sandbox_cli(cli, served_sandbox, "webhooks", "configure-sandbox", "--url", url,
                    "--secret-file", secret_file, "-e", "purchase-orders.*")
    assert r.code == 0, r
    assert r.json()["url"] == url and r.json()["secret_set"] is True
    assert SECRET not in r.stdout + r.stderr
    shown = sandbox_cli(cli, served_sandbox, "webhooks", "configure-sandbox").json()
    assert shown["url"] == url and shown["events"] == ["purchase-orders.*"] and "secret" not in shown

    r = sandbox_cli(cli, served_sandbox, "po", "create", "-c", conn, "--file", "-",
                    input='{"title": "Bearings for line 3", "currencyKey": "EUR"}')
    assert r.code == 0, r
    created = r.json()

    event = json.loads(proc.stdout_line())
    assert event["event"] == "purchase-orders.inserted"
    assert event["body"] == [created["key"]]
    assert event["verified"] is True and "expand_error" not in event
    [record] = event["records"]
    assert record["key"] == created["key"] and record["title"] == "Bearings for line 3"
    assert record["orderNo"] == created["orderNo"]
    proc.stderr_until(rf"purchase-orders\.inserted {created['key']} \[verified\] → 1 record")

    # the sandbox's own log shows the attempt, acknowledged
    deliveries = sandbox_cli(cli, served_sandbox, "webhooks", "logs").json()
    assert [(d["event"], d["status_code"], d["url"]) for d in deliveries] == [
        ("purchase-orders.inserted", 200, url)]
    # and this machine's log the listener's side of it, byte for byte
    [entry] = sandbox_cli(cli, served_sandbox, "webhooks", "logs", "--local", "--full").json()
    assert entry["source"] == "listen" and entry["status_code"] == 200
    assert entry["body"] == catalog.encode("purchase-orders.inserted", [created["key"]]).decode()

    assert proc.stop(signal.SIGINT) == 0
    assert any(line.startswith("stopped: 1 received, 1 accepted") for line in proc.stderr_lines)
    assert SECRET not in "\n".join(proc.stderr_lines)


def test_a_tampered_delivery_gets_401_and_a_line_on_stderr(listening):
    proc, url, _ = listening
    body = catalog.encode("purchase-orders.inserted", ["08000753654629"])
    signature = sign(body, SECRET)
    tampered = body.replace(b"0800", b"0900")
    r = httpx.post(url, content=tampered, headers={"X-Webhook-Signature": signature}, trust_env=False)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "INVALID_SIGNATURE"
    proc.stderr_until(r"rejected purchase-orders\.inserted with 401: wrong_secret_or_tampered")

    forged = httpx.post(url, content=body, headers={"X-Webhook-Signature": sign(body, "guess")},
                        trust_env=False)
    assert forged.status_code == 401
    assert httpx.post(url, content=body, headers={"X-Webhook-Signature": signature},
                      trust_env=False).status_code == 200
    event = json.loads(proc.stdout_line())  # only the genuine one reaches stdout
    assert event["body"] == ["08000753654629"] and event["verified"] is True
    assert proc.stop(signal.SIGTERM) == 0
    assert any(line.startswith("stopped: 3 received, 1 accepted, 2 rejected") for line in proc.stderr_lines)


def test_configure_sandbox_is_refused_off_the_sandbox_profile(cli):
    r = cli("--base-url", "http://127.0.0.1:9", "webhooks", "configure-sandbox", "--url", "http://127.0.0.1:8080/")
    assert r.code == 2
    err = json.loads(r.stderr)["error"]
    assert "sandbox only" in err["message"] and "--sandbox" in err["hint"]


def test_listen_refuses_a_port_it_cannot_bind(cli, serve, secret_file):
    from tests.webhooks.wh_servers import Receiver

    taken = serve(Receiver()).base_url.rsplit(":", 1)[1]
    r = cli("webhooks", "listen", "--port", taken, "--secret-file", secret_file)
    assert r.code == 2 and f"cannot listen on 127.0.0.1:{taken}" in r.stderr


def test_expand_needs_a_connection_for_record_events(cli, secret_file):
    r = cli("webhooks", "listen", "--expand", "--port", "0", "--secret-file", secret_file)
    assert r.code == 2
    assert "no connection given" in r.stderr and "listening on" not in r.stderr
