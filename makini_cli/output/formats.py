"""The output formats `-o` takes, and which commands take the two that only some commands can draw.

One registry: the global option checks it, `makini help formatting` and shell completion list
it, and the error for a format a command does not take names the commands that do.
"""

from __future__ import annotations

FORMATS = ("table", "wide", "json", "ndjson", "csv", "yaml", "openmetrics")

# The commands whose terminal view is a table (or a record): `-o wide` shows every column
# there, however wide. Commands that print a value, a file or a confirmation do not take it.
TABLE_COMMANDS = (
    "auth status",
    "config list", "config profiles",
    "connections list", "connections get", "connections status", "connections doctor", "connections errors",
    "connections breaker", "connections disconnect", "connections metadata", "connections platforms",
    "connections history", "connections watch",
    "syncs status",
    "purchase-orders list", "purchase-orders get", "purchase-orders lines", "purchase-orders statuses",
    "webhooks events", "webhooks logs", "webhooks test",
    "field-mappings fields", "field-mappings show", "field-mappings compare",
    "field-mappings custom-fields", "field-mappings diff", "field-mappings preview",
    "sandbox info",
)

# format -> the commands that take it; a format not named here is taken by every command
FORMAT_COMMANDS: dict[str, tuple[str, ...]] = {
    "wide": TABLE_COMMANDS,
    "openmetrics": ("connections status", "syncs status", "connections watch"),
}


def normalise(value: str, what: str = "-o") -> str:
    """A format name as given (`JSON`, ` yaml`) -> its canonical name; a bad one is a usage error
    that repeats it."""
    name = value.strip().lower()
    if name not in FORMATS:
        from ..errors import UsageError

        # `-o x.csv` is a file name given where a format goes: say where a file goes
        looks_like_file = "." in name or "/" in name
        raise UsageError(f"bad {what} {value!r}: expected one of {', '.join(FORMATS)}",
                         hint="-o is a format, a file is -O/--output-file FILE (po export)" if looks_like_file
                         else "`makini help formatting` says what each format is for")
    return name


def takes(fmt: str, command: str | None) -> bool:
    """Whether `command` ("connections status") can render `fmt`. An unknown command (None) can."""
    commands = FORMAT_COMMANDS.get(fmt)
    return commands is None or command is None or command in commands


def check(fmt: str, command: str | None) -> None:
    """Refuse (exit 2) a format that this command cannot render, naming the ones that can."""
    if takes(fmt, command):
        return
    from ..errors import UsageError

    raise UsageError(f"`makini {command}` does not take -o {fmt}; it is taken by: {listing(fmt)}",
                     hint="choose another -o (table, json, ndjson, csv, yaml), or see `makini help formatting`")


def listing(fmt: str) -> str:
    """The commands that take `fmt`, group by group: "connections list, status; syncs status"."""
    groups: dict[str, list[str]] = {}
    for command in FORMAT_COMMANDS.get(fmt, ()):
        group, _, verb = command.partition(" ")
        groups.setdefault(group, []).append(verb)
    return "; ".join(f"{group} {', '.join(verbs)}" for group, verbs in groups.items())


def complete(incomplete: str) -> list[str]:
    """Shell completion of `-o`."""
    return [f for f in FORMATS if f.startswith(incomplete.lower())]
