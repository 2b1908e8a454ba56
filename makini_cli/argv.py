"""Global options may be written anywhere: `makini connections list -o json` works like
`makini -o json connections list`. Before parsing, global options that follow the subcommand
are moved in front of it, unless the subcommand defines an option of the same name itself
(`webhooks test --timeout` keeps its own --timeout)."""

from __future__ import annotations

from typing import Any

GLOBAL_FLAGS = frozenset({"--sandbox", "--debug", "--no-color", "--insecure", "--csv-safe"})
GLOBAL_VALUED = frozenset({"-o", "--output", "-q", "--query", "-p", "--profile", "--base-url", "--timeout",
                           "--columns"})


def _opts_of(command: Any) -> set[str]:
    names: set[str] = set()
    for param in getattr(command, "params", []):
        names.update(getattr(param, "opts", []))
        names.update(getattr(param, "secondary_opts", []))
    return names


def hoist_globals(root: Any, args: list[str]) -> list[str]:
    head: list[str] = []
    i = 0
    # leading global options stay where they are
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        name = args[i].split("=", 1)[0]
        head.append(args[i])
        if name in GLOBAL_VALUED and "=" not in args[i] and i + 1 < len(args):
            head.append(args[i + 1])
            i += 1
        i += 1
    command = root
    path: list[str] = []
    while i < len(args) and not args[i].startswith("-"):
        sub = getattr(command, "commands", {}).get(args[i]) if hasattr(command, "commands") else None
        if sub is None:
            break
        path.append(args[i])
        command = sub
        i += 1
    if not path:
        return args
    own = _opts_of(command)
    moved: list[str] = []
    rest: list[str] = []
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if name in own or not name.startswith("-"):
            rest.append(arg)
        elif name in GLOBAL_FLAGS:
            moved.append(arg)
        elif name in GLOBAL_VALUED:
            moved.append(arg)
            if "=" not in arg and i + 1 < len(args):
                moved.append(args[i + 1])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return head + moved + path + rest


def invoked_path(root: Any, args: list[str]) -> list[str]:
    """The subcommand names `args` invoke (`["conn", "status"]`), after any leading global options."""
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        if args[i].split("=", 1)[0] in GLOBAL_VALUED and "=" not in args[i]:
            i += 1
        i += 1
    command, path = root, []
    while i < len(args) and not args[i].startswith("-"):
        sub = getattr(command, "commands", {}).get(args[i])
        if sub is None:
            break
        path.append(args[i])
        command = sub
        i += 1
    return path
