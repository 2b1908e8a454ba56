"""The credentials file and token cache: 0600 from creation, atomic writes, loose-mode warning."""

from __future__ import annotations

import os
import stat

from makini_cli.credentials import CachedToken, CredentialStore, TokenCache
from makini_cli.fsutil import atomic_write_text


def test_credentials_file_is_created_0600_and_holds_the_secret(config_dir):
    store = CredentialStore()
    store.update("default", client_secret="s3cret")
    path = config_dir / "credentials.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert CredentialStore().client_secret("default").value == "s3cret"


def test_env_secret_beats_the_file(config_dir, monkeypatch):
    CredentialStore().update("default", client_secret="from-file")
    monkeypatch.setenv("MAKINI_CLIENT_SECRET", "from-env")
    secret = CredentialStore().client_secret("default")
    assert (secret.value, secret.source) == ("from-env", "env")


def test_a_loose_credentials_file_is_warned_about(cli, config_dir):
    path = config_dir / "credentials.toml"
    path.write_text('[profiles.default]\nclient_secret = "x"\n')
    os.chmod(path, 0o644)
    r = cli("auth", "status", "-o", "json")
    assert "readable by other users" in r.stderr and "chmod 600" in r.stderr
    assert "x\"" not in r.stderr


def test_atomic_write_leaves_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "f.toml"
    atomic_write_text(target, "old")
    try:
        from makini_cli.fsutil import atomic_open

        with atomic_open(target) as fh:
            fh.write("half of the new")
            raise RuntimeError("killed")
    except RuntimeError:
        pass
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.toml"]


def test_atomic_write_creates_private_files_from_the_start(tmp_path):
    old = os.umask(0)
    try:
        atomic_write_text(tmp_path / "c", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "c").stat().st_mode) == 0o600


def test_token_cache_round_trips_per_scope_and_survives_corruption(config_dir):
    cache = TokenCache("p|https://x|id")
    cache.put("admin", CachedToken("tok", 123.0, "ref"))
    other = TokenCache("other")
    assert other.get("admin") is None
    got = TokenCache("p|https://x|id").get("admin")
    assert (got.access_token, got.expires_at, got.refresh_token) == ("tok", 123.0, "ref")
    path = config_dir / "state" / "tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("{not json")
    assert cache.get("admin") is None  # a broken cache is empty, never an error
    cache.put("admin", CachedToken("new", None))
    assert cache.get("admin").access_token == "new"


def test_logout_removes_the_secret_and_cached_tokens(cli, config_dir):
    CredentialStore().update("default", client_secret="s")
    TokenCache("default|https://api.makini.io|").put("admin", CachedToken("t", None))
    r = cli("auth", "logout")
    assert r.code == 0, r
    assert CredentialStore().client_secret("default").value is None


def test_auth_status_exits_4_when_not_logged_in(cli):
    r = cli("auth", "status", "-o", "json")
    assert r.code == 4
    assert r.json()["logged_in"] is False
