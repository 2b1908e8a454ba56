"""`--notify URL`: each transition POSTed as JSON with a `text` Slack and Teams show as is (names
escaped, so `<!channel>` is shown, not obeyed), signed with --notify-secret-file, retried with
backoff without delaying checks, at most 10 s of waiting in a `status` run, no secret sent.
The webhook is a small receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from makini_cli.connections.notifier import masked


class Receiver:
    """A webhook endpoint that records what it gets and answers `statuses` in turn (then 200)."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0) -> None:
        self.requests: list[dict] = []
        self.statuses = list(statuses or [])
        self.delay = delay

        async def hook(request):
            body = await request.body()
            self.requests.append({"at": time.time(), "body": body, "headers": dict(request.headers),
                                  "path": request.url.path})
            if self.delay:
                await asyncio.sleep(self.delay)
            status = self.statuses.pop(0) if self.statuses else 200
            return PlainTextResponse("ok" if status == 200 else "no", status_code=status)

        self.app = Starlette(routes=[Route("/services/T000/B000/s3cretPath", hook, methods=["POST"])])

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver(serve):
    def make(**kw):
        rec = Receiver(**kw)
        rec.url = serve(rec.app).base_url + "/services/T000/B000/s3cretPath"
        return rec

    return make


def test_status_changes_posts_each_transition_with_a_text_field(sbx, cli, receiver):
    rec = receiver()
    key = sbx.ids["healthy"]
    r = cli("connections", "status", key, "--changes", "--notify", rec.url, env=sbx.env)
    assert r.code == 0 and rec.requests == [], r  # a healthy first sight is no news
    sbx.scenario(key, "offline")
    r = cli("connections", "status", key, "--changes", "--notify", rec.url, env=sbx.env)
    assert r.code == 3, r
    [body] = rec.bodies()
    assert body["event"] == "connection.state_changed" and body["id"] == key
    assert (body["previous"], body["state"], body["failing"]) == ("healthy", "unreachable", True)
    assert body["text"].startswith("\U0001F534 makini: Nordwerk Maschinenbau GmbH") and "*unreachable*" in body["text"]
    assert "was healthy" in body["text"] and body["at"].endswith("Z") and body["previous_since"].endswith("Z")
    assert rec.requests[0]["headers"]["content-type"] == "application/json"
    assert rec.requests[0]["headers"]["user-agent"].startswith("makini-cli/")
    sbx.scenario(key, "healthy")
    r = cli("connections", "status", key, "--changes", "--notify", rec.url, env=sbx.env)
    assert r.code == 0, r
    assert rec.bodies()[-1]["text"].startswith("\U0001F7E2") and rec.bodies()[-1]["state"] == "healthy"


def test_a_fleet_broken_on_the_first_run_notifies_the_broken_ones_only(sbx, cli, receiver):
    rec = receiver()
    r = cli("connections", "status", "--all", "--notify", rec.url, env=sbx.env)
    assert r.code == 3, r
    assert sorted(b["state"] for b in rec.bodies()) == ["inactive", "inactive", "needs_reauth", "unreachable"]
    assert {b["previous"] for b in rec.bodies()} == {"unknown"}


def test_names_are_escaped_so_chat_tools_show_them_instead_of_obeying_them(sbx, cli, receiver):
    rec = receiver()
    key = sbx.ids["healthy"]
    with sbx.sandbox.tx() as db:  # a customer's own name for their system, as Makini passes it on
        db.execute("UPDATE connections SET name = ?, scenario = 'offline' WHERE key = ?",
                   ("<!channel> Acme & <https://evil.example|click> \x1b]0;x\x07", key))
    r = cli("connections", "status", key, "--notify", rec.url, env=sbx.env)
    assert r.code == 3, r
    text = rec.bodies()[0]["text"]
    assert "&lt;!channel&gt; Acme &amp; &lt;https://evil.example|click&gt;" in text
    assert "<" not in text and ">" not in text and "\x1b" not in text and "\x07" not in text
    assert rec.bodies()[0]["name"].startswith("<!channel>")  # the data field keeps the exact name


def test_a_secret_file_signs_every_body_and_no_secret_is_ever_sent(sbx, cli, receiver, tmp_path):
    rec = receiver(statuses=[503])  # the second attempt is signed afresh
    secret = tmp_path / "notify.secret"
    secret.write_text("whsec-notify-123\n")
    key = sbx.ids["needs_reauth"]
    r = cli("connections", "status", key, "--notify", rec.url, "--notify-secret-file", str(secret), env=sbx.env)
    assert r.code == 3, r
    assert len(rec.requests) == 2
    for request in rec.requests:
        header = request["headers"]["x-makini-cli-signature"]
        t, v1 = (part.split("=", 1)[1] for part in header.split(","))
        assert abs(int(t) - time.time()) < 60
        expected = hmac.new(b"whsec-notify-123", f"{t}.".encode() + request["body"], hashlib.sha256).hexdigest()
        assert hmac.compare_digest(v1, expected)
        raw = request["body"].decode() + json.dumps(request["headers"])
        for secret_value in (sbx.client_secret, "whsec-notify-123", "Bearer"):
            assert secret_value not in raw
    assert r.stderr == ""


def test_failed_deliveries_are_retried_and_the_exit_code_is_kept(sbx, cli, receiver):
    rec = receiver(statuses=[500, 429])
    r = cli("connections", "status", sbx.ids["offline"], "--notify", rec.url, env=sbx.env)
    assert r.code == 3, r
    assert len(rec.requests) == 3 and rec.bodies()[0] == rec.bodies()[2]
    assert r.stderr == ""


def test_a_refused_notice_is_reported_on_stderr_with_the_url_masked(sbx, cli, receiver):
    rec = receiver(statuses=[404])
    r = cli("connections", "status", sbx.ids["offline"], "--notify", rec.url, env=sbx.env)
    assert r.code == 3, r  # the check's exit code, whatever the notices did
    assert len(rec.requests) == 1  # a 404 is final
    assert "notice not delivered to http://127.0.0.1:" in r.stderr and "HTTP 404" in r.stderr
    assert "gave up after 1 attempt" in r.stderr and "s3cretPath" not in r.stderr


def test_a_status_run_waits_at_most_10_seconds_for_a_webhook_that_does_not_answer(sbx, cli, receiver):
    rec = receiver(delay=30)
    started = time.monotonic()
    r = cli("connections", "status", sbx.ids["offline"], "--notify", rec.url, env=sbx.env)
    took = time.monotonic() - started
    assert r.code == 3, r
    assert 9 < took < 16, took
    assert "notice not delivered" in r.stderr and "when time ran out" in r.stderr
    assert "s3cretPath" not in r.stderr


def test_a_slow_webhook_never_delays_the_next_rounds_of_watch(sbx, cli, receiver):
    rec = receiver(delay=3)
    key = sbx.ids["healthy"]
    sbx.scenario(key, "offline")
    r = cli("connections", "watch", key, "--interval", "200ms", "--rounds", "4", "--heartbeat",
            "--notify", rec.url, env=sbx.env)
    assert r.code == 3, r
    beats = [json.loads(line) for line in r.stdout.splitlines() if '"heartbeat"' in line]
    from makini_cli.timeutil import parse_rfc3339

    times = [parse_rfc3339(b["at"]).timestamp() for b in beats]
    assert len(times) == 4 and times[-1] - times[0] < 2.5, times  # not 3 s per round
    assert len(rec.requests) == 1 and rec.bodies()[0]["state"] == "unreachable"


def test_notify_needs_the_history_and_an_http_url(sbx, cli, tmp_path):
    r = cli("connections", "status", "--all", "--notify", "http://127.0.0.1:9/x", "--no-history", env=sbx.env)
    assert r.code == 2 and "--notify sends transitions, which need the history" in r.stderr
    r = cli("connections", "status", "--all", "--notify-secret-file", str(tmp_path / "s"), env=sbx.env)
    assert r.code == 2 and "give --notify too" in r.stderr
    empty = tmp_path / "empty"
    empty.write_text("\n")
    r = cli("connections", "status", "--all", "--notify", "http://127.0.0.1:9/x", "--notify-secret-file", str(empty),
            env=sbx.env)
    assert r.code == 2 and "is empty" in r.stderr


def test_plain_http_to_another_host_gets_a_warning(sbx, cli):
    r = cli("connections", "status", sbx.ids["healthy"], "--notify", "http://hooks.example.invalid/services/x/y/z",
            env=sbx.env)
    assert r.code == 0, r
    assert "warning: --notify http://hooks.example.invalid/… is plain http" in r.stderr


def test_masked_urls_keep_the_host_and_hide_the_path_query_and_user():
    assert masked("https://hooks.slack.com/services/T0/B0/XYZ") == "https://hooks.slack.com/…"
    assert masked("https://user:pw@example.com/x?token=1") == "https://example.com/…"
    assert masked("https://example.com") == "https://example.com"
