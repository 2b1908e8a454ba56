#!/usr/bin/env python3
"""Start-up time: a script may call makini thousands of times.

Medians over interleaved runs, in one run of this script:
- `makini --version` against `python -c pass`              (target: at most 2.5x)
- `makini --help` against `python -c "import typer"`       (target: at most 1.5x)
- `makini config path` (a trivial command) against the same (target: at most 1.2x)

Usage: python bench/startup.py [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from _timing import machine, makini_exe, paired, print_table  # noqa: E402


def measure(runs: int) -> list[tuple[str, str, str, float, float]]:
    env = dict(os.environ, MAKINI_CONFIG_DIR=tempfile.mkdtemp(prefix="makini-bench-"))
    py = sys.executable
    makini = makini_exe()
    cases = [
        ("makini --version vs python -c pass", makini + ["--version"], [py, "-c", "pass"], 2.5),
        ("makini --help vs import typer", makini + ["--help"], [py, "-c", "import typer"], 1.5),
        ("makini config path vs import typer", makini + ["config", "path"], [py, "-c", "import typer"], 1.2),
    ]
    rows = []
    for name, a, b, target in cases:
        ma, mb, ratio = paired(a, b, runs=runs, env=env)
        rows.append((name, f"{ma * 1000:.1f} ms", f"{mb * 1000:.1f} ms", ratio, target))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure(args.runs)
    if args.json:
        print(json.dumps([dict(zip(("figure", "value", "baseline", "ratio", "target"), r)) for r in rows]))
    else:
        print(f"start-up ({machine()}, {args.runs} interleaved runs each, median of pairwise ratios)")
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
