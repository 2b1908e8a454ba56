"""Completion scripts are generated from the app and committed; they must be up to date."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_committed_completion_scripts_match_what_the_app_generates():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_completions.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_completion_command_prints_each_shell_and_refuses_others(cli):
    for shell in ("bash", "zsh", "fish", "powershell"):
        r = cli("completion", shell)
        assert r.code == 0 and "_MAKINI_COMPLETE" in r.stdout
    r = cli("completion", "tcsh")
    assert r.code == 2 and "unsupported shell" in r.stderr


def test_bash_completion_offers_groups_and_cached_connection_ids(config_dir):
    from makini_cli.credentials import CachedToken, TokenCache

    TokenCache("default|x|").put("connection:0900012345", CachedToken("t", None))
    env = dict(os.environ, _MAKINI_COMPLETE="complete_bash", COMP_WORDS="makini co", COMP_CWORD="1")
    out = subprocess.run([sys.executable, "-m", "makini_cli"], env=env, capture_output=True, text=True).stdout
    assert "config" in out.split() and "completion" in out.split()
    env.update(COMP_WORDS="makini api GET /api/erp/vendors -c 09", COMP_CWORD="5")
    out = subprocess.run([sys.executable, "-m", "makini_cli"], env=env, capture_output=True, text=True).stdout
    assert out.split() == ["0900012345"]
