"""Entry point. `makini --version` answers before Typer, httpx or Rich are imported."""

from __future__ import annotations

import sys


def _wants_version(args: list[str]) -> bool:
    for arg in args:
        if arg == "--version":
            return True
        if not arg.startswith("-") or arg in ("-h", "--help"):
            return False
    return False


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if _wants_version(args):
        from .version import version_line

        sys.stdout.write(version_line() + "\n")
        sys.exit(0)
    from .handler import run

    sys.exit(run(args))
