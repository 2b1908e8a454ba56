"""Crash-safe file writes, locks between processes, and size-rotated logs, on POSIX and Windows.

A file is written to a temporary sibling, flushed and fsynced, then renamed over the target,
so a process killed at any point leaves either the old file or the new one, never half of one.
Locks use `fcntl.flock` on POSIX and `msvcrt.locking` on Windows (which has no fcntl, and no
`os.fchmod` before Python 3.13).
"""

from __future__ import annotations

import contextlib
import os
import sys
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
        chmod_fd(fd, tmp, perms)
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


def chmod_fd(fd: int, path: str, perms: int) -> None:
    fchmod = getattr(os, "fchmod", None)
    if fchmod is not None:
        fchmod(fd, perms)
    else:  # Windows before 3.13: only the read-only bit exists, set by path
        os.chmod(path, perms)


def atomic_write_text(path: Path, text: str, *, perms: int = 0o600) -> None:
    with atomic_open(path, "w", perms=perms) as fh:
        fh.write(text)


def atomic_write_bytes(path: Path, data: bytes, *, perms: int = 0o600) -> None:
    with atomic_open(path, "wb", perms=perms) as fh:
        fh.write(data)


def loose_mode(path: Path) -> bool:
    """True when group or others may read or write the file. Always False on Windows, whose
    st_mode carries no such bits (every file would look world-readable)."""
    if sys.platform == "win32":
        return False
    try:
        return bool(path.stat().st_mode & 0o077)
    except OSError:
        return False


@contextlib.contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """An exclusive advisory lock between makini processes (xargs -P, cron overlapping a user)
    for a read-modify-write of a shared state file. Released when the block ends or the
    process dies (the OS drops it with the file descriptor)."""
    ensure_dir(lock_file.parent)
    fd = os.open(lock_file, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        _lock(fd)
        yield
    finally:
        os.close(fd)  # closing releases the lock on both platforms


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        # Lock the file's first byte; LK_LOCK retries for ~10 s and then raises, so keep trying:
        # a lock holder is another makini process that will finish.
        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue
    fcntl.flock(fd, fcntl.LOCK_EX)


def rotated_paths(path: Path, backups: int) -> list[Path]:
    """A size-rotated log's files, oldest first: path.N … path.1, path (those that exist)."""
    path = Path(path)
    candidates = [path.with_name(f"{path.name}.{i}") for i in range(backups, 0, -1)] + [path]
    return [p for p in candidates if p.exists()]


def append_rotated(path: Path, line: bytes, *, max_bytes: int, backups: int = 1,
                   lock_file: Path | None = None) -> None:
    """Append one line to a JSON-lines log, first rotating it (path → path.1 → … → path.N) when
    the line would take it past `max_bytes`. Under a lock, so writers in several processes
    neither interleave lines nor rotate twice."""
    path = Path(path)
    with locked(lock_file or path.with_name(path.name + ".lock")):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_size + len(line) > max_bytes:
                _rotate(path, max(1, backups))
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def _rotate(path: Path, backups: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.with_name(f"{path.name}.{backups}").unlink()
    for i in range(backups - 1, 0, -1):
        src = path.with_name(f"{path.name}.{i}")
        if src.exists():
            os.replace(src, path.with_name(f"{path.name}.{i + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))
