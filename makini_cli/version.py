"""The version line of `makini --version` and `makini version`: makini's version, the Python
running it and the platform (what a bug report needs). From `sys` only: answered before Typer is
imported, and the `platform` module costs start-up time."""

from __future__ import annotations

import sys

from . import __version__


def version_info() -> dict[str, str]:
    v = sys.version_info
    python = f"{v.major}.{v.minor}.{v.micro}" + ("" if v.releaselevel == "final" else f"{v.releaselevel[0]}{v.serial}")
    return {"makini": __version__, "python": python, "platform": sys.platform}


def version_line() -> str:
    info = version_info()
    return f"makini {info['makini']} (Python {info['python']}, {info['platform']})"
