"""The streaming export engine (no Typer, no Rich): every record of one or more sources, written
as NDJSON, CSV or a JSON array to stdout or to a file that appears only when complete.

- `fetch.ordered_pages`: pages in order with the next ones in flight (bounded prefetch);
- `engine.run(plan, sink, progress)`: one producer per source, one writer, a checkpoint per page;
- `sink.FileSink` / `sink.StreamSink`: atomic, resumable file output / plain stream output;
- `formats`: the encoders and the stable CSV column layout.

Memory is bounded by (prefetch + 2) pages per source, whatever the number of records.
A row transform (`Plan.transform`, e.g. a mapping file) receives each order as a dict (with its
`connection` when several are exported) and returns a dict, a list of dicts, or None to skip.
"""

from __future__ import annotations

from .engine import Plan, Progress, Result, ResumeMismatch, Source, fingerprint, run
from .formats import FORMATS
from .sink import FileSink, StreamSink, check_target, describe, partial_paths

__all__ = ["FORMATS", "FileSink", "Plan", "Progress", "Result", "ResumeMismatch", "Source",
           "StreamSink", "check_target", "describe", "fingerprint", "partial_paths", "run"]
