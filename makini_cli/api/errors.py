"""Errors the API layer raises, each with a stable code the CLI maps to messages and exit codes."""

from __future__ import annotations

from typing import Any


class MakiniError(Exception):
    """Base error. `code` is stable and documented; `makini_code` is what the server said."""

    code = "error"
    default_hint: str | None = None
    uncertain = False  # a write that failed after it was sent: it may have been carried out

    def __init__(self, message: str, *, status: int | None = None, makini_code: str | None = None,
                 request_id: str | None = None, hint: str | None = None,
                 retry_after: float | None = None, connection: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.makini_code = makini_code
        self.request_id = request_id
        self.hint = hint if hint is not None else self.default_hint
        self.retry_after = retry_after
        self.connection = connection

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        if self.status is not None:
            out["status"] = self.status
        if self.makini_code:
            out["makini_code"] = self.makini_code
        if self.request_id:
            out["request_id"] = self.request_id
        if self.connection:
            out["connection"] = self.connection
        return out

    def __str__(self) -> str:
        return self.message


class AuthFailed(MakiniError):
    code = "auth_failed"
    default_hint = "Run `makini auth login`, or check MAKINI_CLIENT_ID / MAKINI_CLIENT_SECRET / MAKINI_TOKEN."


class PermissionDenied(MakiniError):
    code = "permission_denied"
    default_hint = "This token may not call this operation (admin vs connection token, or permissions in the source system)."


class NotFound(MakiniError):
    code = "not_found"


class ConnectionNotFound(NotFound):
    """The connection itself is not (or no longer) in the application: disconnected, or a wrong
    id. Distinct from a record that is not found on a connection that is there."""

    default_hint = "`makini connections list` shows the connections there are"


class ValidationFailed(MakiniError):
    code = "validation_failed"

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.errors = errors or {}

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.errors:
            out["errors"] = self.errors
        return out


class RateLimited(MakiniError):
    code = "rate_limited"
    default_hint = "Makini limits requests per connection per minute; wait and try again."


class ServerError(MakiniError):
    code = "server_error"
    default_hint = "Makini or the connected system failed; try again later, or run `makini connections doctor`."


class NetworkError(MakiniError):
    code = "network_error"
    default_hint = "Check the network, the base URL (`makini config get base_url`) and any proxy settings."


class Timeout(MakiniError):
    code = "timeout"
    default_hint = "The server did not answer in time; raise --timeout or try again later."


class CircuitOpen(MakiniError):
    code = "circuit_open"
    default_hint = "Calls to this connection fail fast until the cooldown ends; add --force to try now."


class InsecureTransport(MakiniError):
    code = "insecure_transport"
    default_hint = "Use https, or pass --insecure if you really mean to send tokens over plain http."


class ConfigError(MakiniError):
    """A problem in the user's own files or settings (not the server's)."""

    code = "config_error"


class UsageError(MakiniError):
    """Bad input from the user: exits 2."""

    code = "usage_error"


class CheckFailed(MakiniError):
    """A check ran fine and found a problem: exits 3."""

    code = "check_failed"


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
