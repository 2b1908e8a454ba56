"""Request bodies checked the way Makini's Laravel backend does: by the rule words the spec gives
each field (`string`, `integer`, `numeric`, `boolean`, `array`, `date`, `email`, `nullable`,
`required`), then by what the field holds (a timestamp, an exact decimal), with every failing
field reported at once as a 422 `{"message", "errors": {field: [messages]}}`.

Fields of the entity's schema that the body's rules do not list are accepted too and typed by
the schema (a client may send what it reads); other unknown fields are ignored, as Laravel's
`validated()` drops them. Values are bounded: strings to 65,535 characters (a TEXT column),
integers to 32 bits, decimals to 13 integer digits (the exact shadow column is value x 10^6 in
64 bits).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..timeutil import format_rfc3339, parse_rfc3339
from . import contract
from .contract import Rule
from .errors import ApiError
from .fields import Entity

MAX_TEXT = 65535
MAX_INT = 2**31 - 1
MAX_DECIMAL = Decimal(10) ** 13
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Invalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        # the failing field's dotted path ("lines.0"), as Laravel names nested fields
        self.field = message.split(" ")[1] if message.startswith("The ") else None


def failed(errors: dict[str, list[str]]) -> ApiError:
    """Laravel's 422: the first message, "(and N more errors)", and every field's messages."""
    first = next(iter(errors.values()))[0]
    more = sum(len(v) for v in errors.values()) - 1
    if more:
        first += f" (and {more} more error{'s' if more > 1 else ''})"
    return ApiError(422, first, "VALIDATION_FAILED", errors=errors)


def decimal(field: str, value: Any) -> str:
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise InvalidOperation
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise Invalid(f"The {field} field must be a number (a decimal string such as "
                      "\"12.50\").") from None
    if abs(number) >= MAX_DECIMAL:
        raise Invalid(f"The {field} field must be less than {MAX_DECIMAL:,}.")
    return str(number)


def timestamp(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"The {field} field must be a valid date (ISO 8601).")
    try:
        return format_rfc3339(parse_rfc3339(value, naive_is_utc=True, date_ok=True))
    except (ValueError, OverflowError):
        raise Invalid(f"The {field} field must be a valid date (ISO 8601).") from None


def integer(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, (str, Decimal)) and re.fullmatch(r"\s*-?\d{1,12}\s*", str(value)):
            value = int(value)
        else:
            raise Invalid(f"The {field} field must be an integer.")
    if abs(value) > MAX_INT:
        raise Invalid(f"The {field} field must be between {-MAX_INT} and {MAX_INT}.")
    return value


def boolean(field: str, value: Any) -> bool:
    if value in (True, False, 0, 1) and not isinstance(value, Decimal):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "0", "1"):
        return value.strip().lower() in ("true", "1")
    raise Invalid(f"The {field} field must be true or false.")


def by_rules(field: str, value: Any, rule: Rule) -> Any:
    words = set(rule.rules)
    if value is None:
        if rule.nullable and "required" not in words:
            return None
        raise Invalid(f"The {field} field is required." if "required" in words
                      else f"The {field} field must not be null.")
    if "string" in words or "email" in words:
        if not isinstance(value, str):
            raise Invalid(f"The {field} field must be a string.")
        if len(value) > MAX_TEXT:
            raise Invalid(f"The {field} field must not be greater than {MAX_TEXT} characters.")
        if "email" in words and not _EMAIL.match(value):
            raise Invalid(f"The {field} field must be a valid email address.")
    if "integer" in words:
        value = integer(field, value)
    if "numeric" in words:
        value = decimal(field, value)
    if "boolean" in words:
        value = boolean(field, value)
    if "array" in words and not isinstance(value, (list, dict)):
        raise Invalid(f"The {field} field must be an array.")
    if "object" in words and not isinstance(value, (list, dict)):
        raise Invalid(f"The {field} field must be an object.")
    if "date" in words:
        value = timestamp(field, value)
    return value


def by_kind(field: str, value: Any, kind: str) -> Any:
    """Convert to what the entity stores (its schema's kind)."""
    if value is None:
        return None
    if kind == "t":
        return timestamp(field, value)
    if kind == "d":
        return decimal(field, value)
    if kind == "b":
        return boolean(field, value)
    if kind == "i":
        return integer(field, value)
    if kind == "j":
        if not isinstance(value, (dict, list)):
            raise Invalid(f"The {field} field must be an object or an array.")
        return value
    if isinstance(value, (dict, list)):
        # The schema types it string while the body's rules take an array (Fulfillment
        # .lineItems): kept, and served, as JSON text.
        text = json.dumps(value, separators=(",", ":"), default=str)
    elif isinstance(value, bool):
        raise Invalid(f"The {field} field must be a string.")
    else:
        text = str(value)
    if len(text) > MAX_TEXT:
        raise Invalid(f"The {field} field must not be greater than {MAX_TEXT} characters.")
    return text


def shaped(field: str, value: Any, kind: str, depth: int = 0) -> Any:
    """A nested value checked against its schema: `l` a list, `o:Schema` an object and
    `a:Schema` a list of objects whose fields have the schema's kinds (deeper levels too)."""
    if value is None or not kind or kind == "j":
        return value
    if kind == "l" or kind.startswith("a:"):
        if not isinstance(value, list):
            raise Invalid(f"The {field} field must be a list.")
        if kind == "l":
            return value
        return [shaped(f"{field}.{i}", item, "o:" + kind[2:], depth + 1)
                for i, item in enumerate(value)]
    if kind.startswith("o:"):
        if not isinstance(value, dict):
            raise Invalid(f"The {field} field must be an object.")
        if depth > 6:
            return value
        out = dict(value)
        for name, sub in contract.schema(kind[2:]):
            if name in out and out[name] is not None:
                out[name] = (by_kind(f"{field}.{name}", out[name], sub)
                             if sub in ("s", "t", "d", "b", "i")
                             else shaped(f"{field}.{name}", out[name], sub, depth + 1))
        return out
    return by_kind(field, value, kind)


def clean(e: Entity, rules: dict[str, Rule], body: dict, custom: tuple[str, ...] = (), *,
          creating: bool, skip: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """(stored scalar values, nested / body-only / custom values) of a valid body, else 422."""
    errors: dict[str, list[str]] = {}
    cols: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    names = list(rules) + [n for n, _ in e.props if n not in rules]
    for name in names:
        if name in ("key", "createdAt", "updatedAt") or name in skip:
            continue
        rule = rules.get(name)
        if name not in body:
            if rule and rule.required and creating:
                errors[name] = [f"The {name} field is required."]
            continue
        kind = e.types.get(name)
        try:
            value = by_rules(name, body[name], rule) if rule else body[name]
            value = by_kind(name, value, kind) if kind else value
            if kind == "j" or kind is None:
                value = shaped(name, value, e.spec.get(name, ""))
        except Invalid as exc:
            errors[exc.field or name] = [exc.message]
            continue
        if kind is None or kind == "j":
            extra[name] = value
        else:
            cols[name] = value
    for name in custom:
        if name in body:
            extra[name] = body[name]
    if errors:
        raise failed(errors)
    return cols, extra
