"""Settings: named profiles in config.toml, resolved with precedence flag > env > profile > default.

Every resolved value remembers where it came from, so `auth status` and `config list` can say.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import envvars, paths
from .errors import ConfigError, UsageError

DEFAULT_BASE_URL = "https://api.makini.io"
SANDBOX_PROFILE = "sandbox"
# The embedded sandbox is reached in-process, not over the network; this marker stands for it.
EMBEDDED_URL = "embedded:sandbox"
OUTPUT_FORMATS = ("table", "wide", "json", "ndjson", "csv", "yaml", "openmetrics")  # = output.FORMATS

# key -> (environment variable, default, type, help)
KEYS: dict[str, tuple[str | None, Any, type, str]] = {
    "base_url": ("MAKINI_BASE_URL", DEFAULT_BASE_URL, str, "API base URL"),
    "client_id": ("MAKINI_CLIENT_ID", None, str, "application client id (admin API)"),
    "connection": ("MAKINI_CONNECTION", None, str, "default connection id"),
    "output": ("MAKINI_OUTPUT", None, str, "default output format: table|wide|json|ndjson|csv|yaml|openmetrics"),
    "timeout": ("MAKINI_TIMEOUT", 30.0, float, "deadline in seconds for each HTTP request (each page, each attempt)"),
    "max_response_mb": ("MAKINI_MAX_RESPONSE_MB", 64.0, float, "cap on the size of one API response in MB (0: no cap)"),
    "link_redirect": (None, None, str, "redirect URI for Makini Link URLs (reconnect)"),
    "credential_store": ("MAKINI_CREDENTIAL_STORE", "file", str,
                         "where secrets are kept: file (credentials.toml, 0600) or keyring (the OS keyring)"),
}
CREDENTIAL_STORES = ("file", "keyring")


class Value:
    """A resolved setting and where it came from: flag | env | profile | default | sandbox."""

    __slots__ = ("value", "source")

    def __init__(self, value: Any, source: str) -> None:
        self.value = value
        self.source = source

    def __bool__(self) -> bool:
        return self.value not in (None, "")

    def __repr__(self) -> str:
        return f"Value({self.value!r}, {self.source!r})"


class Settings:
    def __init__(self, profile: str, profile_source: str) -> None:
        self.profile = profile
        self.profile_source = profile_source
        self.values: dict[str, Value] = {}

    def get(self, key: str) -> Any:
        v = self.values.get(key)
        return v.value if v else None

    @property
    def base_url(self) -> str:
        return str(self.get("base_url") or DEFAULT_BASE_URL)

    @property
    def embedded(self) -> bool:
        return self.base_url == EMBEDDED_URL


def display_url(url: str | None) -> str | None:
    """A URL fit to print: a password in it (https://user:pw@host) masked."""
    if not url or "@" not in url:
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def coerce(key: str, raw: Any, where: str) -> Any:
    if key not in KEYS:
        raise UsageError(f"unknown setting {key!r}", hint=f"known settings: {', '.join(KEYS)}")
    typ = KEYS[key][2]
    if raw is None:
        return None
    try:
        value = typ(raw)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: {key} must be a {typ.__name__}, got {raw!r}") from None
    if key == "timeout" and not (0 < value <= 3600):
        raise UsageError(f"{where}: timeout must be between 0 and 3600 seconds, got {raw!r}")
    if key == "output":
        value = value.strip().lower()  # -o JSON works, so does MAKINI_OUTPUT=JSON
    if key == "credential_store" and value not in CREDENTIAL_STORES:
        raise UsageError(f"{where}: credential_store must be file or keyring, got {raw!r}")
    if key == "output" and value not in OUTPUT_FORMATS:
        raise UsageError(f"{where}: output must be one of {', '.join(OUTPUT_FORMATS)}, got {raw!r}")
    if key == "max_response_mb" and not (0 <= value < float("inf")):
        raise UsageError(f"{where}: max_response_mb must be a number of MB, 0 or more (0: no cap), got {raw!r}")
    if key == "base_url" and value != EMBEDDED_URL:
        from .urls import require_url

        require_url(value, f"{where}: base_url", example="https://api.makini.io")
    if key in ("client_id", "connection") and (not value or not value.isprintable() or any(c.isspace() for c in value)):
        # it goes into request paths and bodies: a pasted line break or space is a mistake
        raise UsageError(f"{where}: {key} must be one word without spaces or control characters, "
                         f"got {ascii(value)[:80]}")
    return value


# A profile name is a TOML table name, part of the token-cache scope (`profile|url|client`) and of
# file names; `/`, `|`, spaces, control characters or an empty name are mistakes, never a profile.
_PROFILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


def check_profile_name(name: str, where: str) -> str:
    if not isinstance(name, str) or not _PROFILE_NAME.fullmatch(name):
        raise UsageError(f"{where}: bad profile name {ascii(name)[:80]}",
                         hint="a profile name is 1-64 letters, digits, `_`, `.` or `-`, starting "
                              "with a letter, digit or `_` (e.g. prod, eu-staging)")
    return name


class ConfigFile:
    """config.toml: `default_profile = "…"` and `[profiles.NAME]` tables.

    `set`, `unset` and `set_default_profile` change this object and remember the change; `save`
    replays the changes onto the file as it is at that moment, under an advisory lock shared by
    every makini process. So eight parallel `config set` (or `auth login` in six profiles) each
    keep their value: none writes back a copy it read before another process saved.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.config_file()
        self._data: dict[str, Any] | None = None
        self._changes: list[Callable[[dict[str, Any]], None]] = []

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self._load()
        return self._data

    def _load(self) -> dict[str, Any]:
        data = load_toml(self.path)
        profiles = data.get("profiles", {})
        if not isinstance(profiles, dict) or not all(isinstance(v, dict) for v in profiles.values()):
            raise ConfigError(f"{self.path}: [profiles] must hold tables like [profiles.default]",
                              hint=f"fix or remove the file: {self.path}")
        return data

    def profiles(self) -> dict[str, dict[str, Any]]:
        return self.data.setdefault("profiles", {})

    def profile(self, name: str) -> dict[str, Any]:
        return self.profiles().get(name, {})

    def default_profile(self) -> str | None:
        value = self.data.get("default_profile")
        return value if isinstance(value, str) and value else None

    def _change(self, change: Callable[[dict[str, Any]], None]) -> None:
        change(self.data)
        self._changes.append(change)

    def set(self, profile: str, key: str, value: Any) -> None:
        check_profile_name(profile, "profile")
        self._change(lambda data: data.setdefault("profiles", {}).setdefault(profile, {}).__setitem__(key, value))

    def unset(self, profile: str, key: str) -> bool:
        prof = self.profiles().get(profile)
        if prof is None or key not in prof:
            return False
        self._change(lambda data: data.setdefault("profiles", {}).get(profile, {}).pop(key, None))
        return True

    def set_default_profile(self, profile: str) -> None:
        check_profile_name(profile, "profile")
        self._change(lambda data: data.__setitem__("default_profile", profile))

    def save(self) -> None:
        """Apply this object's changes to config.toml as it is now, atomically, under the lock."""
        import tomli_w

        from .fsutil import atomic_write_text, locked

        with locked(self.path.with_name(self.path.name + ".lock")):
            data = self._load()  # what other processes saved since this one read the file
            for change in self._changes:
                change(data)
            atomic_write_text(self.path, tomli_w.dumps(data), perms=0o600)
        self._data = data
        self._changes.clear()


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a missing file is empty, a broken one a clear error naming file and line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise ConfigError(f"{path} is a directory, expected a TOML file") from None
    except PermissionError:
        raise ConfigError(f"cannot read {path}: permission denied") from None
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text", hint="fix or remove the file; makini will not overwrite it") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already names line and column ("... (at line 3, column 7)").
        raise ConfigError(f"{path}: invalid TOML: {exc}",
                          hint="fix the file by hand; makini will not overwrite it") from None


def resolve(flags: dict[str, Any], *, profile_flag: str | None = None, sandbox: bool = False,
            config: ConfigFile | None = None) -> Settings:
    envvars.check_all()
    config = config or ConfigFile()
    if sandbox:
        name, source = SANDBOX_PROFILE, "flag"
    elif profile_flag is not None:
        name, source = check_profile_name(profile_flag, "--profile"), "flag"
    elif os.environ.get("MAKINI_PROFILE"):
        name, source = check_profile_name(os.environ["MAKINI_PROFILE"], "MAKINI_PROFILE"), "env"
    elif config.default_profile():
        name, source = check_profile_name(config.default_profile(), f"{config.path} default_profile"), "profile"
    else:
        name, source = "default", "default"
    settings = Settings(profile=name, profile_source=source)
    prof = config.profile(name)
    for key, (env, default, _typ, _help) in KEYS.items():
        if env and os.environ.get(env) and flags.get(key) is not None:
            coerce(key, os.environ[env], env)  # unused this time, but a broken variable is reported
        if sandbox and key == "base_url" and flags.get(key) is None:
            # --sandbox means the embedded sandbox, whatever MAKINI_BASE_URL says; add --base-url
            # to point the sandbox profile at a served sandbox instead.
            settings.values[key] = Value(EMBEDDED_URL, "flag")
        elif flags.get(key) is not None:
            settings.values[key] = Value(coerce(key, flags[key], f"--{key.replace('_', '-')}"), "flag")
        elif env and os.environ.get(env):
            settings.values[key] = Value(coerce(key, os.environ[env], env), "env")
        elif key in prof:
            settings.values[key] = Value(coerce(key, prof[key], f"{config.path} [profiles.{name}]"), "profile")
        elif name == SANDBOX_PROFILE and key == "base_url":
            settings.values[key] = Value(EMBEDDED_URL, "sandbox")
        else:
            settings.values[key] = Value(default, "default")
    return settings
