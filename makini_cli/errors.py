"""The error vocabulary of makini: every error the API layer, settings, credentials and commands
raise, each with a stable code that the handler maps to a message and an exit code."""

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


class PagingBroken(ServerError):
    """A list whose pages do not advance (a repeated page, an A-B-A cycle, a wrong
    `current_page`) or whose `meta` does not add up: reading on would never end."""

    code = "paging_broken"
    default_hint = ("the server repeats pages or ignores `page`; makini stopped reading rather than "
                    "loop. Report it to the API's operator, with the endpoint named here")


class ResponseTooLarge(ServerError):
    code = "response_too_large"
    default_hint = ("raise the cap with MAKINI_MAX_RESPONSE_MB or `makini config set max_response_mb N` "
                    "(0 turns it off), or ask for smaller pages")


# Rows one command may hold in memory to show them at once (a table, YAML, --query, or a command
# that collects its list): a table of more is unreadable, and a server announcing pages without
# end must not take the memory of the machine. Writing rows as they arrive has no such bound.
MAX_ROWS_IN_MEMORY = 50_000


class TooManyRows(MakiniError):
    """More rows than a command holds in memory; the streaming forms have no such limit."""

    code = "too_many_rows"
    default_hint = "-o ndjson (or json, csv) writes the rows as they arrive, without this limit"


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


class WriteFailed(MakiniError):
    """A local file could not be written (disk full, over quota, an I/O error): exits 1. The
    message names the file; nothing half-written replaces it."""

    code = "write_failed"
