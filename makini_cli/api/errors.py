"""How the API layer turns an HTTP error answer into one of makini's errors (`makini_cli.errors`)."""

from __future__ import annotations

from typing import Any

from ..errors import (AuthFailed, MakiniError, NotFound, PermissionDenied, RateLimited, ServerError,
                      ValidationFailed)


_BY_STATUS: dict[int, type[MakiniError]] = {
    400: ValidationFailed, 401: AuthFailed, 403: PermissionDenied, 404: NotFound,
    405: NotFound, 409: ValidationFailed, 422: ValidationFailed, 429: RateLimited,
}


def _first_str(*values: Any) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def parse_error_body(body: Any) -> tuple[str | None, str | None, str | None, dict[str, list[str]]]:
    """(message, code, request_id, field errors) from any of the shapes Makini is said to use.

    Lenient on purpose: `message`, `error` (string or object), `errors` (list or map), `code`,
    `type`, `request_id`; anything else is ignored.
    """
    if not isinstance(body, dict):
        return None, None, None, {}
    inner = body.get("error") if isinstance(body.get("error"), dict) else body
    message = _first_str(inner.get("message"), body.get("message"),
                         body.get("error") if isinstance(body.get("error"), str) else None)
    code = _first_str(inner.get("code"), body.get("code"), inner.get("type"), body.get("type"))
    request_id = _first_str(inner.get("request_id"), body.get("request_id"))
    field_errors: dict[str, list[str]] = {}
    errors = body.get("errors", inner.get("errors"))
    if isinstance(errors, dict):
        for k, v in errors.items():
            field_errors[str(k)] = [str(x) for x in v] if isinstance(v, list) else [str(v)]
    elif isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict):
                field = str(item.get("field") or item.get("path") or "")
                field_errors.setdefault(field, []).append(str(item.get("message") or item))
            else:
                field_errors.setdefault("", []).append(str(item))
    if message is None and field_errors:
        message = "; ".join(f"{k}: {', '.join(v)}" if k else ", ".join(v) for k, v in field_errors.items())
    return message, code, request_id, field_errors


def error_for_status(status: int, body: Any, *, request_id: str | None, retry_after: float | None,
                     method: str, path: str) -> MakiniError:
    message, makini_code, body_request_id, field_errors = parse_error_body(body)
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else MakiniError)
    if message is None:
        message = f"{method} {path} failed with HTTP {status}"
    kwargs: dict[str, Any] = dict(status=status, makini_code=makini_code,
                                  request_id=request_id or body_request_id, retry_after=retry_after)
    if cls is ValidationFailed:
        return ValidationFailed(message, errors=field_errors, **kwargs)
    return cls(message, **kwargs)
