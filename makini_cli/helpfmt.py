"""How help reads: one-line summaries that are whole sentences, and one placeholder style.

Typer's own choices read badly in a tool's help: a group lists each verb with its help cut at 45
characters (`Health of connections, each read with its...`), a required argument is `{key}`, an
optional one `[ids]...`, and an option's value `<str>` or `<int range>`. `app.register` gives every
verb this module's command class and a summary (commands/summaries.py, else the help's first
sentence), so every command reads the same way: `ID`, `[ID]...`, `KEY`, `FILE`, `-c ID`,
`--limit N`. Explicit metavars in a command module win."""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand

# Argument placeholders by parameter name (else the name in capitals).
ARGUMENTS = {"connection_id": "ID", "connection_ids": "ID", "ids": "ID", "connections": "ID",
             "key": "KEY", "po_key": "KEY", "delivery_id": "ID", "file": "FILE", "files": "FILE",
             "a": "OLD", "b": "NEW", "topic": "TOPIC"}

# Option placeholders by long name (`name:type` first, for names that mean two things).
OPTIONS = {"connection": "ID", "base-url": "URL", "url": "URL", "webhook-url": "URL", "to": "URL",
           "forward-to": "URL", "profile": "NAME", "query": "EXPR", "timeout:float": "SECONDS",
           "timeout:str": "DURATION", "interval": "DURATION", "stale-after": "DURATION",
           "slow-after": "SECONDS", "since": "WHEN", "until": "WHEN", "updated-since": "WHEN",
           "credentials-file": "FILE", "file": "FILE", "input": "FILE", "mapping": "FILE",
           "secret-file": "FILE", "webhook-secret-file": "FILE", "output-file": "FILE",
           "db": "FILE", "set": "KEY=VALUE", "field": "KEY=VALUE", "filter": "FILTER",
           "sort": "FIELD[:asc|desc]", "output": "FORMAT", "format": "FORMAT", "store": "STORE",
           "order-no": "NUMBER", "secret": "SECRET",
           "webhook-secret": "SECRET", "signature": "SIG", "time-factor": "FACTOR", "retry-scale": "FACTOR"}

_BY_TYPE = {"integer": "N", "int": "N", "int range": "N", "integer range": "N", "float": "NUMBER",
            "float range": "NUMBER"}


def first_sentence(text: str | None) -> str:
    """The help's first sentence, whole (never cut mid-sentence)."""
    flat = " ".join((text or "").split("\n\n")[0].split())
    match = re.search(r"(?<!e\.g)(?<!i\.e)(?<!etc)[.!?](?=\s|$)", flat)
    return flat[:match.end()] if match else flat


def argument_name(param: Any) -> str:
    if param.metavar:
        return param.metavar.strip("[]").removesuffix("...").strip("[]")
    return ARGUMENTS.get(param.name or "", (param.name or "ARG").upper())


def option_metavar(param: Any) -> str | None:
    long = next((o for o in param.opts if o.startswith("--")), param.opts[0]).lstrip("-")
    kind = getattr(param.type, "name", "")
    if f"{long}:{kind}" in OPTIONS:
        return OPTIONS[f"{long}:{kind}"]
    if long in OPTIONS:
        return OPTIONS[long]
    return _BY_TYPE.get(kind) or long.upper().replace("-", "_")


class Command(TyperCommand):
    """A Typer command whose usage line and placeholders follow the rules above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.param_type_name == "argument":
                param.metavar = argument_name(param) + ("..." if param.nargs != 1 else "")
            elif param.param_type_name == "option" and param.metavar is None and not (
                    getattr(param, "is_flag", False) or getattr(param, "count", False)):
                param.metavar = option_metavar(param)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = argument_name(param)
            piece = name if param.required else f"[{name}]"
            pieces.append(piece + ("..." if param.nargs != 1 else ""))
        return pieces
