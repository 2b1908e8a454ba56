"""The small vocabulary of generated values every generator shares: the reference date records
are dated before, timestamps, exact money, and addresses."""

from __future__ import annotations

import random
import time
from decimal import Decimal

REF = 1751241600  # 2025-06-30T00:00:00Z: records are dated in the two years before it
DAY = 86400
BATCH = 5000      # rows per executemany: big seeds never sit in memory at once


def ts(t: float) -> str:
    """RFC 3339 UTC seconds, as `timeutil.format_rfc3339` writes them (this form is several
    times faster, and seeding 200,000 records calls it a million times)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(t)))


def money(value: Decimal) -> str:
    """Exact decimal string, padded to cents when that loses nothing ("12.5" -> "12.50")."""
    cents = value.quantize(Decimal("0.01"))
    return str(cents) if cents == value else str(value)


def rand_money(rng: random.Random, low: int, high: int, places: int = 2) -> Decimal:
    cents = rng.randint(low * 100, high * 100)
    return (Decimal(cents) / 100).quantize(Decimal(1).scaleb(-places))


def address(city: tuple, addressee: str, n: int) -> dict:
    """An Address (spec schema) in one of vocab.CITIES."""
    country, name, state, post = city
    return {"country": country, "addressLines": f"{10 + n * 7} Industriestrasse",
            "addressee": addressee, "state": state, "city": name, "postCode": post,
            "phone": f"+1-555-{1000 + n:04d}", "email": f"receiving{n}@example.com",
            "notes": None, "isActive": True, "createdAt": ts(REF - 800 * DAY),
            "updatedAt": ts(REF - 800 * DAY)}
