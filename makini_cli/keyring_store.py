"""Secrets in the OS keyring (macOS Keychain, Windows Credential Locker, Secret Service on Linux),
opt-in with `makini auth login --store keyring` or the setting `credential_store = "keyring"`,
as gh and stripe offer.

The `keyring` library is imported here and only when this store is used: finding a backend costs
~100-300 ms on a headless Linux, which every other command must not pay. It is an optional extra
(`pip install 'makini-cli[keyring]'`). The 0600 credentials file stays the default, and the
fallback: with no usable keyring, a secret is saved to the file with a warning, and a secret
found in the file is still used. The token cache stays a 0600 file: its tokens are minted again
from the secret, so it is disposable.

Entries: service `makini-cli`, user `PROFILE:client_secret` or `PROFILE:token`."""

from __future__ import annotations

from typing import Any

from .credentials import CredentialStore, Secret
from .errors import ConfigError

SERVICE = "makini-cli"
NAMES = ("client_secret", "token")


class KeyringUnavailable(ConfigError):
    """No keyring to use: the library is missing, or no backend works on this machine."""


class Keyring:
    def __init__(self) -> None:
        try:
            import keyring
            from keyring.backends import fail
        except ImportError:
            raise KeyringUnavailable("the keyring store needs the keyring library, which is not installed",
                                     hint="pip install 'makini-cli[keyring]', or keep the default file store") from None
        self._keyring = keyring
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            raise KeyringUnavailable("no OS keyring is available on this machine (no backend answers)",
                                     hint="on Linux, a Secret Service such as GNOME Keyring or KWallet; "
                                          "or keep the default file store")
        self.backend = backend

    @property
    def name(self) -> str:
        return getattr(self.backend, "name", None) or type(self.backend).__name__

    def where(self, profile: str, name: str) -> str:
        return f"OS keyring ({self.name}): service {SERVICE}, user {profile}:{name}"

    def get(self, profile: str, name: str) -> str | None:
        try:
            return self._keyring.get_password(SERVICE, f"{profile}:{name}")
        except self._keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"the OS keyring refused to read: {exc}") from None

    def set(self, profile: str, name: str, value: str) -> None:
        try:
            self._keyring.set_password(SERVICE, f"{profile}:{name}", value)
        except self._keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"the OS keyring refused to save: {exc}") from None

    def delete(self, profile: str, name: str) -> bool:
        try:
            self._keyring.delete_password(SERVICE, f"{profile}:{name}")
            return True
        except self._keyring.errors.PasswordDeleteError:
            return False  # nothing was there
        except self._keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"the OS keyring refused to delete: {exc}") from None


class KeyringCredentialStore(CredentialStore):
    """The credential store when `credential_store` is `keyring`: the environment first, then the
    keyring, then the credentials file (a fallback, and secrets saved before the switch)."""

    def __init__(self, path=None, warn=None) -> None:
        super().__init__(path, warn)
        self._ring: Keyring | None = None
        self._unavailable: KeyringUnavailable | None = None

    def ring(self) -> Keyring | None:
        if self._ring is None and self._unavailable is None:
            try:
                self._ring = Keyring()
            except KeyringUnavailable as exc:
                self._unavailable = exc
                hint = f" ({exc.hint})" if exc.hint else ""
                self._warn(f"credential_store is keyring, but {exc.message}{hint}: using {self.path}")
        return self._ring

    def _from_ring(self, profile: str, name: str) -> str | None:
        ring = self.ring()
        if ring is None:
            return None
        try:
            return ring.get(profile, name)
        except KeyringUnavailable as exc:
            self._warn(f"{exc.message}: using {self.path}")
            return None

    def client_secret(self, profile: str, seed_secret: str | None = None) -> Secret:
        found = super().client_secret(profile, None)
        if found.source == "env":
            return found
        value = self._from_ring(profile, "client_secret")
        if value:
            return Secret(value, "keyring")
        if found:
            return found
        return super().client_secret(profile, seed_secret)

    def connection_token(self, profile: str) -> Secret:
        found = super().connection_token(profile)
        if found.source == "env":
            return found
        value = self._from_ring(profile, "token")
        if value:
            return Secret(value.strip(), "keyring")
        return found

    def update(self, profile: str, **values: str | None) -> None:
        """Secrets go to the keyring (and leave the file); with no keyring, to the file."""
        ring = self.ring()
        file_values: dict[str, str | None] = {}
        for key, value in values.items():
            if key not in NAMES or ring is None:
                file_values[key] = value
                continue
            try:
                if value is None:
                    ring.delete(profile, key)
                else:
                    ring.set(profile, key, value)
                file_values[key] = None  # one place for each secret
            except KeyringUnavailable as exc:
                self._warn(f"{exc.message}: saving to {self.path} instead")
                file_values[key] = value
        if any(v is not None for v in file_values.values()) or any(
                k in self.profile(profile) for k in file_values):
            super().update(profile, **file_values)

    def remove_profile(self, profile: str) -> bool:
        removed = False
        ring = self.ring()
        if ring is not None:
            for name in NAMES:
                try:
                    removed = ring.delete(profile, name) or removed
                except KeyringUnavailable as exc:
                    self._warn(exc.message)
        return super().remove_profile(profile) or removed

    def where(self, profile: str, secret: Secret, name: str) -> str | None:
        if secret.source == "keyring" and self._ring is not None:
            return self._ring.where(profile, name)
        return location(secret, self.path, name)


def location(secret: Secret, path: Any, name: str) -> str | None:
    """Where a secret came from, for `auth status` (never the secret itself)."""
    if secret.source == "env":
        return "MAKINI_CLIENT_SECRET" if name == "client_secret" else "MAKINI_TOKEN"
    if secret.source == "file":
        return str(path)
    if secret.source == "sandbox":
        return "derived from the sandbox's seed"
    return None
