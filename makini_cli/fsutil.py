"""Crash-safe file writes.

A file is written to a temporary sibling, flushed and fsynced, then renamed over the target,
so a process killed at any point leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def ensure_dir(path: Path, mode: int = 0o700) -> Path:
    """`mkdir -p` with `mode` for every folder it creates (Path.mkdir gives missing parents the
    default mode: a fresh `state/` or `logs/` would be readable by everyone)."""
    target = Path(path)
    missing = []
    current = target
    while not os.path.lexists(current) and current.parent != current:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            directory.mkdir(mode=mode)
    if not target.is_dir():
        target.mkdir(mode=mode, exist_ok=True)  # raises the right error (a file is in the way)
    return target


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", *, perms: int = 0o600, encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """Open a temp file beside `path`; on a clean exit it replaces `path`, on error it vanishes.

    The temp file is created with `perms` from the start (never briefly world-readable).
    """
    path = Path(path)
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, perms)
        binary = "b" in mode
        fh = os.fdopen(fd, mode, encoding=None if binary else encoding,
                       newline=None if binary else newline)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str, *, perms: int = 0o600) -> None:
    with atomic_open(path, "w", perms=perms) as fh:
        fh.write(text)


def atomic_write_bytes(path: Path, data: bytes, *, perms: int = 0o600) -> None:
    with atomic_open(path, "wb", perms=perms) as fh:
        fh.write(data)


def loose_mode(path: Path) -> bool:
    """True when group or others may read or write the file."""
    try:
        return bool(path.stat().st_mode & 0o077)
    except OSError:
        return False


@contextlib.contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """An exclusive advisory lock between makini processes (xargs -P, cron overlapping a user)
    for a read-modify-write of a shared state file."""
    import fcntl

    ensure_dir(lock_file.parent)
    fd = os.open(lock_file, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
