"""`webhooks sign`, `verify` and `events`: signatures agree with an independent HMAC, a failed
verification names its cause (exit 3), a missing secret is exit 2, and the secret never shows."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from tests.webhooks_cli.conftest import SECRET

BODY = b'{"event":"purchase-orders.inserted","body":["08000753654629"]}'


def independent(body: bytes, secret: str, encoding: str) -> str:
    mac = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return mac.hex() if encoding == "hex" else base64.b64encode(mac).decode()


def no_secret_in(result) -> None:
    assert SECRET not in result.stdout and SECRET not in result.stderr


@pytest.fixture
def body_file(tmp_path):
    path = tmp_path / "body.json"
    path.write_bytes(BODY)
    return path


@pytest.mark.parametrize("encoding", ["hex", "base64"])
def test_sign_agrees_with_an_independent_hmac(cli, body_file, secret_file, encoding):
    r = cli("webhooks", "sign", "--secret-file", secret_file, "--encoding", encoding, body_file)
    assert r.code == 0, r
    assert r.stdout == independent(BODY, SECRET, encoding) + "\n"
    no_secret_in(r)


def test_sign_reads_stdin_byte_for_byte(cli):
    with_newline = BODY + b"\n"
    r = cli("webhooks", "sign", "-", input=with_newline, env={"MAKINI_WEBHOOK_SECRET": SECRET})
    assert r.code == 0, r
    assert r.stdout.strip() == independent(with_newline, SECRET, "hex")
    assert r.stdout.strip() != independent(BODY, SECRET, "hex")


def test_sign_with_o_json_describes_the_header(cli, body_file, secret_file):
    r = cli("webhooks", "sign", "--secret-file", secret_file, body_file, "-o", "json")
    assert r.code == 0, r
    assert r.json() == {"header": "X-Webhook-Signature", "signature": independent(BODY, SECRET, "hex"),
                        "encoding": "hex", "bytes": len(BODY)}


def test_secret_precedence_is_flag_then_file_then_environment(cli, body_file, secret_file):
    env = {"MAKINI_WEBHOOK_SECRET": "from-env"}
    r = cli("webhooks", "sign", body_file, env=env)
    assert r.stdout.strip() == independent(BODY, "from-env", "hex")
    r = cli("webhooks", "sign", "--secret-file", secret_file, body_file, env=env)
    assert r.stdout.strip() == independent(BODY, SECRET, "hex")
    r = cli("webhooks", "sign", "--secret", "from-flag", "--secret-file", secret_file, body_file, env=env)
    assert r.stdout.strip() == independent(BODY, "from-flag", "hex")


def test_a_secret_on_the_command_line_draws_a_warning(cli, body_file):
    r = cli("webhooks", "sign", "--secret", SECRET, body_file)
    assert r.code == 0
    assert "warning: --secret on the command line is visible" in r.stderr
    assert "--secret-file" in r.stderr and "MAKINI_WEBHOOK_SECRET" in r.stderr
    no_secret_in(r)


@pytest.mark.parametrize("command", [["sign"], ["verify", "--signature", "0" * 64]])
def test_a_missing_secret_is_a_usage_error_with_a_hint(cli, body_file, command):
    r = cli("webhooks", *command, body_file)
    assert r.code == 2, r
    err = json.loads(r.stderr)["error"]
    assert err["message"] == "a webhook secret is needed"
    assert "MAKINI_WEBHOOK_SECRET" in err["hint"] and "--secret-file" in err["hint"]
    assert r.stdout == ""


@pytest.mark.parametrize("encoding", ["hex", "base64"])
def test_verify_accepts_a_valid_signature_in_either_encoding(cli, body_file, secret_file, encoding):
    signature = independent(BODY, SECRET, encoding)
    r = cli("webhooks", "verify", "--signature", signature, "--secret-file", secret_file, body_file)
    assert r.code == 0, r
    result = r.json()
    assert result["valid"] is True and result["encoding"] == encoding and result["cause"] is None
    assert f"valid signature ({encoding}" in r.stderr
    no_secret_in(r)


def reserialised(body: bytes) -> bytes:
    return json.dumps(json.loads(body), indent=2).encode()


# (what the verifier is given: body, signature) -> the cause verify must name
CASES = {
    "wrong secret": (BODY, independent(BODY, "not-the-secret", "hex"), "wrong_secret_or_tampered",
                     "secret from Makini's dashboard"),
    "tampered body": (BODY.replace(b"08", b"09"), independent(BODY, SECRET, "hex"),
                      "wrong_secret_or_tampered", "exact bytes"),
    "re-serialised body": (reserialised(BODY), independent(BODY, SECRET, "hex"), "reserialised",
                           "before any JSON parsing"),
    "encoded twice": (BODY, independent(BODY, SECRET, "base64").encode().hex(), "wrong_encoding",
                      "encode it once"),
    "truncated digest": (BODY, independent(BODY, SECRET, "hex")[:40], "wrong_encoding", "encode it once"),
    "newline added": (BODY + b"\n", independent(BODY, SECRET, "hex"), "whitespace", "no added or stripped"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_verify_names_the_cause_of_each_failure(cli, tmp_path, secret_file, case):
    body, signature, cause, hint = CASES[case]
    path = tmp_path / "received.json"
    path.write_bytes(body)
    r = cli("webhooks", "verify", "--signature", signature, "--secret-file", secret_file, path)
    assert r.code == 3, r
    result = r.json()
    assert result["valid"] is False and result["cause"] == cause
    first, second = r.stderr.splitlines()[-2:]
    assert first.startswith("invalid signature: ") and f"[{cause}]" in first
    assert second.startswith("hint: ") and hint in second
    no_secret_in(r)


def test_verify_reads_the_body_from_stdin(cli):
    signature = independent(BODY, SECRET, "hex")
    env = {"MAKINI_WEBHOOK_SECRET": SECRET}
    assert cli("webhooks", "verify", "-s", signature, input=BODY, env=env).code == 0
    assert cli("webhooks", "verify", "-s", signature, input=BODY + b" ", env=env).code == 3


def test_events_lists_the_catalog(cli):
    r = cli("webhooks", "events")
    assert r.code == 0
    rows = {row["event"]: row for row in r.json()}
    assert rows["purchase-orders.inserted"]["confirmed"] is True
    assert rows["connection-statuses.deleted"]["confirmed"] is True
    assert rows["sync.completed"]["confirmed"] is False
    assert "assets.deleted" not in rows


def test_a_sample_is_the_exact_bytes_makini_sends_and_signs_as_is(cli, secret_file):
    r = cli("webhooks", "events", "--sample", "assets.updated", "--count", "2")
    assert r.code == 0
    payload = json.loads(r.stdout)
    assert payload["event"] == "assets.updated" and len(payload["body"]) == 2
    assert r.stdout.encode() == json.dumps(payload, separators=(",", ":")).encode()  # no newline
    signed = cli("webhooks", "sign", "--secret-file", secret_file, input=r.stdout)
    assert signed.stdout.strip() == independent(r.stdout.encode(), SECRET, "hex")


def test_an_unknown_sample_event_is_a_usage_error(cli):
    r = cli("webhooks", "events", "--sample", "assets.exploded")
    assert r.code == 2 and "unknown webhook event" in r.stderr
