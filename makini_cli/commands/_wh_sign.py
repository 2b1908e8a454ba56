"""`webhooks events`, `sign`, `verify`, and the webhook secret every command reads.

The secret comes from --secret, then --secret-file, then MAKINI_WEBHOOK_SECRET. It is never
printed, logged or put in an error message.
"""

from __future__ import annotations

import os
import sys

import typer

from ._common import ctx, read_input

ENV = "MAKINI_WEBHOOK_SECRET"

HINTS = {
    "missing": "pass the X-Webhook-Signature header's value with --signature",
    "wrong_secret_or_tampered": "use the endpoint's secret from Makini's dashboard, and verify the exact "
                                "bytes received (not a copy saved or pasted elsewhere)",
    "reserialised": "compute the HMAC over the raw request body, before any JSON parsing",
    "wrong_encoding": "the header holds the 64 hex digits (or base64) of the raw 32-byte HMAC: encode it once",
    "whitespace": "verify the body byte for byte: no added or stripped newline; trim the header value and "
                  "the secret you read from a file",
}


def resolve_secret(secret: str | None, secret_file: str | None, *, required: bool = True,
                   what: str = "a webhook secret") -> str | None:
    """The secret by precedence: --secret, --secret-file, env. Warns about --secret on argv."""
    from ..api.errors import UsageError

    out = ctx().output
    if secret is not None:
        out.warn("--secret on the command line is visible to other users in `ps` and kept in your shell "
                 f"history; prefer --secret-file FILE or {ENV}")
        if not secret:
            raise UsageError("--secret is empty")
        return secret
    if secret_file is not None:
        raw = read_input(secret_file, "--secret-file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError("--secret-file: not UTF-8 text") from None
        text = text.rstrip("\r\n")  # `echo s3cr3t > file` adds a newline that is not the secret's
        if not text:
            raise UsageError(f"--secret-file: {secret_file} is empty")
        return text
    env = os.environ.get(ENV)
    if env:
        return env
    if required:
        raise UsageError(f"{what} is needed",
                         hint=f"set {ENV}, or pass --secret-file FILE (the endpoint's secret from Makini's dashboard)")
    return None


def events_cmd(sample: str | None, count: int) -> None:
    from ..api.errors import UsageError
    from ..output import Column
    from ..webhooks import catalog

    c = ctx()
    if sample is not None:
        if sample not in catalog.BY_NAME:
            raise UsageError(f"unknown webhook event {sample!r}", hint="list them with `makini webhooks events`")
        body = catalog.encode(sample, catalog.sample(sample, count)["body"])
        # the exact bytes Makini sends (compact, no newline), so `| makini webhooks sign` signs them as-is
        sys.stdout.write(body.decode() + ("\n" if c.output.stdout_tty else ""))
        sys.stdout.flush()
        return
    rows = [{"event": e.name, "entity": e.entity, "action": e.action, "confirmed": not e.unconfirmed,
             "description": e.description} for e in catalog.EVENTS]
    c.output.emit(rows, columns=[Column("event", "EVENT"), Column("confirmed", "CONFIRMED"),
                                 Column("description", "DESCRIPTION")])


def sign_cmd(source: str, secret: str | None, secret_file: str | None, encoding: str) -> None:
    from ..api.errors import UsageError
    from ..webhooks.signing import HEADER, sign

    if encoding not in ("hex", "base64"):
        raise UsageError(f"bad --encoding {encoding!r}", hint="use hex (Makini's current form) or base64")
    _one_stdin(source, secret_file)
    key = resolve_secret(secret, secret_file)
    body = read_input(source, "body")
    signature = sign(body, key, encoding)
    c = ctx()
    if c.output.explicit:
        c.output.emit({"header": HEADER, "signature": signature, "encoding": encoding, "bytes": len(body)})
    else:
        sys.stdout.write(signature + "\n")


def verify_cmd(source: str, signature: str, secret: str | None, secret_file: str | None) -> None:
    from ..webhooks.signing import verify

    _one_stdin(source, secret_file)
    key = resolve_secret(secret, secret_file)
    body = read_input(source, "body")
    result = verify(body, key, signature)
    c = ctx()
    data = {"valid": result.ok, "encoding": result.encoding,
            "cause": str(result.cause) if result.cause else None, "reason": result.reason or None,
            "notes": list(result.notes), "bytes": len(body)}
    if c.output.explicit or not c.output.stdout_tty:
        c.output.emit(data)
    for note in result.notes:
        c.output.warn(note)
    if result.ok:
        c.output.note(f"valid signature ({result.encoding}, {len(body)} bytes)")
        return
    c.output.note(f"invalid signature: {result.reason} [{result.cause}]")
    c.output.note(f"hint: {HINTS.get(str(result.cause), HINTS['wrong_secret_or_tampered'])}")
    raise typer.Exit(3)


def _one_stdin(source: str, secret_file: str | None) -> None:
    from ..api.errors import UsageError

    if source == "-" and secret_file == "-":
        raise UsageError("the body and --secret-file cannot both read standard input",
                         hint="give the body or the secret as a file path")
