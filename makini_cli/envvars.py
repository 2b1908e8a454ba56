"""Every MAKINI_* environment variable makini reads, with the rule its value must follow, and the
readers that apply the rule.

A value that breaks its rule is a usage error (exit 2) naming the variable, whichever variable
it is: `MAKINI_BREAKER_THRESHOLD=abc` fails like `MAKINI_TIMEOUT=abc`, rather than quietly
running with a default the user did not ask for (a cron job "with the breaker off" that in fact
had it on). An empty value counts as unset, so `MAKINI_TIMEOUT= makini …` clears a variable for one run.

`check_all()` runs when the settings are resolved (nearly every command), so a broken variable
is reported whichever command reads it, and before any request is made; the readers below apply
the same rules where each value is used. The settings' own variables (MAKINI_BASE_URL,
MAKINI_TIMEOUT, …) are checked by `config.coerce`, profile names by `config.check_profile_name`
and MAKINI_CONFIG_DIR by `paths`.

`RULES` is the list a test compares with the code (every MAKINI_* name in makini_cli must be
here) and with the README's environment table (every name here must be there).
"""

from __future__ import annotations

import math
import os

from .errors import UsageError

# name -> the rule, as the error message and the README say it
RULES: dict[str, str] = {
    "MAKINI_PROFILE": "a profile name: letters, digits, `_`, `.`, `-` (1-64, not starting with `.` or `-`)",
    "MAKINI_BASE_URL": "an http:// or https:// URL",
    "MAKINI_CLIENT_ID": "one word: no spaces or control characters",
    "MAKINI_CLIENT_SECRET": "any text (never printed)",
    "MAKINI_TOKEN": "one token (surrounding whitespace is dropped; never printed)",
    "MAKINI_CONNECTION": "one word: no spaces or control characters",
    "MAKINI_OUTPUT": "table, wide, json, ndjson, csv, yaml or openmetrics (any case)",
    "MAKINI_CSV_SAFE": "1, true, yes, on, or 0, false, no, off",
    "MAKINI_TIMEOUT": "seconds, more than 0 and at most 3600",
    "MAKINI_MAX_RESPONSE_MB": "a number of MB >= 0 (0: no cap)",
    "MAKINI_WEBHOOK_SECRET": "any text (never printed)",
    "MAKINI_CREDENTIAL_STORE": "file or keyring",
    "MAKINI_CONFIG_DIR": "a folder (created 0700 when missing), not writable by other users",
    "MAKINI_BREAKER_THRESHOLD": "a whole number >= 0 (0 turns the breaker off)",
    "MAKINI_BREAKER_COOLDOWN": "a duration: seconds, or 90s, 2m, 1h",
    "MAKINI_BREAKER_FORCE": "1, true, yes, on, or 0, false, no, off",
    "MAKINI_CONNLOG_MAX_BYTES": "a whole number >= 256",
    "MAKINI_CONNLOG_BACKUPS": "a whole number >= 1",
    "MAKINI_RETRY_MAX_ATTEMPTS": "a whole number >= 1",
    "MAKINI_RETRY_MAX_WAIT": "seconds >= 0",
    "MAKINI_HISTORY_DAYS": "a number of days above 0 (default 90)",
}

TRUE = _TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def raw(name: str) -> str | None:
    """The variable's text, or None when it is unset or empty."""
    value = os.environ.get(name)
    return value if value else None


def invalid(name: str, value: str | None, rule: str | None = None) -> UsageError:
    """The one error for a variable that breaks its rule (the value is shown only for the
    variables that are not secrets, shortened and inert)."""
    shown = "" if value is None or "SECRET" in name or "TOKEN" in name else f"={ascii(value)[1:-1][:60]!r}"
    return UsageError(f"{name}{shown}: expected {rule or RULES.get(name, 'a valid value')}",
                      hint=f"fix or unset {name} (`unset {name}`)")


def integer(name: str, default: int, *, minimum: int = 0) -> int:
    value = raw(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise invalid(name, value) from None
    if number < minimum:
        raise invalid(name, value)
    return number


def number(name: str, default: float, *, minimum: float = 0.0) -> float:
    value = raw(name)
    if value is None:
        return default
    try:
        result = float(value.strip())
    except ValueError:
        raise invalid(name, value) from None
    if not math.isfinite(result) or result < minimum:
        raise invalid(name, value)
    return result


def duration(name: str, default: float) -> float:
    value = raw(name)
    if value is None:
        return default
    from .timeutil import parse_duration

    try:
        return parse_duration(value, name)
    except UsageError:
        raise invalid(name, value) from None


def flag(name: str) -> bool:
    value = raw(name)
    if value is None:
        return False
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise invalid(name, value)


# The variables that are not settings, and how each is read (check_all reads them all).
_READERS = {
    "MAKINI_BREAKER_THRESHOLD": lambda n: integer(n, 0, minimum=0),
    "MAKINI_BREAKER_COOLDOWN": lambda n: duration(n, 0.0),
    "MAKINI_BREAKER_FORCE": flag,
    "MAKINI_CSV_SAFE": flag,
    "MAKINI_CONNLOG_MAX_BYTES": lambda n: integer(n, 0, minimum=256),
    "MAKINI_CONNLOG_BACKUPS": lambda n: integer(n, 0, minimum=1),
    "MAKINI_RETRY_MAX_ATTEMPTS": lambda n: integer(n, 0, minimum=1),
    "MAKINI_RETRY_MAX_WAIT": lambda n: number(n, 0.0, minimum=0.0),
    "MAKINI_HISTORY_DAYS": lambda n: days(n, 90.0),
}


def days(name: str, default: float) -> float:
    """A number of days above 0 (and below a century), else the default when unset."""
    value = raw(name)
    if value is None:
        return default
    try:
        number_of_days = float(value)
    except ValueError:
        raise invalid(name, value) from None
    if not (0 < number_of_days < 36600):
        raise invalid(name, value)
    return number_of_days


def check_all() -> None:
    """Raise the usage error of the first variable that breaks its rule."""
    for name, read in _READERS.items():
        if raw(name) is not None:
            read(name)
