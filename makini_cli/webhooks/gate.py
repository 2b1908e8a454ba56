"""The listener's signature check: what one request may cost, whoever sends it.

A valid delivery costs one HMAC and one constant-time comparison. So does a rejection: the full
diagnosis of a bad signature (whitespace, re-serialised JSON, double encoding: ~30 HMACs and
JSON re-serialisations, see `signing.verify`) is what a person fixing a sender needs, and runs
for a few bad requests a second at most (`DiagnosisBudget`); past that, under a flood, a
rejection says only what one HMAC tells. An attacker's flood therefore costs the listener no
more than as many valid deliveries would.
"""

from __future__ import annotations

import hmac
import time

from makini_cli.webhooks.signing import Cause, decode_signature, digest, verify

DIAGNOSE_UP_TO = 64 * 1024  # bytes of body; the diagnosis re-serialises it, so small ones only
DIAGNOSES_PER_SECOND = 2.0
DIAGNOSIS_BURST = 10


class DiagnosisBudget:
    """A token bucket: `rate` full diagnoses a second, `burst` at once."""

    def __init__(self, rate: float = DIAGNOSES_PER_SECOND, burst: int = DIAGNOSIS_BURST) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens = float(burst)
        self.at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class SignatureGate:
    """`check(body, signature)`: True when the signature is valid, else the reason (for the log;
    the sender only learns "invalid signature")."""

    def __init__(self, secret: bytes, budget: DiagnosisBudget | None = None) -> None:
        self.secret = secret
        self.budget = budget or DiagnosisBudget()

    def check(self, body: bytes, signature: bytes | None) -> bool | str:
        if signature is None:
            return f"{Cause.MISSING}: no signature was sent"
        text = signature.decode("latin-1")
        if text[:7].lower() == "sha256=":  # tolerated, as verify() does
            text = text[7:]
        mac, _ = decode_signature(text)
        if mac is not None and hmac.compare_digest(mac, digest(body, self.secret)):
            return True
        if len(body) <= DIAGNOSE_UP_TO and self.budget.take():
            result = verify(body, self.secret, signature)
            if result.ok:
                return True
            return f"{result.cause}: {result.reason}"
        if mac is None:
            return (f"{Cause.WRONG_ENCODING}: the signature is neither 64 hex digits nor base64 "
                    "of 32 bytes")
        return (f"{Cause.WRONG_SECRET_OR_TAMPERED}: the signature does not match this body "
                "(the secret is wrong, or the body changed on the way)")
