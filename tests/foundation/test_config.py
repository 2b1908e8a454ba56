"""Settings precedence (flag > env > profile > default), profiles, and broken config files."""

from __future__ import annotations

import os
import stat

from makini_cli import config


def write_config(home, text: str) -> None:
    (home / "config.toml").write_text(text)


def test_default_values_apply_when_nothing_is_set(cli):
    r = cli("config", "list", "-o", "json")
    assert r.code == 0, r
    rows = {row["key"]: row for row in r.json()}
    assert rows["base_url"]["value"] == "https://api.makini.io"
    assert rows["base_url"]["source"] == "default"


def test_profile_beats_default_env_beats_profile_and_flag_beats_env(cli, config_dir):
    write_config(config_dir, '[profiles.default]\nbase_url = "https://profile.example"\ntimeout = 12\n')
    r = cli("config", "get", "base_url")
    assert r.stdout.strip() == "https://profile.example"
    r = cli("config", "get", "base_url", env={"MAKINI_BASE_URL": "https://env.example"})
    assert r.stdout.strip() == "https://env.example"
    r = cli("--base-url", "https://flag.example", "config", "get", "base_url",
            env={"MAKINI_BASE_URL": "https://env.example"})
    assert r.stdout.strip() == "https://flag.example"
    r = cli("config", "list", "-o", "json", env={"MAKINI_BASE_URL": "https://env.example"})
    sources = {row["key"]: row["source"] for row in r.json()}
    assert sources == {**sources, "base_url": "env", "timeout": "profile", "client_id": "default"}


def test_named_profile_from_flag_and_env(cli, config_dir):
    write_config(config_dir, '[profiles.default]\nconnection = "A"\n[profiles.staging]\nconnection = "B"\n')
    assert cli("config", "get", "connection").stdout.strip() == "A"
    assert cli("--profile", "staging", "config", "get", "connection").stdout.strip() == "B"
    assert cli("config", "get", "connection", env={"MAKINI_PROFILE": "staging"}).stdout.strip() == "B"
    assert cli("config", "get", "connection", "--profile", "default",
               env={"MAKINI_PROFILE": "staging"}).stdout.strip() == "A"


def test_default_profile_setting_is_used(cli, config_dir):
    write_config(config_dir, 'default_profile = "prod"\n[profiles.prod]\nconnection = "P"\n')
    assert cli("config", "get", "connection").stdout.strip() == "P"


def test_set_and_unset_write_the_file_atomically_with_private_mode(cli, config_dir):
    r = cli("config", "set", "timeout", "45")
    assert r.code == 0, r
    path = config_dir / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert 'timeout = 45.0' in path.read_text()
    assert cli("config", "get", "timeout").stdout.strip() == "45.0"
    assert cli("config", "unset", "timeout").code == 0
    assert "timeout" not in path.read_text()
    assert not [p for p in config_dir.iterdir() if p.name.endswith(".tmp")]


def test_set_rejects_bad_values_with_exit_2_and_leaves_the_file_alone(cli, config_dir):
    write_config(config_dir, '[profiles.default]\ntimeout = 5\n')
    before = (config_dir / "config.toml").read_text()
    for key, value in (("timeout", "soon"), ("output", "xml"), ("base_url", "ftp://x"), ("colour", "red")):
        r = cli("config", "set", key, value)
        assert r.code == 2, r
        assert "error:" in r.stderr or '"error"' in r.stderr
        assert "Traceback" not in r.stderr
    assert (config_dir / "config.toml").read_text() == before


def test_a_broken_config_file_is_named_with_its_line_and_never_overwritten(cli, config_dir):
    write_config(config_dir, '[profiles.default]\nbase_url = "https://x"\ntimeout = = 3\n')
    before = (config_dir / "config.toml").read_text()
    r = cli("config", "list")
    assert r.code == 2, r
    assert "config.toml" in r.stderr and "line 3" in r.stderr
    r = cli("config", "set", "timeout", "9")
    assert r.code == 2
    assert (config_dir / "config.toml").read_text() == before


def test_a_config_file_with_wrong_types_is_a_clear_error(cli, config_dir):
    write_config(config_dir, 'profiles = "oops"\n')
    r = cli("config", "list")
    assert r.code == 2 and "profiles" in r.stderr and "Traceback" not in r.stderr
    write_config(config_dir, '[profiles.default]\ntimeout = "fast"\n')
    r = cli("config", "list")
    assert r.code == 2 and "timeout" in r.stderr


def test_sandbox_flag_means_the_embedded_sandbox_even_with_a_base_url_in_env(cli):
    r = cli("--sandbox", "config", "get", "base_url", env={"MAKINI_BASE_URL": "https://env.example"})
    assert r.stdout.strip() == config.EMBEDDED_URL


def test_config_dir_relocates_every_file(cli, config_dir):
    r = cli("config", "path", "--all", "-o", "json")
    assert r.code == 0
    for value in r.json().values():
        assert value.startswith(str(config_dir))


def test_global_options_work_after_the_subcommand(cli):
    r = cli("config", "list", "-o", "csv")
    assert r.code == 0
    assert r.stdout.splitlines()[0] == "key,value,source,env,description"


def test_profiles_lists_file_profiles_and_the_builtin_sandbox(cli, config_dir):
    write_config(config_dir, '[profiles.staging]\nbase_url = "https://s"\n')
    names = [p["profile"] for p in cli("config", "profiles", "-o", "json").json()]
    assert names == ["staging", "sandbox"]
    assert os.environ["MAKINI_CONFIG_DIR"] == str(config_dir)
