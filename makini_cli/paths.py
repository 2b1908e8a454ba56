"""Where makini keeps its per-user files.

Every location comes from platformdirs, and `MAKINI_CONFIG_DIR` relocates them all under one
folder (tests use a temporary one so they never touch the real user's files).

On POSIX, the config, state and log folders are refused when group or others may write to them:
another local user could then replace config.toml (a `base_url` of theirs would collect the
client secret at the next login), the token cache or the breaker state. Windows reports no such
modes (every folder would look writable by everyone), so the check is POSIX-only there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import ConfigError

APP = "makini"


def _override() -> Path | None:
    value = os.environ.get("MAKINI_CONFIG_DIR")
    if not value:
        return None
    path = Path(value).expanduser()
    if os.path.lexists(path) and not path.is_dir():
        raise ConfigError(f"MAKINI_CONFIG_DIR={ascii(value)[1:-1][:200]!r} is not a folder",
                          hint="point MAKINI_CONFIG_DIR at a folder (it is created when missing), or unset it")
    return path


def private(path: Path) -> Path:
    """`path`, after checking that no other local user may write in it (POSIX only; a missing
    folder is fine: makini creates its folders 0700)."""
    if sys.platform == "win32":
        return path
    try:
        mode = path.stat().st_mode
    except OSError:
        return path
    if mode & 0o022:
        raise ConfigError(
            f"{path} is writable by other users (mode {oct(mode & 0o777)}): another local user could "
            "change makini's settings or tokens there (a base_url of theirs would collect your secret)",
            hint=f"run: chmod go-w {path}")
    return path


def config_dir(*, check: bool = True) -> Path:
    base = _override()
    if base is None:
        import platformdirs

        base = Path(platformdirs.user_config_dir(APP))
    return private(base) if check else base


def data_dir() -> Path:
    """Data that is not configuration: the embedded sandbox database, export checkpoints."""
    base = _override()
    if base is not None:
        return base / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def state_dir(*, check: bool = True) -> Path:
    """State that changes on its own: token cache, circuit breakers, delivery log."""
    base = _override()
    if base is not None:
        path = base / "state"
    else:
        import platformdirs

        path = Path(platformdirs.user_state_dir(APP))
    return private(path) if check else path


def log_dir(*, check: bool = True) -> Path:
    base = _override()
    if base is not None:
        path = base / "logs"
    else:
        import platformdirs

        path = Path(platformdirs.user_log_dir(APP))
    return private(path) if check else path


def config_file(*, check: bool = True) -> Path:
    return config_dir(check=check) / "config.toml"


def credentials_file(*, check: bool = True) -> Path:
    return config_dir(check=check) / "credentials.toml"


def sandbox_db() -> Path:
    return data_dir() / "sandbox.sqlite3"
