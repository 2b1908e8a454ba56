"""Options several `webhooks` commands share, and how their values are read: the endpoint's
secret (--secret, then --secret-file, then MAKINI_WEBHOOK_SECRET; never printed, logged or put in
an error message) and the --event selection."""

from __future__ import annotations

import os

import typer

from .._common import ctx, read_input

ENV = "MAKINI_WEBHOOK_SECRET"


def secret_option():
    return typer.Option(None, "--secret", help="The endpoint's secret (visible in `ps` and shell history; "
                        "prefer --secret-file or env MAKINI_WEBHOOK_SECRET).")


def secret_file_option():
    return typer.Option(None, "--secret-file", metavar="FILE",
                        help="Read the secret from FILE (- for stdin); a trailing newline is ignored.")


def events_option(help_text: str):
    return typer.Option(None, "--event", "--events", "-e", metavar="EVENT",
                        help=help_text + " Repeat, or separate with commas; patterns like 'assets.*' work.")


def resolve_secret(secret: str | None, secret_file: str | None, *, required: bool = True,
                   what: str = "a webhook secret") -> str | None:
    """The secret by precedence: --secret, --secret-file, env. Warns about --secret on argv."""
    from ...errors import UsageError

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


def split_events(values: list[str] | None) -> list[str]:
    """`--event a --event b` and `--event a,b` alike."""
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]
