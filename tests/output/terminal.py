"""What a person sees: makini run in-process with its stdout (and stderr) on a real
pseudo-terminal of a given width. The screen is read from the pty's other end."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import sys
import termios
import threading
from dataclasses import dataclass, field

# What Rich itself writes on a terminal: colours and styles (SGR), and the cursor and line
# codes of a progress bar. Anything else starting with ESC came from data.
RICH_CODES = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[1A|\r")


@dataclass
class Screen:
    code: int
    raw: str                       # everything the terminal received, escapes and all
    stdout: str = ""               # when stdout was a pipe
    stderr: str = ""               # when stderr was a pipe
    lines: list[str] = field(default_factory=list)  # the screen's lines, Rich's own codes removed

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def foreign_controls(self) -> list[str]:
        """Control characters on the screen that Rich did not write (from data)."""
        rest = RICH_CODES.sub("", self.raw).replace("\n", "")
        return [f"U+{ord(ch):04X}" for ch in rest
                if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]


def _open(columns: int) -> tuple[int, int]:
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    return main, child


def _drain(fd: int, into: list[bytes]) -> threading.Thread:
    def pump() -> None:
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:  # every writer closed the terminal
                return
            if not data:
                return
            into.append(data)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return thread


_MOVES = re.compile(r"(\x1b\[2K|\x1b\[1A|\r|\n)")
_STYLE = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]")


def render(raw: str) -> list[str]:
    """The lines a terminal shows at the end, for what Rich writes: text, newlines, carriage
    returns, erase-line and cursor-up (a transient progress bar redraws, then vanishes)."""
    lines: list[list[str]] = [[]]
    row = col = 0
    for part in _MOVES.split(_STYLE.sub("", raw)):
        if part == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append([])
        elif part == "\r":
            col = 0
        elif part == "\x1b[2K":
            lines[row] = []
        elif part == "\x1b[1A":
            row = max(0, row - 1)
        elif part:
            line = lines[row]
            line[col:col + len(part)] = list(part)
            col += len(part)
    out = ["".join(line) for line in lines]
    while out and out[-1] == "":
        out.pop()
    return out


def _screen(code: int, chunks: list[bytes], stdout: str = "", stderr: str = "") -> Screen:
    raw = b"".join(chunks).decode("utf-8", "replace")
    return Screen(code, raw, stdout, stderr, render(raw))


def run_in_process(monkeypatch, args: list[str], *, columns: int, env: dict[str, str],
                   stderr_tty: bool = True, stdout_tty: bool = True) -> Screen:
    import io

    from makini_cli import context
    from makini_cli.handler import run

    main, child = _open(columns)
    chunks: list[bytes] = []
    reader = _drain(main, chunks)
    term = open(child, "w", encoding="utf-8", closefd=True, buffering=1)
    pipes = {"out": io.StringIO(), "err": io.StringIO()}
    with monkeypatch.context() as m:
        for k, v in {"COLUMNS": str(columns), "LINES": "40", **env}.items():
            m.setenv(k, v)
        m.setattr(sys, "stdout", term if stdout_tty else pipes["out"])
        m.setattr(sys, "stderr", term if stderr_tty else pipes["err"])
        m.setattr(sys, "stdin", io.StringIO(""))
        context.set_current(None)
        saved = dict(os.environ)
        try:
            code = run([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            context.set_current(None)
            os.environ.clear()
            os.environ.update(saved)
            term.close()
    reader.join(10)
    os.close(main)
    return _screen(code, chunks, pipes["out"].getvalue(), pipes["err"].getvalue())
