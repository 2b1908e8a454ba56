"""Error responses in the shape Makini's FAQ describes: message, code, type and request id.

Every handler raises `ApiError`; the app turns it into JSON with the request id that the
request-id middleware put into the ASGI scope. The spec describes no error bodies at all.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

# code -> type: the type groups codes the way a client would branch on them.
TYPES = {
    "AUTHENTICATION_FAILED": "authentication_error",
    "FORBIDDEN": "authorization_error",
    "NOT_FOUND": "not_found_error",
    "METHOD_NOT_ALLOWED": "invalid_request_error",
    "BAD_REQUEST": "invalid_request_error",
    "UNSUPPORTED_GRANT_TYPE": "invalid_request_error",
    "VALIDATION_FAILED": "validation_error",
    "RATE_LIMIT_EXCEEDED": "rate_limit_error",
    "SERVICE_UNAVAILABLE": "service_unavailable_error",
    "INTERNAL_ERROR": "api_error",
    "CONFLICT": "invalid_request_error",
    "NOT_SUPPORTED": "invalid_request_error",
    "PAYLOAD_TOO_LARGE": "invalid_request_error",
    "UNSUPPORTED_MEDIA_TYPE": "invalid_request_error",
}

STATUS_CODES = {400: "BAD_REQUEST", 401: "AUTHENTICATION_FAILED", 403: "FORBIDDEN",
                404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 409: "CONFLICT",
                413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE",
                422: "VALIDATION_FAILED", 429: "RATE_LIMIT_EXCEEDED", 500: "INTERNAL_ERROR",
                502: "SERVICE_UNAVAILABLE", 503: "SERVICE_UNAVAILABLE",
                504: "SERVICE_UNAVAILABLE"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, *,
                 errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or STATUS_CODES.get(status, "INTERNAL_ERROR")
        self.errors = errors
        self.headers = headers or {}


def validation(field: str, message: str) -> ApiError:
    """A Laravel-style 422: `errors` maps the field to its messages."""
    return ApiError(422, message, "VALIDATION_FAILED", errors={field: [message]})


def request_id_of(scope_or_request: Any) -> str | None:
    scope = scope_or_request.scope if isinstance(scope_or_request, Request) else scope_or_request
    return scope.get("state", {}).get("request_id")


def error_body(status: int, message: str, code: str | None, request_id: str | None,
               errors: dict | None = None) -> dict:
    code = code or STATUS_CODES.get(status, "INTERNAL_ERROR")
    body = {"message": message, "code": code, "type": TYPES.get(code, "api_error"),
            "request_id": request_id}
    if errors:
        body["errors"] = errors
    return body


def error_response(request: Request | dict, exc: ApiError) -> JSONResponse:
    body = error_body(exc.status, exc.message, exc.code, request_id_of(request), exc.errors)
    return JSONResponse(body, exc.status, headers=exc.headers)
