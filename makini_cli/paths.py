"""Where makini keeps its per-user files.

Every location comes from platformdirs, and `MAKINI_CONFIG_DIR` relocates them all under one
folder (tests use a temporary one so they never touch the real user's files).
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "makini"


def _override() -> Path | None:
    value = os.environ.get("MAKINI_CONFIG_DIR")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    base = _override()
    if base is not None:
        return base
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    """Data that is not configuration: the embedded sandbox database, export checkpoints."""
    base = _override()
    if base is not None:
        return base / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def state_dir() -> Path:
    """State that changes on its own: token cache, circuit breakers, delivery log."""
    base = _override()
    if base is not None:
        return base / "state"
    import platformdirs

    return Path(platformdirs.user_state_dir(APP))


def log_dir() -> Path:
    base = _override()
    if base is not None:
        return base / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP))


def config_file() -> Path:
    return config_dir() / "config.toml"


def credentials_file() -> Path:
    return config_dir() / "credentials.toml"


def sandbox_db() -> Path:
    return data_dir() / "sandbox.sqlite3"
