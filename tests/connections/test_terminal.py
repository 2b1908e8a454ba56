"""On a terminal: a table, hints for the connections that need action, one summary line on stderr."""

from __future__ import annotations

from tests.pty_run import on_a_terminal


def run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """(exit code, what a 250-column terminal showed): wide enough that nothing is shortened."""
    return on_a_terminal(args, env, columns=250)


def test_status_on_a_terminal_prints_a_table_hints_and_one_summary_line(sbx):
    ids = sbx.ids
    code, screen = run_on_a_terminal(["connections", "status", ids["healthy"], ids["needs_reauth"]], sbx.env)
    assert code == 3
    assert "HEALTH" in screen and "needs_reauth" in screen
    assert "https://link.makini.io/oauth/authorize?" in screen  # the hint for the one to act on
    summary = [line for line in screen.splitlines() if line.startswith("2 connections:")]
    assert summary == [summary[0]] and "1 healthy, 1 needs_reauth" in summary[0]
