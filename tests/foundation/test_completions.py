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


def complete(shell: str, words: str, env: dict[str, str] | None = None) -> str:
    """What `makini` answers a shell's completion call with (the protocol the scripts speak)."""
    full = dict(os.environ, _MAKINI_COMPLETE=f"complete_{shell}", **(env or {}))
    if shell == "bash":
        full.update(COMP_WORDS=words, COMP_CWORD=str(len(words.split(" ")) - 1))
    else:
        full.update(_TYPER_COMPLETE_ARGS=words, _TYPER_COMPLETE_FISH_ACTION="get-args")
    proc = subprocess.run([sys.executable, "-m", "makini_cli"], env=full, capture_output=True, text=True,
                          timeout=60)
    assert proc.stderr == "" and proc.returncode == 0, proc
    return proc.stdout


def test_global_options_and_formats_complete_after_the_command(config_dir):
    assert {"--no-color", "--sandbox", "--status"} <= set(complete("bash", "makini connections list --").split())
    assert complete("bash", "makini syncs status -o ").split() == ["table", "wide", "json", "ndjson", "csv", "yaml", "openmetrics"]
    assert complete("bash", "makini po export --format n").split() == ["ndjson"]
    # an option the command has itself is not offered twice (webhooks test has its own --timeout)
    assert complete("bash", "makini webhooks test --timeout").split().count("--timeout") == 1


def test_connection_ids_come_from_the_api_with_names_and_are_cached(config_dir):
    fish = complete("fish", "makini --sandbox connections status 0000010")
    assert fish.splitlines() == ["00000100433001\tNordwerk Maschinenbau GmbH"]
    cache = config_dir / "state" / "completion-connections.json"
    assert cache.exists() and oct(cache.stat().st_mode & 0o777) == "0o600"
    assert complete("bash", "makini po export --sandbox -c a").split() == ["all"]
    assert len(complete("bash", "makini --sandbox mappings compare purchase-orders 0").split()) == 10


def test_a_customers_name_reaches_the_shell_inert(config_dir, cli, tmp_path):
    """zsh `eval`s what completion prints: a name is data, and must not become code."""
    creds = tmp_path / "creds.json"
    creds.write_text("{}")
    r = cli("--sandbox", "connections", "create", "--provider", "upkeep", "--name", "Evil $(touch pwned) `id` 'q'\n;",
            "--email", "e@e.example", "--credentials-file", str(creds))
    assert r.code == 0, r
    new_id = r.stdout.strip()
    zsh = complete("zsh", f"makini --sandbox connections get {new_id[:-1]}")
    assert new_id in zsh and "Evil" in zsh
    assert not any(bad in zsh for bad in ("$(", "`", "touch pwned)", "\n;"))


def test_entities_events_settings_and_topics_complete(config_dir):
    assert "purchase-orders.line-items" in complete("bash", "makini mappings template purchase-o").split()
    assert complete("bash", "makini webhooks events --sample assets.u").split() == ["assets.updated"]
    assert "credential_store" in complete("bash", "makini config get c").split()
    assert complete("bash", "makini help f").split() == ["formatting"]
    assert complete("bash", "makini auth login --store k").split() == ["keyring"]
