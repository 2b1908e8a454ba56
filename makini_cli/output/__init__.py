"""The output layer: every result and message goes through here (see core.py).

- `core`: `Output`, the per-invocation writer (formats, --query, --columns, errors, notices);
- `columns`: `Column` and the cell formatters commands share;
- `formats`: the formats `-o` takes and which commands take `wide` and `openmetrics`;
- `untrusted`: `inert`, untrusted text made harmless for people, CSV cells made safe for spreadsheets;
- `data`: JSON, NDJSON and YAML text; `tables`: terminal tables that fit (Rich, loaded lazily).
"""

from __future__ import annotations

from .columns import (Column, age_seconds, cell, human_age, milliseconds, parse_time, pick,
                      relative_time, styled, tty_only)
from .core import Output, bounded_list
from .data import dumps_json, jsonable
from .formats import FORMAT_COMMANDS, FORMATS
from .untrusted import csv_safe, inert

__all__ = ["FORMATS", "FORMAT_COMMANDS", "Column", "Output", "age_seconds", "bounded_list", "cell", "csv_safe",
           "dumps_json", "human_age", "inert", "jsonable", "milliseconds", "parse_time", "pick",
           "relative_time", "styled", "tty_only"]
