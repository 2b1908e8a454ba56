#!/usr/bin/env python3
"""Regenerate completions/ from the app: `python scripts/gen_completions.py` (or `--check`).

The scripts call back into `makini` (via _MAKINI_COMPLETE) for the words, so commands, options
and connection ids from the local token cache complete as the installed version defines them.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from makini_cli.commands.completion import SHELLS, script  # noqa: E402

FILES = {"bash": "makini.bash", "zsh": "_makini", "fish": "makini.fish", "powershell": "makini.ps1"}


def expected() -> dict[Path, str]:
    return {REPO / "completions" / FILES[shell]: script(shell) for shell in SHELLS}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path, text in expected().items():
        current = path.read_text() if path.exists() else None
        if current != text:
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    if check and stale:
        print("out of date: " + ", ".join(str(p.relative_to(REPO)) for p in stale) +
              " (run: python scripts/gen_completions.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
