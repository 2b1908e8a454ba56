"""Pieces every command group shares: options, input reading, confirmation, async running."""

from __future__ import annotations

import sys
from typing import Any

import typer

from ..context import AppContext, current


def ctx() -> AppContext:
    return current()


def complete_connection_ids(incomplete: str) -> list[str]:
    from ..credentials import cached_connection_ids

    return [cid for cid in cached_connection_ids() if cid.startswith(incomplete)]


def connection_option(help_text: str = "Connection id (env MAKINI_CONNECTION; default: the profile's)."):
    return typer.Option(None, "--connection", "-c", help=help_text, autocompletion=complete_connection_ids)


def domain_option():
    return typer.Option("erp", "--domain", help="Unified API domain: erp, eam or wms.")


def check_domain(domain: str) -> str:
    from ..errors import UsageError

    if domain not in ("erp", "eam", "wms"):
        raise UsageError(f"unknown domain {domain!r}", hint="use --domain erp, eam or wms")
    return domain


def require_connection(connection: str | None) -> str | None:
    """The connection to use: the flag, else the profile/env default, else a single token's own."""
    from ..errors import UsageError

    c = ctx()
    connection = connection or c.settings.get("connection")
    if connection:
        return connection
    if c.credentials.connection_token(c.profile):
        return None  # the single configured connection token knows its connection
    raise UsageError("no connection given", hint="pass -c/--connection ID or set MAKINI_CONNECTION "
                     "(list them with `makini connections list`)")


def read_input(source: str, what: str = "input") -> bytes:
    """Bytes from a file path or '-' (stdin). Refuses to wait on an interactive stdin."""
    from ..errors import UsageError

    if source == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError(f"{what}: '-' reads standard input, but it is a terminal",
                             hint="pipe the data in, e.g. `cat body.json | makini …`, or give a file path")
        return sys.stdin.buffer.read()
    try:
        with open(source, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise UsageError(f"{what}: no such file: {source}") from None
    except IsADirectoryError:
        raise UsageError(f"{what}: {source} is a directory") from None
    except PermissionError:
        raise UsageError(f"{what}: cannot read {source}: permission denied") from None


def read_json(source: str, what: str = "input") -> Any:
    import json
    from decimal import Decimal

    from ..errors import UsageError

    raw = read_input(source, what)

    def not_a_number(name: str) -> Any:
        # Python's json takes NaN and Infinity, JSON does not: refused here, when the file is read,
        # so a dry run says so too and no request carries them (nor a float into money).
        raise UsageError(f"{what}: {name} is not a JSON number",
                         hint="JSON has no NaN or Infinity: write the number, or null for none")

    try:
        value = json.loads(raw.decode("utf-8-sig"), parse_float=Decimal, parse_constant=not_a_number)
    except UnicodeDecodeError:
        raise UsageError(f"{what}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:  # an integer of more than 4300 digits
        raise UsageError(f"{what}: invalid JSON: {exc}".split(";")[0]) from None
    except RecursionError:
        raise UsageError(f"{what}: JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise UsageError(f"{what}: JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return value


MAX_JSON_DEPTH = 100  # far beyond any real body; deeper ones would overflow the stack later


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def interactive() -> bool:
    return bool(sys.stdin and sys.stdin.isatty() and sys.stdout.isatty())


def confirm(prompt: str, *, yes: bool, action: str) -> None:
    """Go ahead with a destructive action: --yes, or a 'y' typed at a terminal. Never prompts a script."""
    from ..errors import UsageError

    if yes:
        return
    if not interactive():
        raise UsageError(f"refusing to {action} without confirmation (not a terminal)",
                         hint="add --yes to confirm, or --dry-run to see what would happen")
    try:
        answer = typer.confirm(prompt, default=False, err=True)
    except typer.Abort:
        # Ctrl-C or Ctrl-D at the prompt: the user interrupted, exit 130 as for Ctrl-C anywhere
        typer.echo("\nCancelled: nothing was changed.", err=True)
        raise typer.Exit(130) from None
    if not answer:
        typer.echo("Cancelled: nothing was changed.", err=True)
        raise typer.Exit(1)


def parse_key_values(pairs: list[str] | None, what: str) -> dict[str, str]:
    from ..errors import UsageError

    out: dict[str, str] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise UsageError(f"bad {what} {pair!r}: expected key=value")
        key, value = pair.split("=", 1)
        if not key:
            raise UsageError(f"bad {what} {pair!r}: empty key")
        out[key] = value
    return out


def examples(*lines: str) -> str:
    """An Examples block for a command's help; \\b keeps the lines as written (no rewrapping)."""
    return "\n\nExamples:\n\n\b\n" + "\n".join(f"  $ {line}" for line in lines)
