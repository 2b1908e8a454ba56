"""`makini webhooks sign` and `webhooks verify`: a body's signature, made or checked."""

from __future__ import annotations

import sys

import typer

from .._common import ctx, examples, read_input
from .options import resolve_secret, secret_file_option, secret_option

HINTS = {
    "missing": "pass the X-Webhook-Signature header's value with --signature",
    "wrong_secret_or_tampered": "use the endpoint's secret from Makini's dashboard, and verify the exact "
                                "bytes received (not a copy saved or pasted elsewhere)",
    "reserialised": "compute the HMAC over the raw request body, before any JSON parsing",
    "wrong_encoding": "the header holds the 64 hex digits (or base64) of the raw 32-byte HMAC: encode it once",
    "whitespace": "verify the body byte for byte: no added or stripped newline; trim the header value and "
                  "the secret you read from a file",
}


def _one_stdin(source: str, secret_file: str | None) -> None:
    from ...errors import UsageError

    if source == "-" and secret_file == "-":
        raise UsageError("the body and --secret-file cannot both read standard input",
                         hint="give the body or the secret as a file path")


SIGN_SHORT_HELP = "Print the signature of a body."
SIGN_HELP = ("Print the X-Webhook-Signature of a body. HMAC-SHA256 keyed by the secret, hex "
             "(Makini's current form) or base64. The body is signed byte for byte.\n\n"
             "Secret precedence: --secret, --secret-file, MAKINI_WEBHOOK_SECRET; none is exit 2." + examples(
                 "makini webhooks sign --secret-file secret.txt body.json",
                 "MAKINI_WEBHOOK_SECRET=whsec_x makini webhooks sign --encoding base64 < body.json",
                 "makini webhooks events --sample assets.updated | makini webhooks sign --secret-file secret.txt"))


def sign(source: str = typer.Argument("-", metavar="[FILE|-]", help="The body (default: stdin)."),
         secret: str = secret_option(), secret_file: str = secret_file_option(),
         encoding: str = typer.Option("hex", "--encoding", help="hex or base64.")) -> None:
    from ...errors import UsageError
    from ...webhooks.signing import HEADER
    from ...webhooks.signing import sign as signature_of

    if encoding not in ("hex", "base64"):
        raise UsageError(f"bad --encoding {encoding!r}", hint="use hex (Makini's current form) or base64")
    _one_stdin(source, secret_file)
    key = resolve_secret(secret, secret_file)
    body = read_input(source, "body")
    signature = signature_of(body, key, encoding)
    c = ctx()
    if c.output.explicit:
        c.output.emit({"header": HEADER, "signature": signature, "encoding": encoding, "bytes": len(body)})
    else:
        sys.stdout.write(signature + "\n")


VERIFY_SHORT_HELP = "Check a signature; say why it fails."
VERIFY_HELP = ("Check a body's signature, and say why it fails. Constant time; hex or base64. When it "
               "fails, stderr says why: wrong secret or tampered body, body re-serialised (equal JSON, "
               "different bytes), wrong encoding, whitespace or newline added. The result is JSON on stdout "
               "when piped or with -o.\n\nExit codes: 0 valid, 3 invalid, 2 no secret or bad input." + examples(
                   "makini webhooks verify --signature 5f2b…e1 --secret-file secret.txt body.json",
                   "makini webhooks verify --signature \"$SIG\" - < body.json && echo genuine",
                   "makini webhooks verify --signature \"$SIG\" body.json -o json | jq .cause"))


def verify(source: str = typer.Argument("-", metavar="[FILE|-]", help="The body exactly as received (default: stdin)."),
           signature: str = typer.Option(..., "--signature", "-s", help="The X-Webhook-Signature value."),
           secret: str = secret_option(), secret_file: str = secret_file_option()) -> None:
    from ...webhooks.signing import verify as check

    _one_stdin(source, secret_file)
    key = resolve_secret(secret, secret_file)
    body = read_input(source, "body")
    result = check(body, key, signature)
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
