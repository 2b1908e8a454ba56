"""Secrets in the OS keyring, opt-in: `auth login --store keyring` or `credential_store`. Tests use
an in-memory keyring backend (set with `keyring.set_keyring`); the file stays the default and the
fallback, and the keyring library is imported only when that store is used."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

keyring = pytest.importorskip("keyring", reason="the keyring extra is not installed")
from keyring.backend import KeyringBackend  # noqa: E402
from keyring.backends import fail  # noqa: E402
from keyring.errors import PasswordDeleteError  # noqa: E402


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring():
    import keyring.core

    before = keyring.core._keyring_backend  # restored without a second backend discovery
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.core._keyring_backend = before


@pytest.fixture
def no_keyring():
    import keyring.core

    before = keyring.core._keyring_backend
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.core._keyring_backend = before


def login(cli, served_sandbox, *extra):
    return cli("--base-url", served_sandbox.base_url, "auth", "login", "--client-id", served_sandbox.client_id,
               "--client-secret-stdin", *extra, input=served_sandbox.client_secret)


def test_login_with_store_keyring_keeps_the_secret_in_the_keyring_only(cli, served_sandbox, memory_keyring,
                                                                        config_dir):
    r = login(cli, served_sandbox, "--store", "keyring")
    assert r.code == 0, r
    assert memory_keyring.entries == {("makini-cli", "default:client_secret"): served_sandbox.client_secret}
    creds = config_dir / "credentials.toml"
    assert not creds.exists() or served_sandbox.client_secret not in creds.read_text()
    assert 'credential_store = "keyring"' in (config_dir / "config.toml").read_text()
    status = cli("auth", "status", "-o", "json")
    assert status.code == 0, status
    got = status.json()
    assert got["client_secret_source"] == "keyring" and got["credential_store"] == "keyring"
    assert got["client_secret_location"].startswith("OS keyring (") and "MemoryKeyring" in got["client_secret_location"]
    assert "default:client_secret" in got["client_secret_location"]
    assert served_sandbox.client_secret not in status.stdout + status.stderr
    r = cli("connections", "list", "-o", "json")  # the secret is read back from the keyring
    assert r.code == 0 and len(r.json()) == 10


def test_logout_takes_the_secret_out_of_the_keyring(cli, served_sandbox, memory_keyring):
    assert login(cli, served_sandbox, "--store", "keyring").code == 0
    assert cli("auth", "logout").code == 0
    assert memory_keyring.entries == {}
    assert cli("auth", "status").code == 4


def test_going_back_to_the_file_store_moves_the_secret_out_of_the_keyring(cli, served_sandbox, memory_keyring,
                                                                           config_dir):
    assert login(cli, served_sandbox, "--store", "keyring").code == 0
    r = login(cli, served_sandbox, "--store", "file")
    assert r.code == 0, r
    assert memory_keyring.entries == {}
    assert served_sandbox.client_secret in (config_dir / "credentials.toml").read_text()
    assert "credential_store" not in (config_dir / "config.toml").read_text()
    got = cli("auth", "status", "-o", "json").json()
    assert got["client_secret_source"] == "file" and got["client_secret_location"] == str(config_dir / "credentials.toml")


def test_without_a_usable_keyring_the_file_is_the_fallback(cli, served_sandbox, no_keyring, config_dir):
    r = login(cli, served_sandbox, "--store", "keyring")
    assert r.code == 0, r
    assert "no OS keyring is available" in r.stderr and "credentials.toml" in r.stderr
    creds = config_dir / "credentials.toml"
    assert served_sandbox.client_secret in creds.read_text()
    if os.name == "posix":
        assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    assert "credential_store" not in (config_dir / "config.toml").read_text()
    assert cli("connections", "list", "-o", "json").code == 0


def test_a_keyring_setting_with_no_keyring_still_reads_the_file(cli, served_sandbox, no_keyring):
    assert login(cli, served_sandbox).code == 0  # into the file
    r = cli("connections", "list", "-o", "json", env={"MAKINI_CREDENTIAL_STORE": "keyring"})
    assert r.code == 0, r
    assert "credential_store is keyring, but no OS keyring is available" in r.stderr


def test_a_bad_store_is_a_usage_error(cli, served_sandbox):
    assert login(cli, served_sandbox, "--store", "vault").code == 2
    r = cli("auth", "status", env={"MAKINI_CREDENTIAL_STORE": "vault"})
    assert r.code == 2 and "credential_store must be file or keyring" in r.stderr


def _modules_after(args: list[str], env: dict[str, str]) -> set[str]:
    code = ("import sys, json, atexit\n"
            "atexit.register(lambda: sys.stderr.write('MODULES ' + json.dumps(sorted(sys.modules)) + '\\n'))\n"
            "from makini_cli.main import main\nmain(sys.argv[1:])\n")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)
    line = next(li for li in proc.stderr.splitlines() if li.startswith("MODULES "))
    return set(json.loads(line[len("MODULES "):]))


def test_the_keyring_library_is_imported_only_when_that_store_is_used(config_dir):
    env = {"MAKINI_CLIENT_ID": "x", "MAKINI_CLIENT_SECRET": "y"}
    assert "keyring" not in _modules_after(["auth", "status", "-o", "json"], env)
    assert "keyring" in _modules_after(["auth", "status", "-o", "json"], {"MAKINI_CREDENTIAL_STORE": "keyring"})


def test_without_the_keyring_library_login_says_how_to_get_it_and_uses_the_file(cli, served_sandbox, config_dir,
                                                                                  monkeypatch):
    for name in [m for m in sys.modules if m == "keyring" or m.startswith("keyring.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "keyring", None)  # as if `pip install makini-cli` without the extra
    r = login(cli, served_sandbox, "--store", "keyring")
    assert r.code == 0, r
    assert "pip install 'makini-cli[keyring]'" in r.stderr
    assert served_sandbox.client_secret in (config_dir / "credentials.toml").read_text()
