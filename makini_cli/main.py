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


def version_info() -> dict[str, str]:
    """makini's version, the Python running it and the platform: what a bug report needs.
    From `sys` only: the `platform` module costs start-up time."""
    from . import __version__

    v = sys.version_info
    python = f"{v.major}.{v.minor}.{v.micro}" + ("" if v.releaselevel == "final" else f"{v.releaselevel[0]}{v.serial}")
    return {"makini": __version__, "python": python, "platform": sys.platform}


def version_line() -> str:
    info = version_info()
    return f"makini {info['makini']} (Python {info['python']}, {info['platform']})"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if _wants_version(args):
        sys.stdout.write(version_line() + "\n")
        sys.exit(0)
    from .handler import run

    sys.exit(run(args))
