"""Property-based bad input for the foundation: config and credentials files (corrupt, empty,
wrong types, wrong permissions), filter and sort expressions, option values. Always a clean
error and a documented exit code, never a traceback."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from makini_cli.api import query
from makini_cli.errors import UsageError

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DOCUMENTED = {0, 1, 2, 3, 4}

toml_ish = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.sampled_from([b"", b"[profiles]\n", b"profiles = 1\n", b"[profiles.default]\ntimeout = []\n",
                     b"[profiles.default]\nbase_url = 5\n", b"default_profile = 3\n", b"\xff\xfe",
                     b"[profiles.default]\noutput = \"xml\"\n", b"[[profiles]]\n", b"[profiles.default]\ntimeout = -1\n"]),
)


@SETTINGS
@given(content=toml_ish)
def test_any_config_file_content_gives_a_clean_outcome(cli, config_dir, content):
    (config_dir / "config.toml").write_bytes(content)
    r = cli("config", "list", "-o", "json")
    assert r.code in (0, 2), r
    if r.code == 2:
        assert r.stderr.strip() and "config.toml" in r.stderr


@SETTINGS
@given(content=toml_ish, mode=st.sampled_from([0o600, 0o644, 0o666]))
def test_any_credentials_file_content_gives_a_clean_outcome(cli, config_dir, content, mode):
    path = config_dir / "credentials.toml"
    path.write_bytes(content)
    os.chmod(path, mode)
    r = cli("auth", "status", "-o", "json")
    assert r.code in (2, 4, 0), r
    if mode != 0o600 and r.code != 2:
        assert "readable by other users" in r.stderr


def test_an_unreadable_config_file_is_a_clean_error(cli, config_dir):
    if os.geteuid() == 0:
        (config_dir / "config.toml").mkdir()  # root reads anything: use a directory instead
    else:
        (config_dir / "config.toml").write_text("")
        os.chmod(config_dir / "config.toml", 0)
    r = cli("config", "list")
    assert r.code == 2 and "config.toml" in r.stderr


@settings(max_examples=300, deadline=None)
@given(expr=st.text(max_size=60))
def test_filter_expressions_parse_or_raise_a_usage_error(expr):
    try:
        f = query.parse_filter(expr)
    except UsageError:
        return
    key, value = f.param()
    assert key.startswith("filter[") and value == expr.split("=", 1)[1]


@settings(max_examples=300, deadline=None)
@given(expr=st.text(max_size=40))
def test_sort_expressions_parse_or_raise_a_usage_error(expr):
    try:
        field, descending = query.parse_sort(expr)
    except UsageError:
        return
    assert field and isinstance(descending, bool)


@SETTINGS
@given(value=st.text(max_size=30), key=st.sampled_from(["timeout", "output", "base_url", "connection", "nope"]))
def test_config_set_accepts_or_refuses_cleanly(cli, value, key):
    r = cli("config", "set", "--", key, value) if value.startswith("-") else cli("config", "set", key, value)
    assert r.code in (0, 2), r


@SETTINGS
@given(value=st.text(max_size=20))
def test_global_timeout_and_output_values_are_checked(cli, value):
    r = cli("--timeout", value, "config", "get", "timeout") if not value.startswith("-") else None
    if r is not None:
        assert r.code in DOCUMENTED, r
    r = cli("-o", value, "config", "list") if not value.startswith("-") else None
    if r is not None:
        assert r.code in (0, 2), r
