"""The wire: one httpx.AsyncClient, retries with backoff, bounded attempts, tracing with secrets
redacted.

Retry rules (documented in the README):
- GET/HEAD/OPTIONS are retried on 429, 502, 503, 504, timeouts and network errors.
- POST/PUT/PATCH/DELETE are retried only when the request surely did not reach the server (the
  connection could not be opened) or the server refused it unprocessed with 429; never after a
  5xx, a read timeout or a dropped connection, because the write may have happened.
- Backoff is exponential with full jitter; `Retry-After` (seconds or an HTTP date) is honoured;
  attempts and the total time spent waiting are both bounded.

Every attempt is bounded too: `timeout` is a deadline for the whole exchange (connect, send,
headers, the complete body), not only for each read, so a server dripping a byte a second
cannot hold a command; and the body is capped in size (`max_response_bytes`). Loopback targets
are reached directly, never through a proxy from the environment (see `urls.direct_mounts`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote


import httpx

from .. import __version__
from ..errors import (AuthFailed, InsecureTransport, MakiniError, NetworkError, ResponseTooLarge,
                      Timeout, UsageError)
from .body import DEFAULT_MAX_RESPONSE_MB, cap_bytes, decode_json, read_capped, size_text
from .errors import error_for_status
from .retry import RetryPolicy, parse_retry_after
from ..urls import direct_mounts, is_loopback

__all__ = ["Http", "RetryPolicy", "parse_retry_after", "decode_json", "json_or_error",
           "raise_for_status", "seg", "redact_headers", "request_id_of", "dumps"]

USER_AGENT = f"makini-cli/{__version__}"
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
REDACTED_HEADERS = frozenset({"authorization", "x-webhook-signature", "cookie", "set-cookie"})


def seg(value: str) -> str:
    """One path segment, quoted: ids and keys come from users and must not alter the path
    (`.` and `..` too: left as they are, the URL would be resolved to another resource)."""
    text = quote(str(value).encode("utf-8", "surrogateescape"), safe="")
    if not text:
        raise UsageError("an id or key is empty")
    return text.replace(".", "%2E") if text in (".", "..") else text


def redact_headers(headers: httpx.Headers) -> dict[str, str]:
    return {k: ("***" if k.lower() in REDACTED_HEADERS else v) for k, v in headers.items()}


def shown_url(url: httpx.URL) -> httpx.URL:
    """The URL for traces and messages: a password in it (https://user:pw@host) masked."""
    return url.copy_with(username=url.username, password="***") if url.password else url


def check_header_value(value: str, what: str) -> None:
    """A credential a header cannot carry (a line break, a control or non-ASCII character) is
    refused here, before httpx or h11 put it, in full, into an exception message."""
    if not value.isascii() or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise AuthFailed(f"the {what} contains a character an HTTP header cannot carry "
                         "(a line break, a control or a non-ASCII character)",
                         hint="check MAKINI_TOKEN, credentials.toml and the token cache for a stray "
                              "character; `makini auth logout` clears the saved ones")


def request_id_of(response: httpx.Response) -> str | None:
    return response.headers.get("x-request-id") or response.headers.get("request-id")


class Http:
    def __init__(self, base_url: str, *, timeout: float = 30.0, app: Any = None,
                 retry: RetryPolicy | None = None, trace: Callable[[str], None] | None = None,
                 insecure: bool = False,
                 max_response_mb: float | None = DEFAULT_MAX_RESPONSE_MB) -> None:
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.trace = trace
        self.insecure = insecure
        self.embedded = app is not None
        self.deadline = timeout  # seconds for one whole attempt: connect, send, complete answer
        self.max_response_bytes = cap_bytes(max_response_mb)
        transport = httpx.ASGITransport(app=app) if app is not None else None
        self.client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            transport=transport,
            mounts=None if transport is not None else direct_mounts(self.base_url),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    def _check_secure(self, url: httpx.URL) -> None:
        # Every Makini call carries a secret (a token, or the client secret on /link/token).
        # Loopback targets are never proxied (direct_mounts), so "loopback" is the real hop.
        if self.embedded or self.insecure:
            return
        if url.scheme == "http" and not is_loopback(url.host):
            raise InsecureTransport(f"refusing to send credentials over plain http to {url.host}")

    async def send(self, method: str, path: str, *, params: Any = None, json_body: Any = None,
                   content: bytes | None = None, headers: dict[str, str] | None = None,
                   token: str | None = None) -> httpx.Response:
        """Send with retries; returns the final response whatever its status (callers map it)."""
        method = method.upper()
        hdrs = dict(headers or {})
        if token:
            check_header_value(token, "token")
            hdrs["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            content = dumps(json_body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        try:
            request = self.client.build_request(method, path, params=params, content=content, headers=hdrs)
        except (httpx.InvalidURL, UnicodeError) as exc:  # a path or base URL no request can have
            raise UsageError(f"cannot build a request for {path!r}: {exc}") from None
        self._check_secure(request.url)
        idempotent = method in IDEMPOTENT
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            self._trace_request(request, attempt)
            try:
                response = await self._attempt(request)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                error: MakiniError = _network_error(exc, request, token)
                retryable = True  # the request never left: safe for any method
            except (httpx.TimeoutException, httpx.TransportError, httpx.DecodingError,
                    TimeoutError) as exc:
                # Sent, and then no (complete) answer: a write may have been carried out.
                error, retryable = _network_error(exc, request, token, self.deadline), idempotent
                error.request_id = error.request_id or getattr(exc, "request_id", None)
                if not idempotent:
                    mark_uncertain(error, method)
            except ResponseTooLarge as exc:
                if not idempotent:  # it was answered, so it was done: only the answer is refused
                    mark_uncertain(exc, method)
                raise
            else:
                if response.status_code not in RETRY_STATUSES or not (idempotent or response.status_code == 429):
                    return response
                delay = parse_retry_after(response.headers.get("retry-after"))
                if attempt >= self.retry.max_attempts or (delay is not None and waited + delay > self.retry.max_total_wait):
                    return response
                delay = self.retry.backoff(attempt) if delay is None else delay
                if waited + delay > self.retry.max_total_wait:
                    return response
                waited += delay
                self._trace_note(f"HTTP {response.status_code}; retry {attempt} in {delay:.2f}s")
                await self.retry.sleep(delay)
                continue
            if not retryable or attempt >= self.retry.max_attempts:
                raise error
            delay = self.retry.backoff(attempt)
            if waited + delay > self.retry.max_total_wait:
                raise error
            waited += delay
            self._trace_note(f"{error.message}; retry {attempt} in {delay:.2f}s")
            await self.retry.sleep(delay)

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One exchange, within the deadline and the size cap; the body is read and closed."""
        started = time.monotonic()
        response = None
        try:
            async with asyncio.timeout(self.deadline):
                response = await self.client.send(request, stream=True)
                try:
                    await read_capped(response, self.max_response_bytes,
                                      lambda: self._too_large(response))
                    # httpx's response and its stream refer to each other, so a read response is
                    # freed only by the cycle collector, which runs by object count, not bytes:
                    # an export of large pages would pile them up. The body is read and the
                    # stream closed, so cut the cycle and let the page go as soon as it is used.
                    response.stream = httpx.ByteStream(b"")
                except BaseException:
                    self._trace_response(response, (time.monotonic() - started) * 1000)
                    await response.aclose()
                    raise
        except (httpx.HTTPError, TimeoutError) as exc:
            if response is not None:  # name the answer whose body never came complete
                exc.request_id = request_id_of(response)  # type: ignore[attr-defined]
            raise
        self._trace_response(response, (time.monotonic() - started) * 1000)
        return response

    def _too_large(self, response: httpx.Response) -> None:
        req = response.request
        raise ResponseTooLarge(
            f"the answer to {req.method} {req.url.path} is larger than the "
            f"{size_text(self.max_response_bytes)} cap on one response (max_response_mb)",
            status=response.status_code, request_id=request_id_of(response))

    # --- tracing (`--debug`): never bodies, never the Authorization header ---
    def _trace_request(self, request: httpx.Request, attempt: int) -> None:
        if self.trace:
            extra = f" (attempt {attempt})" if attempt > 1 else ""
            self.trace(f"> {request.method} {shown_url(request.url)}{extra}")
            for k, v in redact_headers(request.headers).items():
                self.trace(f">   {k}: {v}")

    def _trace_response(self, response: httpx.Response, elapsed_ms: float) -> None:
        if self.trace:
            rid = request_id_of(response) or "-"
            self.trace(f"< {response.status_code} {response.reason_phrase} in {elapsed_ms:.0f} ms, request id {rid}")

    def _trace_note(self, text: str) -> None:
        if self.trace:
            self.trace(f"! {text}")


def mark_uncertain(error: MakiniError, method: str) -> MakiniError:
    """A write that failed after it was sent may still have been carried out: say so, so that
    nobody repeats it blindly (the CLI never does)."""
    error.uncertain = True
    error.hint = (f"the server may have carried out this {method} before the failure: check "
                  "whether it took effect before sending it again")
    return error


def _network_error(exc: Exception, request: httpx.Request, token: str | None = None,
                   deadline: float | None = None) -> MakiniError:
    where = f"{request.method} {shown_url(request.url.copy_with(query=None))}"
    if isinstance(exc, TimeoutError):  # the attempt's deadline, however the server trickled
        return Timeout(f"timed out: no complete answer within {deadline:g} s ({where})")
    if isinstance(exc, httpx.TimeoutException):
        kind = {httpx.ConnectTimeout: "connecting", httpx.ReadTimeout: "waiting for the answer",
                httpx.WriteTimeout: "sending", httpx.PoolTimeout: "waiting for a free connection"}
        phase = next((v for k, v in kind.items() if isinstance(exc, k)), "")
        return Timeout(f"timed out {phase} ({where})".replace("  ", " "))
    detail = str(exc) or type(exc).__name__
    if token and token in detail:  # a transport error quoting the request's headers
        detail = detail.replace(token, "***")
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(f"cannot connect to {request.url.host}: {detail}")
    return NetworkError(f"connection failed during {where}: {detail}")


def raise_for_status(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        body = decode_json(response)
    except ValueError:  # an error page that is not JSON (or JSON too deep to trust)
        body = None
    delay = parse_retry_after(response.headers.get("retry-after"))
    method = response.request.method
    error = error_for_status(response.status_code, body, request_id=request_id_of(response),
                             retry_after=delay, method=method, path=response.request.url.path)
    if response.status_code >= 500 and method not in IDEMPOTENT:
        mark_uncertain(error, method)
    raise error


def json_or_error(response: httpx.Response) -> Any:
    raise_for_status(response)
    try:
        return decode_json(response)
    except ValueError as exc:
        from ..errors import ServerError
        from .body import TooDeep

        method = response.request.method
        why = f": {exc}" if isinstance(exc, TooDeep) else ""
        error = ServerError(f"the server sent invalid JSON for {method} "
                            f"{response.request.url.path} (HTTP {response.status_code}){why}",
                            status=response.status_code, request_id=request_id_of(response))
        if method not in IDEMPOTENT:  # it said 2xx: the write happened, its answer is lost
            mark_uncertain(error, method)
        raise error from None


def _default(obj: Any) -> Any:
    from decimal import Decimal

    if isinstance(obj, Decimal):
        return str(obj)
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json", exclude_none=True)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=_default, separators=(",", ":"), ensure_ascii=False)
