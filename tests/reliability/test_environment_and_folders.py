"""What makini takes from its surroundings is checked: every MAKINI_* variable against its rule
(exit 2 naming it, never a silent default), profile names, the folders it keeps files in (not
writable by other users, on POSIX), and token expiries from a server or the cache."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from makini_cli import envvars, paths
from tests.connections.conftest import sbx, served  # noqa: F401 - fixtures: a served sandbox

REPO = Path(__file__).resolve().parents[2]


def error_of(result) -> dict:
    return json.loads(result.stderr)["error"]


# --- MAKINI_* variables -------------------------------------------------------------------------

BAD_VALUES = [
    ("MAKINI_BREAKER_THRESHOLD", "abc"), ("MAKINI_BREAKER_THRESHOLD", "-1"), ("MAKINI_BREAKER_THRESHOLD", "2.5"),
    ("MAKINI_BREAKER_COOLDOWN", "abc"), ("MAKINI_BREAKER_COOLDOWN", "2 minutes"),
    ("MAKINI_BREAKER_FORCE", "maybe"),
    ("MAKINI_CONNLOG_MAX_BYTES", "abc"), ("MAKINI_CONNLOG_MAX_BYTES", "10"),
    ("MAKINI_CONNLOG_BACKUPS", "abc"), ("MAKINI_CONNLOG_BACKUPS", "0"),
    ("MAKINI_RETRY_MAX_ATTEMPTS", "x"), ("MAKINI_RETRY_MAX_ATTEMPTS", "0"),
    ("MAKINI_RETRY_MAX_WAIT", "nan"), ("MAKINI_RETRY_MAX_WAIT", "-1"),
    ("MAKINI_TIMEOUT", "abc"), ("MAKINI_OUTPUT", "xml"), ("MAKINI_BASE_URL", "ftp://example.com"),
    ("MAKINI_PROFILE", "a/b"), ("MAKINI_PROFILE", " "), ("MAKINI_PROFILE", "-x"),
    ("MAKINI_CLIENT_ID", "two words"), ("MAKINI_CONNECTION", "0900\n0901"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_a_variable_that_breaks_its_rule_is_exit_2_naming_it(sbx, cli, name, value):
    r = cli("connections", "status", sbx.ids["healthy"], env={**sbx.env, name: value})
    assert r.code == 2 and r.stdout == ""
    err = error_of(r)
    assert err["code"] == "usage_error"
    assert name in err["message"]


@pytest.mark.parametrize("name", sorted(envvars._READERS))
def test_even_a_command_that_does_not_use_the_variable_reports_it(cli, name):
    r = cli("config", "list", env={name: "abc"})
    assert r.code == 2
    err = error_of(r)
    assert err["message"] == f"{name}='abc': expected {envvars.RULES[name]}"
    assert err["hint"] == f"fix or unset {name} (`unset {name}`)"


def test_values_that_follow_the_rules_work_and_an_empty_one_means_unset(sbx, cli):
    env = {**sbx.env, "MAKINI_BREAKER_THRESHOLD": "0", "MAKINI_BREAKER_COOLDOWN": "90s",
           "MAKINI_BREAKER_FORCE": "no", "MAKINI_CONNLOG_MAX_BYTES": "4096", "MAKINI_CONNLOG_BACKUPS": "2",
           "MAKINI_RETRY_MAX_ATTEMPTS": "1", "MAKINI_RETRY_MAX_WAIT": "0", "MAKINI_TIMEOUT": "",
           "MAKINI_PROFILE": "eu-staging.2", "MAKINI_OUTPUT": "json"}
    r = cli("connections", "status", sbx.ids["healthy"], env=env)
    assert r.code == 0, r
    assert r.json()[0]["health"] == "healthy"


def test_a_bad_variable_is_reported_even_when_a_flag_overrides_it(cli):
    r = cli("--timeout", "5", "config", "list", env={"MAKINI_TIMEOUT": "abc"})
    assert r.code == 2 and "MAKINI_TIMEOUT" in error_of(r)["message"]


def test_config_dir_that_is_a_file_is_a_clear_error(cli, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("")
    r = cli("config", "list", env={"MAKINI_CONFIG_DIR": str(afile)})
    assert r.code == 2
    err = error_of(r)
    assert err["message"] == f"MAKINI_CONFIG_DIR={str(afile)!r} is not a folder"


def test_every_makini_variable_in_the_code_has_a_rule_and_a_readme_row():
    used = set()
    for path in (REPO / "makini_cli").rglob("*.py"):
        used |= set(re.findall(r"(?<![A-Z_])MAKINI_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8")))
    assert used - set(envvars.RULES) == set(), "MAKINI_* variables read without a rule in envvars.RULES"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(MAKINI_[A-Z_]+)`", table))
    assert set(envvars.RULES) - documented == set(), "variables missing from the README's table"
    assert documented - set(envvars.RULES) == set(), "README rows for variables with no rule"


# --- profile names ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["", "a/b", "../x", "a b", "x|y", "-p", ".hidden", "é" * 3, "x" * 65])
def test_config_use_refuses_a_bad_profile_name_and_writes_nothing(cli, config_dir, name):
    r = cli("config", "use", "--", name)
    assert r.code == 2 and r.stdout == ""
    assert "bad profile name" in error_of(r)["message"]
    assert "letters, digits" in error_of(r)["hint"]
    assert not (config_dir / "config.toml").exists()


def test_profile_flag_with_a_slash_is_refused_and_writes_nothing(cli, config_dir):
    r = cli("--profile", "a/b", "config", "set", "output", "json")
    assert r.code == 2
    assert error_of(r)["message"] == "--profile: bad profile name 'a/b'"
    assert not (config_dir / "config.toml").exists()


def test_a_hand_written_bad_default_profile_names_the_file(cli, config_dir):
    (config_dir / "config.toml").write_text('default_profile = "team/prod"\n')
    r = cli("config", "list")
    assert r.code == 2
    assert error_of(r)["message"].startswith(f"{config_dir / 'config.toml'} default_profile: bad profile name")


def test_config_use_with_a_good_name_sets_the_default(cli, config_dir):
    r = cli("config", "use", "eu-staging")
    assert r.code == 0 and "default profile is now eu-staging" in r.stderr
    assert cli("config", "profiles", "-o", "json").code == 0
    assert 'default_profile = "eu-staging"' in (config_dir / "config.toml").read_text()


# --- folders other users may write to -------------------------------------------------------------

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="Windows reports no POSIX modes")


@posix_only
@pytest.mark.parametrize("mode", [0o770, 0o707, 0o1777])
def test_a_config_folder_others_may_write_is_refused_with_a_hint(cli, config_dir, mode):
    os.chmod(config_dir, mode)
    r = cli("config", "list")
    assert r.code == 2 and r.stdout == ""
    err = error_of(r)
    assert err["message"].startswith(f"{config_dir} is writable by other users (mode {oct(mode & 0o777)})")
    assert "collect your secret" in err["message"]
    assert err["hint"] == f"run: chmod go-w {config_dir}"
    os.chmod(config_dir, 0o700)
    assert cli("config", "list").code == 0


@posix_only
def test_a_state_folder_others_may_write_is_refused(cli, config_dir):
    (config_dir / "state").mkdir(mode=0o700)
    os.chmod(config_dir / "state", 0o775)
    r = cli("--sandbox", "auth", "status")  # reads the token cache in the state folder
    assert r.code == 2
    assert error_of(r)["message"].startswith(f"{config_dir / 'state'} is writable by other users")


@posix_only
def test_a_log_folder_others_may_write_is_refused(cli, config_dir):
    (config_dir / "logs").mkdir(mode=0o700)
    os.chmod(config_dir / "logs", 0o777)
    r = cli("--sandbox", "connections", "errors", "0900")
    assert r.code == 2
    assert error_of(r)["message"].startswith(f"{config_dir / 'logs'} is writable by other users")


@posix_only
def test_config_path_still_says_where_the_files_are(cli, config_dir):
    os.chmod(config_dir, 0o777)
    r = cli("config", "path", "--all", "-o", "json")
    assert r.code == 0 and r.json()["config"] == str(config_dir / "config.toml")


def test_group_readable_but_not_writable_folders_are_fine(cli, config_dir):
    os.chmod(config_dir, 0o755)
    assert cli("config", "list").code == 0


def test_on_windows_no_mode_is_checked(cli, config_dir, monkeypatch):
    os.chmod(config_dir, 0o777)
    monkeypatch.setattr(paths.sys, "platform", "win32")
    try:
        assert paths.private(config_dir) == config_dir
    finally:
        monkeypatch.undo()
        os.chmod(config_dir, 0o700)


# --- token expiries -------------------------------------------------------------------------------

def token_server(expires_in: str, calls: list):
    """A token endpoint answering with the raw JSON text `expires_in` (Infinity, 1e999, NaN…)."""

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        while (await receive()).get("more_body"):
            pass
        calls.append(scope["path"])
        body = ('{"access_token": "admin-tok", "refresh_token": "r", "expires_in": %s}' % expires_in).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.mark.parametrize("expires_in", ["Infinity", "-Infinity", "NaN", "1e999", "1e300", "123456789012345678901234567890"])
def test_a_non_finite_or_impossible_expiry_is_unknown_expiry(cli, serve, config_dir, expires_in):
    calls: list = []
    env = {"MAKINI_BASE_URL": serve(token_server(expires_in, calls)).base_url, "MAKINI_CLIENT_ID": "app",
           "MAKINI_CLIENT_SECRET": "s3cret"}
    for _ in range(2):
        r = cli("auth", "token", env=env)
        assert r.code == 0 and r.stdout == "admin-tok\n", r
    assert calls == ["/link/token"]  # an unknown expiry is used until refused, not fetched each time
    r = cli("auth", "status", "-o", "json", env=env)
    assert r.code == 0, r
    status = r.json()
    assert status["admin_token_expires_at"] is None and status["admin_token_valid"] is True
    cache = json.loads((config_dir / "state" / "tokens.json").read_text())
    assert [slot["expires_at"] for scope in cache.values() for slot in scope.values()] == [None]


def test_a_cache_holding_infinity_reads_as_unknown_expiry(cli, config_dir):
    (config_dir / "state").mkdir(mode=0o700)
    scope = "default|https://api.makini.io|app"
    (config_dir / "state" / "tokens.json").write_text(
        json.dumps({scope: {"admin": {"access_token": "t", "expires_at": float("inf")}}}))
    r = cli("auth", "status", "-o", "json", env={"MAKINI_CLIENT_ID": "app", "MAKINI_CLIENT_SECRET": "s"})
    assert r.code == 0, r
    assert r.json()["admin_token_expires_at"] is None
