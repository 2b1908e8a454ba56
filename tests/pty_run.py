"""Run makini with stdout and stderr on a pseudo-terminal of a given width (tests of what a
person sees: tables, bars, prompts not shown to scripts)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys


def on_a_terminal(args: list[str], env: dict[str, str] | None = None, *, columns: int = 120,
                  stdout=None, timeout: float = 60) -> tuple[int, str]:
    """(exit code, everything the terminal showed). `stdout` (a file) keeps data off the
    terminal, as `makini … > file` does; stderr stays on it."""
    main, child = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MAKINI_") or k == "MAKINI_CONFIG_DIR"}
    full_env.update(env or {})
    full_env.update(COLUMNS=str(columns), LINES="50", NO_COLOR="1", TERM="xterm")
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", *args], stdin=subprocess.DEVNULL,
                            stdout=stdout if stdout is not None else child, stderr=child, env=full_env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    return proc.wait(timeout=timeout), b"".join(chunks).decode(errors="replace")
