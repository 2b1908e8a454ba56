"""Which connections this machine disconnected, so a rerun of the same script can say "already
disconnected" and exit 0. Makini forgets a disconnected connection: it leaves the admin list and
DELETE answers 404, exactly as for an id that never existed.

`state/disconnected.json`, per profile, base URL and client id (like the token cache), written
atomically under a lock so parallel `xargs -P` runs keep each other's entries; at most
`MAX_ENTRIES` per scope, the oldest dropped first. Losing the file only means a rerun reports
such ids as unknown again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import paths
from ..fsutil import atomic_write_text, locked

MAX_ENTRIES = 10_000


class Ledger:
    def __init__(self, scope: str, path: Path | None = None) -> None:
        self.scope = scope
        self.path = path or (paths.state_dir() / "disconnected.json")

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def get(self, connection_id: str) -> dict[str, Any] | None:
        entry = self._read().get(self.scope, {}).get(connection_id)
        return entry if isinstance(entry, dict) else None

    def record(self, entries: dict[str, dict[str, Any]]) -> None:
        if not entries:
            return
        with locked(Path(str(self.path) + ".lock")):
            data = self._read()
            scope = data.get(self.scope)
            if not isinstance(scope, dict):
                scope = data[self.scope] = {}
            scope.update(entries)
            for old in list(scope)[:max(0, len(scope) - MAX_ENTRIES)]:
                del scope[old]
            atomic_write_text(self.path, json.dumps(data, indent=1), perms=0o600)
