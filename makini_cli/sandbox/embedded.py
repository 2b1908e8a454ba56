"""The sandbox embedded in the CLI process: one app per database file, reused across calls,
reached through httpx's ASGI transport (no lifespan, no background loop)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

_apps: dict[str, object] = {}
_lock = threading.Lock()


def get_app(db_path: str | os.PathLike):
    """The app for `db_path`, created (and seeded with defaults on first use) once per process.
    """
    path = Path(db_path).expanduser()
    key = str(path.resolve())
    with _lock:
        app = _apps.get(key)
        if app is None:
            from .app import create_app

            path.parent.mkdir(parents=True, exist_ok=True)
            app = _apps[key] = create_app(path)
        return app


async def drain(app) -> None:
    """Send pending webhook first attempts now (embedded mode has no background loop; the CLI
    calls this before it exits). Retries wait for a served sandbox."""
    await app.state.sandbox.dispatcher.drain()
