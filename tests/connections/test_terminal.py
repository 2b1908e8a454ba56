"""On a terminal: a table, hints for the connections that need action, one summary line on stderr."""

from __future__ import annotations

import os
import pty
import subprocess
import sys


def run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    main, child = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MAKINI_") or k == "MAKINI_CONFIG_DIR"}
    full_env.update(env, COLUMNS="250", NO_COLOR="1")
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", *args], stdin=subprocess.DEVNULL,
                            stdout=child, stderr=child, env=full_env)
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
    return proc.wait(timeout=60), b"".join(chunks).decode(errors="replace")


def test_status_on_a_terminal_prints_a_table_hints_and_one_summary_line(sbx):
    ids = sbx.ids
    code, screen = run_on_a_terminal(["connections", "status", ids["healthy"], ids["needs_reauth"]], sbx.env)
    assert code == 3
    assert "HEALTH" in screen and "needs_reauth" in screen
    assert "https://link.makini.io/oauth/authorize?" in screen  # the hint for the one to act on
    summary = [line for line in screen.splitlines() if line.startswith("2 connections:")]
    assert summary == [summary[0]] and "1 healthy, 1 needs_reauth" in summary[0]
