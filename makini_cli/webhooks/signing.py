"""Sign and verify Makini webhook deliveries.

Makini signs the raw request body: `X-Webhook-Signature` is HMAC-SHA256(secret, body). Its newer
sample compares a hex digest, an older one base64, so `verify` accepts both (hex in any case,
standard or URL-safe base64, padded or not) and tolerates a `sha256=` prefix, noting it.

On failure `verify` names the likely cause, because "signature mismatch" alone sends people
hunting in the wrong place. The diagnosis runs only on the failure path; a valid delivery costs
one HMAC and one constant-time comparison.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import itertools
import json
import re
from dataclasses import dataclass, field

HEADER = "X-Webhook-Signature"

_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_B64 = re.compile(r"[A-Za-z0-9+/\-_]+={0,2}")


class Cause(enum.StrEnum):
    """Why a signature did not verify."""

    MISSING = "missing"
    WRONG_SECRET_OR_TAMPERED = "wrong_secret_or_tampered"
    RESERIALISED = "reserialised"
    WRONG_ENCODING = "wrong_encoding"
    WHITESPACE = "whitespace"


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `verify`. Truthy when the signature is valid.

    `encoding` is "hex" or "base64" when the signature could be decoded; `cause` and `reason`
    say why it failed; `notes` carry remarks that do not make it fail (a `sha256=` prefix).
    """

    ok: bool
    encoding: str | None = None
    cause: Cause | None = None
    reason: str = ""
    notes: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.ok


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def digest(body: bytes, secret: str | bytes) -> bytes:
    """The raw 32-byte HMAC-SHA256 of `body` keyed by `secret`."""
    return hmac.new(_key(secret), body, hashlib.sha256).digest()


def sign(body: bytes, secret: str | bytes, encoding: str = "hex") -> str:
    """The `X-Webhook-Signature` value for `body`: lowercase hex (default) or standard base64."""
    mac = digest(body, secret)
    if encoding == "hex":
        return mac.hex()
    if encoding == "base64":
        return base64.b64encode(mac).decode("ascii")
    raise ValueError(f"unknown signature encoding {encoding!r} (use 'hex' or 'base64')")


def _b64decode(text: str) -> bytes | None:
    if not _B64.fullmatch(text):
        return None
    padded = text + "=" * (-len(text) % 4)
    try:
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def decode_signature(signature: str) -> tuple[bytes | None, str | None]:
    """Decode a signature string to its 32 raw bytes: (mac, "hex"|"base64"), or (None, None)."""
    if _HEX64.fullmatch(signature):
        return bytes.fromhex(signature), "hex"
    raw = _b64decode(signature)
    if raw is not None and len(raw) == 32:
        return raw, "base64"
    return None, None


def verify(body: bytes, secret: str | bytes, signature: str | bytes | None) -> VerifyResult:
    """Check `signature` against HMAC-SHA256(secret, body) in constant time.

    Give `body` exactly as received: never a parsed and re-serialised copy.
    """
    if isinstance(signature, bytes):
        signature = signature.decode("latin-1")
    if not signature or not signature.strip():
        return VerifyResult(False, cause=Cause.MISSING, reason="no signature was sent")
    notes: list[str] = []
    text = signature.strip()
    spaced = text != signature
    if text[:7].lower() == "sha256=":
        text = text[7:]
        notes.append("the signature has a 'sha256=' prefix; Makini sends the bare digest")
    mac, encoding = decode_signature(text)
    if mac is None:
        return _diagnose_encoding(body, secret, text, tuple(notes))
    expected = digest(body, secret)
    if hmac.compare_digest(mac, expected):
        if spaced:
            return VerifyResult(
                False, encoding, Cause.WHITESPACE,
                "the signature string has surrounding whitespace; it matches once trimmed",
                tuple(notes))
        return VerifyResult(True, encoding, notes=tuple(notes))
    return _diagnose_mismatch(body, secret, mac, encoding, tuple(notes))


def _matches(body: bytes, secret: str | bytes, mac: bytes) -> bool:
    return hmac.compare_digest(digest(body, secret), mac)


def _whitespace_variants(body: bytes) -> list[tuple[bytes, str]]:
    out = [
        (body.rstrip(), "the body without its trailing whitespace"),
        (body.strip(), "the body without its surrounding whitespace"),
        (body + b"\n", "the body with a trailing newline"),
        (body + b"\r\n", "the body with a trailing CRLF"),
        (body.rstrip(b"\r\n") + b"\n", "the body with one trailing newline"),
    ]
    return [(variant, label) for variant, label in out if variant != body]


def _orders(obj: object) -> list[object]:
    """The object with its top-level keys in every order (small objects only): a receiver's
    re-serialisation may have sorted the keys, losing the order the sender signed."""
    if isinstance(obj, dict) and 1 < len(obj) <= 3:
        return [{k: obj[k] for k in keys} for keys in itertools.permutations(obj)]
    return [obj]


def _json_variants(obj: object) -> list[tuple[bytes, str]]:
    out: list[tuple[bytes, str]] = []
    for ordered in _orders(obj):
        out += _serialisations(ordered)
    return out


def _serialisations(obj: object) -> list[tuple[bytes, str]]:
    out: list[tuple[bytes, str]] = []
    for sort_keys in (False, True):
        for ensure_ascii in (True, False):
            for separators, indent, label in (
                ((",", ":"), None, "compact"),
                ((", ", ": "), None, "json.dumps default spacing"),
                ((",", ": "), 2, "indent=2"),
                ((",", ": "), 4, "indent=4"),
            ):
                text = json.dumps(obj, separators=separators, indent=indent,
                                  sort_keys=sort_keys, ensure_ascii=ensure_ascii)
                desc = label + (", sorted keys" if sort_keys else "") + (
                    "" if ensure_ascii else ", ensure_ascii=False")
                out.append((text.encode("utf-8"), desc))
                out.append(((text + "\n").encode("utf-8"), desc + ", trailing newline"))
    return out


def _diagnose_mismatch(body: bytes, secret: str | bytes, mac: bytes, encoding: str | None,
                       notes: tuple[str, ...]) -> VerifyResult:
    for variant, label in _whitespace_variants(body):
        if _matches(variant, secret, mac):
            return VerifyResult(
                False, encoding, Cause.WHITESPACE,
                f"the signature matches {label}: whitespace was added or stripped between "
                "sender and verifier", notes)
    if isinstance(secret, str) and secret != secret.strip() and _matches(body, secret.strip(), mac):
        return VerifyResult(
            False, encoding, Cause.WHITESPACE,
            "the signature matches the secret without its surrounding whitespace (a newline "
            "read from a file?)", notes)
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python can parse
        parsed = None
    else:
        for variant, label in _json_variants(parsed):
            if variant != body and _matches(variant, secret, mac):
                return VerifyResult(
                    False, encoding, Cause.RESERIALISED,
                    f"the signature matches a re-serialisation of the same JSON ({label}): the "
                    "body was parsed and serialised again before verifying; HMAC the raw "
                    "request bytes instead", notes)
    return VerifyResult(
        False, encoding, Cause.WRONG_SECRET_OR_TAMPERED,
        "the signature does not match this body: the secret is wrong, or the body changed on "
        "the way", notes)


def _same(a: str | None, b: str) -> bool:
    """Constant-time equality of two ASCII strings: `a` is derived from what a sender sent, `b`
    from the secret's digest, and `==` would tell by its timing how much of a prefix matched."""
    return a is not None and a.isascii() and hmac.compare_digest(a, b)


def _diagnose_encoding(body: bytes, secret: str | bytes, text: str,
                       notes: tuple[str, ...]) -> VerifyResult:
    mac = digest(body, secret)
    b64 = base64.b64encode(mac).decode("ascii")
    hexed = mac.hex()
    reason = ("the signature is neither 64 hex digits nor base64 of 32 bytes "
              f"(got {len(text)} characters)")
    try:
        as_text = bytes.fromhex(text).decode("ascii")
    except ValueError:
        as_text = None
    if as_text is not None and _same(as_text.rstrip("="), b64.rstrip("=")):
        reason = "the signature is the hex encoding of the base64 digest (encoded twice)"
    elif as_text is not None and _same(as_text.lower(), hexed):
        reason = "the signature is the hex encoding of the hex digest (encoded twice)"
    elif re.fullmatch(r"[0-9a-fA-F]+", text):
        reason = f"the signature has {len(text)} hex digits; an HMAC-SHA256 has 64"
    else:
        raw = _b64decode(text)
        if raw is not None:
            try:
                inner = raw.decode("ascii")
            except UnicodeDecodeError:
                inner = None
            if inner is not None and _same(inner.lower(), hexed):
                reason = "the signature is the base64 encoding of the hex digest (encoded twice)"
            elif inner is not None and _same(inner.rstrip("="), b64.rstrip("=")):
                reason = "the signature is base64-encoded twice"
            elif len(raw) != 32:
                reason = (f"the signature decodes as base64 to {len(raw)} bytes, not the 32 of "
                          "an HMAC-SHA256")
    return VerifyResult(False, None, Cause.WRONG_ENCODING, reason, notes)
