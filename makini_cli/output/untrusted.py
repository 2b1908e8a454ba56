"""Untrusted text made harmless for people, and safe for spreadsheets.

Connection names, order fields, server messages and webhook bodies come from other people's
systems. On a terminal a raw ESC starts an escape sequence (an OSC sets the window title or
writes the clipboard, CSI 2J clears the screen), C1 bytes are the same controls in one byte,
bidirectional overrides reorder what is shown, and a lone surrogate cannot even be encoded.
Every human view passes data through `inert`, which shows each such character as a visible
stand-in instead: C0 controls as their Unicode control pictures (ESC as ␛), DEL as ␡, the rest
as `\\x9b` / `\\u202e`. Machine formats keep the exact data; JSON only spells the same
characters as escapes (`escape_json`), which parse back to the identical string.
"""

from __future__ import annotations

import re

_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ONE_LINE = re.compile(f"[\x00-\x1f{_OTHERS}]")
# prose (notes, summaries) keeps its line breaks and tabs; a carriage return could still
# rewrite the start of a line, so it is shown like every other control
_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")
_JSON = re.compile(f"[{_OTHERS}]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (ESC is ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: object, *, lines: bool = False) -> str:
    """`text` with every control character made visible. `lines=True` keeps newlines and tabs
    (prose); otherwise the result is always one line (a table cell, an error, a log line)."""
    s = text if isinstance(text, str) else str(text)
    pattern = _LINES if lines else _ONE_LINE
    return pattern.sub(_visible, s) if pattern.search(s) else s


def escape_json(text: str) -> str:
    """JSON text with DEL, C1 controls, bidi controls and lone surrogates written as \\uXXXX.
    JSON itself escapes C0 controls; these it would pass raw. They can only occur inside
    strings, where the escape denotes the same character: the data stays exact."""
    return _JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _JSON.search(text) else text


# --- CSV for spreadsheets (OWASP "CSV injection") --------------------------------------------
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def csv_safe(value: object) -> object:
    """A cell a spreadsheet will not run: one starting with = + - @ TAB or CR gets a leading
    apostrophe. Plain numbers (-12.50, +3) stay numbers: a spreadsheet runs nothing in them."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
