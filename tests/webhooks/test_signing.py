"""Signing and verification agree with an independent HMAC, and failures name their cause."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from makini_cli.webhooks.signing import Cause, sign, verify

SECRET = "whsec_5f2b1c"
BODY = b'{"event":"assets.updated","body":["05000466777786","01000350581646"]}'


def reference(body: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode(), body, hashlib.sha256).digest()


def test_sign_hex_matches_an_independent_hmac():
    assert sign(BODY, SECRET) == reference(BODY, SECRET).hex()


def test_sign_base64_matches_an_independent_hmac():
    assert sign(BODY, SECRET, "base64") == base64.b64encode(reference(BODY, SECRET)).decode()


def test_sign_accepts_a_bytes_secret():
    assert sign(BODY, SECRET.encode()) == sign(BODY, SECRET)


@pytest.mark.parametrize("signature", [
    reference(BODY, SECRET).hex(),
    reference(BODY, SECRET).hex().upper(),
    base64.b64encode(reference(BODY, SECRET)).decode(),
    base64.b64encode(reference(BODY, SECRET)).decode().rstrip("="),
    base64.urlsafe_b64encode(reference(BODY, SECRET)).decode(),
])
def test_verify_accepts_hex_in_any_case_and_base64(signature):
    result = verify(BODY, SECRET, signature)
    assert result.ok and bool(result) and result.cause is None


def test_verify_reports_the_encoding():
    assert verify(BODY, SECRET, sign(BODY, SECRET)).encoding == "hex"
    assert verify(BODY, SECRET, sign(BODY, SECRET, "base64")).encoding == "base64"


def test_sha256_prefix_is_accepted_with_a_note():
    result = verify(BODY, SECRET, "sha256=" + sign(BODY, SECRET))
    assert result.ok and any("sha256=" in note for note in result.notes)


def test_wrong_secret_is_named():
    result = verify(BODY, SECRET, sign(BODY, "another"))
    assert not result and result.cause is Cause.WRONG_SECRET_OR_TAMPERED and result.reason


def test_tampered_body_is_named():
    result = verify(BODY.replace(b"0500", b"0600"), SECRET, sign(BODY, SECRET))
    assert result.cause is Cause.WRONG_SECRET_OR_TAMPERED


@pytest.mark.parametrize("dumps", [
    lambda o: json.dumps(o),
    lambda o: json.dumps(o, indent=2),
    lambda o: json.dumps(o, indent=4, sort_keys=True),
    lambda o: json.dumps(o, sort_keys=True, separators=(",", ":")),
])
def test_reserialised_body_is_named(dumps):
    received = dumps(json.loads(BODY)).encode()  # what a receiver that re-serialises verifies
    result = verify(received, SECRET, sign(BODY, SECRET))
    assert result.cause is Cause.RESERIALISED and "raw" in result.reason


def test_signature_over_a_reserialisation_is_named():
    sent = json.dumps(json.loads(BODY), indent=2).encode()
    assert verify(BODY, SECRET, sign(sent, SECRET)).cause is Cause.RESERIALISED


@pytest.mark.parametrize("received", [BODY + b"\n", BODY + b"\r\n", BODY + b"  "])
def test_added_trailing_whitespace_is_named(received):
    assert verify(received, SECRET, sign(BODY, SECRET)).cause is Cause.WHITESPACE


def test_stripped_trailing_newline_is_named():
    assert verify(BODY, SECRET, sign(BODY + b"\n", SECRET)).cause is Cause.WHITESPACE


def test_whitespace_around_the_signature_is_named():
    result = verify(BODY, SECRET, " " + sign(BODY, SECRET) + "\n")
    assert not result and result.cause is Cause.WHITESPACE


def test_secret_with_a_trailing_newline_is_named():
    assert verify(BODY, SECRET + "\n", sign(BODY, SECRET)).cause is Cause.WHITESPACE


@pytest.mark.parametrize("signature, words", [
    ("not a signature", "neither"),
    (sign(BODY, SECRET)[:40], "hex digits"),
    (sign(BODY, SECRET, "base64").encode().hex(), "hex encoding of the base64"),
    (base64.b64encode(sign(BODY, SECRET).encode()).decode(), "base64 encoding of the hex"),
    ("sha256=xyz", "not the 32"),
])
def test_malformed_signature_is_a_wrong_encoding(signature, words):
    result = verify(BODY, SECRET, signature)
    assert result.cause is Cause.WRONG_ENCODING and words in result.reason


@pytest.mark.parametrize("signature", [None, "", "   "])
def test_missing_signature_is_named(signature):
    assert verify(BODY, SECRET, signature).cause is Cause.MISSING


def test_non_json_body_with_wrong_signature_does_not_crash():
    assert verify(b"\xff\xfe not json", SECRET, sign(b"x", SECRET)).cause is (
        Cause.WRONG_SECRET_OR_TAMPERED)
