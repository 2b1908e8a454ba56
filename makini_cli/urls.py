"""Facts about URLs and hosts that the API layer, the webhook tools and the sandbox share:
what counts as loopback, the one validator for URLs a user gives, and the proxy rule.

Light on purpose (no httpx): settings and the sandbox import it at start-up.
"""

from __future__ import annotations

import ipaddress

SCHEMES = ("http", "https")
# Requests to these hosts never go through a proxy (see `direct_mounts`).
_LOOPBACK_PATTERNS = ("all://localhost", "all://*.localhost", "all://127.0.0.1", "all://[::1]")


def is_loopback(host: str | None) -> bool:
    """True for `localhost`, `*.localhost` and loopback addresses (127.0.0.0/8, ::1), bracketed or not."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BadURL(ValueError):
    """A URL no request can be sent to; the message says why, in a few words."""


def check_url(text: str, *, schemes: tuple[str, ...] = SCHEMES) -> str:
    """`text` if it is an absolute http(s) URL a request can go to, else BadURL.

    Caught here, up front, rather than by whatever first parses it: an unclosed `[` or a port
    past 65535 would otherwise surface as a traceback from deep inside the HTTP client.
    """
    from urllib.parse import urlsplit

    if not isinstance(text, str) or not text:
        raise BadURL("it is empty")
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in text):
        raise BadURL("it contains a space or a control character")
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise BadURL(_why(str(exc))) from None
    if parts.netloc.rsplit("@", 1)[-1].count(":") > 1 and "[" not in parts.netloc:
        raise BadURL("an IPv6 address must be in brackets, e.g. http://[::1]:8080/")
    try:
        port = parts.port  # raises for a port that is not a number in 0..65535
        host = parts.hostname
    except ValueError as exc:
        raise BadURL(_why(str(exc))) from None
    if parts.scheme.lower() not in schemes:
        raise BadURL(f"it must start with {' or '.join(s + '://' for s in schemes)}")
    if not host:
        raise BadURL("it has no host")
    if port == 0:
        raise BadURL("port 0 cannot be connected to")
    if "[" in parts.netloc:
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise BadURL(f"[{host}] is not an IPv6 address") from None
    return text


def require_url(text: str, what: str, *, example: str = "https://hooks.example.com/makini") -> str:
    """`check_url` for what a user typed: a UsageError (exit 2) naming the option or setting."""
    try:
        return check_url(text)
    except BadURL as exc:
        from .errors import UsageError

        raise UsageError(f"{what}: {text!r} is not a usable URL: {exc}",
                         hint=f"give an absolute http(s) URL, e.g. {example}") from None


def _why(message: str) -> str:
    if "Port" in message or "port" in message:
        return "the port must be a number from 1 to 65535"
    if "IPv6" in message or "[" in message:
        return "it has an unclosed '[' or an invalid IPv6 address"
    return message


def direct_mounts(url: str | None = None) -> dict[str, None]:
    """httpx `mounts` that send loopback targets straight to the host, never through a proxy
    from HTTP_PROXY/HTTPS_PROXY/ALL_PROXY: a local server is reached directly, and what a request
    carries (a client secret, a bearer token) never crosses to a proxy in clear text. `url`'s
    own host is added when it is loopback in another spelling (127.0.0.2, …)."""
    mounts = dict.fromkeys(_LOOPBACK_PATTERNS)
    if url:
        from urllib.parse import urlsplit

        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
        if host and is_loopback(host):
            mounts[f"all://[{host}]" if ":" in host else f"all://{host}"] = None
    return mounts
