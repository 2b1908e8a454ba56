"""Where an export's bytes go: stdout as they come, or a file that appears only when complete.

A file export writes to a partial file beside the target (`.NAME.makini-partial`) and, after
every fully written page, records a checkpoint beside it (`.NAME.makini-partial.json`): the
engine's position in each source and the partial's exact size at that moment. Writing a page
and then replacing the checkpoint (temp + rename) means a process killed at any instant leaves
a checkpoint that describes a prefix of the partial file. `--resume` truncates the partial back
to the recorded size (dropping a half-written page) and carries on; the finished partial is
fsynced and renamed over the target, and only then is the checkpoint removed.

Data is flushed to the OS per page (enough for a crash or SIGKILL); it is fsynced once, at the
end. After a power loss the checkpoint may promise more than the disk kept: the size and the
recorded tail bytes are checked on resume, and a mismatch starts the export over.

The target's folder must exist (`-O missing/dir/x.csv` is refused, never a folder tree made
up from a typo), and a failed write — a full disk, a quota, an I/O error — is reported naming
the file, with the way on: free space, then `--resume` (what was committed is kept).

Modes: the checkpoint is makini's state, 0600. The export is the user's data: a new file is
created 0644 (less the umask), like most tools' output; an export over an existing file keeps
that file's mode from the partial's creation on (a `chmod 600 orders.csv` stays private).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import UsageError, WriteFailed
from ..fsutil import chmod_fd, fsync_dir

VERSION = 1
TAIL = 32  # bytes of the partial's end kept in the checkpoint, to recognise it on resume


class StreamSink:
    """Standard output (or any text stream): nothing to resume, nothing to rename."""

    resumable = False

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.bytes = 0

    def open(self, fingerprint: str) -> dict | None:
        return None

    def write(self, text: str) -> None:
        if text:
            with _stdout_errors():
                self.stream.write(text)
            self.bytes += len(text)

    def commit(self, state: dict) -> None:
        with _stdout_errors():
            self.stream.flush()

    def finish(self) -> None:
        with _stdout_errors():
            self.stream.flush()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stream.flush()


@contextlib.contextmanager
def _stdout_errors() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise  # a reader that stopped early (`| head`): the handler's exit 141
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise
        raise WriteFailed(f"cannot write the export to standard output: {exc.strerror or exc}",
                          hint="free some space where the output goes, or write to a file with -O FILE "
                               "(which an interrupted export can continue with --resume)") from None


def check_target(target: str | os.PathLike) -> Path:
    """The export file as an absolute path, or a usage error: an empty name, a folder, or a
    folder that does not exist (made up from a typo, it would hide the export somewhere new)."""
    if not str(target).strip():
        raise UsageError("-O: the output file name is empty",
                         hint="give a file name (-O orders.csv), or leave -O out to write to standard output")
    path = Path(target).expanduser().absolute()
    if path.is_dir():
        raise UsageError(f"-O {target} is a directory", hint="give a file name inside it, e.g. "
                         f"-O {Path(target) / 'orders.csv'}")
    if path.parent.exists() and not path.parent.is_dir():
        raise UsageError(f"-O {target}: {path.parent} is not a folder", hint="give a path in an existing folder")
    if not path.parent.is_dir():
        import shlex

        raise UsageError(f"-O {target}: the folder {path.parent} does not exist",
                         hint=f"create it first (mkdir -p {shlex.quote(str(path.parent))}), or give another path")
    return path


def partial_paths(target: Path) -> tuple[Path, Path]:
    partial = target.with_name(f".{target.name}.makini-partial")
    return partial, partial.with_name(partial.name + ".json")


class FileSink:
    resumable = True

    def __init__(self, target: str | os.PathLike, *, resume: bool = False) -> None:
        self.target = check_target(target)
        self.partial, self.checkpoint = partial_paths(self.target)
        self.resume = resume
        self.fh: IO[bytes] | None = None
        self.bytes = 0
        self.fingerprint = ""
        self.discarded = False  # an older unfinished export of this file was thrown away

    # -- start ------------------------------------------------------------------------------
    def open(self, fingerprint: str) -> dict | None:
        """Open the partial; return the saved engine state when resuming, else None."""
        self.fingerprint = fingerprint
        check_target(self.target)  # the folder may have gone since the command started
        saved = self._load() if self.resume else None
        if saved is not None:
            self.fh = open(self.partial, "r+b")  # noqa: SIM115 - closed in finish/close
            self.fh.truncate(saved["bytes"])
            self.fh.seek(saved["bytes"])
            self.bytes = saved["bytes"]
            return saved["state"]
        self.discarded = self.partial.exists() or self.checkpoint.exists()
        with contextlib.suppress(FileNotFoundError):
            self.checkpoint.unlink()
        try:
            mode = stat.S_IMODE(self.target.stat().st_mode)
        except FileNotFoundError:
            mode = None
        with contextlib.suppress(FileNotFoundError):
            self.partial.unlink()  # a fresh file: O_CREAT would keep an old partial's mode
        with self._writing():
            fd = os.open(self.partial, os.O_RDWR | os.O_CREAT | os.O_TRUNC,
                         0o644 if mode is None else mode & 0o644)  # never looser than the file it replaces
        if mode is not None:
            chmod_fd(fd, str(self.partial), mode)
        self.fh = os.fdopen(fd, "r+b")
        self.bytes = 0
        return None

    def _load(self) -> dict | None:
        try:
            saved = json.loads(self.checkpoint.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            raise UsageError(f"cannot read the export checkpoint {self.checkpoint}",
                             hint="delete it (and the partial file beside it) and export again")
        if saved.get("version") != VERSION or saved.get("fingerprint") != self.fingerprint:
            raise UsageError(
                f"{self.target.name}: the unfinished export found there was started with other "
                "options (format, filters, connections, columns or page size)",
                hint="rerun with exactly the options it was started with, or with --restart "
                     "(instead of --resume) to start over")
        try:
            size = self.partial.stat().st_size
            ok = size >= saved["bytes"]
            if ok and saved.get("tail"):
                with open(self.partial, "rb") as fh:
                    fh.seek(saved["bytes"] - len(bytes.fromhex(saved["tail"])))
                    ok = fh.read(len(bytes.fromhex(saved["tail"]))).hex() == saved["tail"]
        except (OSError, KeyError, ValueError):
            ok = False
        if not ok:
            return None  # the partial lost data the checkpoint promised: start over, safely
        return saved

    # -- per page -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """A failed write names the export and says how to go on (the checkpoint still
        describes a complete prefix of the partial file: --resume continues from there)."""
        try:
            yield
        except OSError as exc:
            full = exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
            first = "free some space on that disk" if full else "check the disk and the folder"
            # With a checkpoint, `po export` adds how many orders are kept and the --resume step.
            hint = f"{first} first" if self.checkpoint.exists() else f"{first}, then rerun the same command with --resume"
            raise WriteFailed(f"cannot write the export {self.target}: {exc.strerror or exc}",
                              hint=hint) from None

    def write(self, text: str) -> None:
        if text:
            data = text.encode("utf-8")
            assert self.fh is not None
            with self._writing():
                self.fh.write(data)
            self.bytes += len(data)

    def commit(self, state: dict) -> None:
        with self._writing():
            self._commit(state)

    def _commit(self, state: dict) -> None:
        """Everything written so far is one consistent prefix: record it."""
        assert self.fh is not None
        self.fh.flush()
        tail = b""
        if self.bytes:
            n = min(TAIL, self.bytes)
            self.fh.seek(self.bytes - n)
            tail = self.fh.read(n)
            self.fh.seek(self.bytes)
        doc = {"version": VERSION, "fingerprint": self.fingerprint, "output": str(self.target),
               "bytes": self.bytes, "tail": tail.hex(), "state": state}
        tmp = self.checkpoint.with_name(self.checkpoint.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        chmod_fd(fd, str(tmp), 0o600)  # a temp file left by a killed run may have been looser
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, separators=(",", ":"))
        os.replace(tmp, self.checkpoint)

    # -- end ----------------------------------------------------------------------------------
    def finish(self) -> None:
        """Make the partial the target: fsync, rename, fsync the directory, drop the checkpoint."""
        assert self.fh is not None
        with self._writing():
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
        self.fh = None
        os.replace(self.partial, self.target)
        fsync_dir(self.target.parent)
        with contextlib.suppress(FileNotFoundError):
            self.checkpoint.unlink()

    def close(self) -> None:
        """Stop without finishing: the partial and its checkpoint stay for `--resume`."""
        if self.fh is not None:
            with contextlib.suppress(Exception):
                self.fh.close()
            self.fh = None


def describe(target: str | os.PathLike) -> dict[str, Any] | None:
    """What an unfinished export of `target` got to (for messages), or None."""
    _, checkpoint = partial_paths(Path(target).expanduser().absolute())
    try:
        saved = json.loads(checkpoint.read_text(encoding="utf-8"))
        state = saved["state"]
        return {"orders": state.get("orders", 0), "bytes": saved["bytes"],
                "started_at": state.get("started_at"), "sources": list(state.get("sources", {}))}
    except (OSError, ValueError, KeyError, AttributeError):
        return None
