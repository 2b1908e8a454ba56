"""Secrets: the credentials file (client secret, a single connection token) and the token cache.

Both files are 0600 from creation and written atomically; a looser mode is warned about. Values
are never printed: callers get them only to put them on the wire.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import paths
from .errors import ConfigError
from .config import SANDBOX_PROFILE, load_toml
from .fsutil import atomic_write_text, locked, loose_mode

_warned: set[Path] = set()


def warn_if_loose(path: Path, warn) -> None:
    if path in _warned or not path.exists():
        return
    if loose_mode(path):
        _warned.add(path)
        warn(f"{path} is readable by other users (mode {oct(path.stat().st_mode & 0o777)}); "
             f"run: chmod 600 {path}")


@dataclass
class Secret:
    value: str | None
    source: str  # env | file | sandbox | none

    def __bool__(self) -> bool:
        return bool(self.value)


class CredentialStore:
    """credentials.toml: `[profiles.NAME] client_secret = …, token = …`."""

    def __init__(self, path: Path | None = None, warn=None) -> None:
        self.path = path or paths.credentials_file()
        self._warn = warn or (lambda msg: None)
        self._data: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            warn_if_loose(self.path, self._warn)
            self._data = load_toml(self.path)
            if not isinstance(self._data.get("profiles", {}), dict):
                raise ConfigError(f"{self.path}: [profiles] must hold tables",
                                  hint=f"fix or remove {self.path}")
        return self._data

    def profile(self, name: str) -> dict[str, Any]:
        prof = self.data.get("profiles", {}).get(name, {})
        return prof if isinstance(prof, dict) else {}

    def client_secret(self, profile: str, seed_secret: str | None = None) -> Secret:
        if os.environ.get("MAKINI_CLIENT_SECRET"):
            return Secret(os.environ["MAKINI_CLIENT_SECRET"], "env")
        value = self.profile(profile).get("client_secret")
        if isinstance(value, str) and value:
            return Secret(value, "file")
        if profile == SANDBOX_PROFILE and seed_secret:
            return Secret(seed_secret, "sandbox")
        return Secret(None, "none")

    def connection_token(self, profile: str) -> Secret:
        if os.environ.get("MAKINI_TOKEN"):
            return Secret(os.environ["MAKINI_TOKEN"].strip(), "env")
        value = self.profile(profile).get("token")
        if isinstance(value, str) and value:
            return Secret(value, "file")
        return Secret(None, "none")

    # Both writers re-read the file under the lock shared by every makini process and change only
    # their own profile's keys, so parallel `auth login`s in several profiles keep every secret.
    def _locked(self):
        return locked(self.path.with_name(self.path.name + ".lock"))

    def _reread(self) -> dict[str, Any]:
        self._data = None
        return self.data

    def update(self, profile: str, **values: str | None) -> None:
        import tomli_w

        with self._locked():
            data = self._reread()
            prof = data.setdefault("profiles", {}).setdefault(profile, {})
            if not isinstance(prof, dict):
                raise ConfigError(f"{self.path}: [profiles.{profile}] must be a table",
                                  hint=f"fix or remove {self.path}; makini will not overwrite it")
            for key, value in values.items():
                if value is None:
                    prof.pop(key, None)
                else:
                    prof[key] = value
            if not prof:
                data["profiles"].pop(profile, None)
            atomic_write_text(self.path, tomli_w.dumps(data), perms=0o600)

    def remove_profile(self, profile: str) -> bool:
        import tomli_w

        with self._locked():
            data = self._reread()
            if profile not in data.get("profiles", {}):
                return False
            del data["profiles"][profile]
            atomic_write_text(self.path, tomli_w.dumps(data), perms=0o600)
        return True


@dataclass
class CachedToken:
    access_token: str
    expires_at: float | None = None
    refresh_token: str | None = None

    def fresh(self, skew: float = 60.0) -> bool:
        return self.expires_at is None or self.expires_at - skew > time.time()

    def to_dict(self) -> dict[str, Any]:
        return {"access_token": self.access_token, "expires_at": self.expires_at,
                "refresh_token": self.refresh_token}


class TokenCache:
    """tokens.json in the state dir: admin and per-connection tokens, per profile and base URL.

    Read-modify-write happens under an advisory lock so parallel `makini` processes (xargs -P)
    don't drop each other's tokens; the write itself is atomic, so a kill never corrupts it.
    """

    def __init__(self, scope: str, path: Path | None = None, warn=None) -> None:
        self.scope = scope
        self.path = path or (paths.state_dir() / "tokens.json")
        self._warn = warn or (lambda msg: None)

    def _read(self) -> dict[str, Any]:
        warn_if_loose(self.path, self._warn)
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            # A cache is disposable: unreadable means empty, and it is rewritten whole next time.
            return {}

    def _locked(self):
        return locked(Path(str(self.path) + ".lock"))

    def _scope(self, data: dict[str, Any]) -> dict[str, Any]:
        scope = data.get(self.scope)
        return scope if isinstance(scope, dict) else {}

    def get(self, slot: str) -> CachedToken | None:
        return _decode(self._scope(self._read()).get(slot))

    def put(self, slot: str, token: CachedToken | None) -> None:
        with self._locked():
            data = self._read()
            scope = data.setdefault(self.scope, {})
            if not isinstance(scope, dict):
                scope = data[self.scope] = {}
            if token is None:
                if slot not in scope:
                    return
                scope.pop(slot, None)
            else:
                scope[slot] = token.to_dict()
            atomic_write_text(self.path, json.dumps(data, indent=1), perms=0o600)

    def deferred(self) -> DeferredTokens:
        return DeferredTokens(self)

    def slots(self) -> list[str]:
        return list(self._scope(self._read()))

    def clear(self) -> None:
        with self._locked():
            data = self._read()
            if data.pop(self.scope, None) is not None:
                atomic_write_text(self.path, json.dumps(data, indent=1), perms=0o600)


class DeferredTokens:
    """Read-through, write-back view of a TokenCache for one fan-out over many connections.

    The file cache re-reads and rewrites tokens.json on every get and put: fine for one
    connection, quadratic (and an fsync each) for 500. This reads the file once and merges the
    new tokens back under the lock in one write on `flush()`; a kill before that only means
    tokens get minted again.
    """

    def __init__(self, cache: TokenCache) -> None:
        self.cache = cache
        self._snapshot: dict[str, Any] | None = None
        self.dirty: dict[str, CachedToken | None] = {}

    def get(self, slot: str) -> CachedToken | None:
        if slot in self.dirty:
            return self.dirty[slot]
        if self._snapshot is None:
            self._snapshot = self.cache._scope(self.cache._read())
        entry = self._snapshot.get(slot)
        return _decode(entry)

    def put(self, slot: str, token: CachedToken | None) -> None:
        self.dirty[slot] = token

    def flush(self) -> None:
        if not self.dirty:
            return
        with self.cache._locked():
            data = self.cache._read()
            scope = data.get(self.cache.scope)
            if not isinstance(scope, dict):
                scope = data[self.cache.scope] = {}
            for slot, token in self.dirty.items():
                if token is None:
                    scope.pop(slot, None)
                else:
                    scope[slot] = token.to_dict()
            atomic_write_text(self.cache.path, json.dumps(data, indent=1), perms=0o600)
        self.dirty.clear()


# Beyond this (the year 9999) an expiry is no time a calendar can show: treat it as unknown.
_LAST_EXPIRY = 253402300799.0


def plausible_expiry(value: Any) -> float | None:
    """An expiry as a Unix time, or None ("unknown expiry") for NaN, infinities, negative
    numbers and times past the year 9999 — which a server or a hand-edited cache may hold, and
    which would otherwise make a token fresh forever or crash the view that prints its expiry."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        return None
    return number if 0 <= number <= _LAST_EXPIRY else None  # NaN fails both comparisons


def _decode(entry: Any) -> CachedToken | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("access_token"), str):
        return None
    refresh = entry.get("refresh_token")
    return CachedToken(entry["access_token"], plausible_expiry(entry.get("expires_at")),
                       refresh if isinstance(refresh, str) else None)


def cached_connection_ids() -> list[str]:
    """Connection ids seen in any token cache scope: used by shell completion, must be cheap."""
    try:
        data = json.loads((paths.state_dir() / "tokens.json").read_text("utf-8"))
    except (OSError, ValueError, ConfigError):  # a refused folder completes nothing
        return []
    ids: set[str] = set()
    for scope in data.values() if isinstance(data, dict) else []:
        if isinstance(scope, dict):
            ids.update(k.split(":", 1)[1] for k in scope if k.startswith("connection:"))
    return sorted(ids)
