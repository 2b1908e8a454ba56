#!/usr/bin/env python3
"""Run every benchmark of the project and print one table: each figure, its baseline measured in
the same run, the ratio, and the target (the ratio must be at most the target).

Usage: python bench/run_all.py [--quick] [--only NAME ...]

--quick uses smaller sizes (a smoke run; the figures quoted in the README come from a full run).
Each script also prints its own details above the table. Exits 1 if any figure misses its target.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _timing import machine, print_table  # noqa: E402

# name -> (script, full arguments, quick arguments)
BENCHES = {
    "startup": ("startup.py", [], ["--runs", "7"]),
    "sandbox": ("sandbox.py", [], ["--small", "2000", "--big", "20000", "--small-each", "200",
                                   "--big-each", "2000", "--first-runs", "3"]),
    "status_fanout": ("status_fanout.py", [], ["--connections", "1000", "--small", "200"]),
    "export": ("export.py", [], ["--small", "2000", "--big", "20000", "--runs", "1"]),
    "po_list": ("po_list.py", [], ["--small", "2000", "--big", "20000", "--runs", "1"]),
    "listen": ("listen.py", [], ["-n", "2000"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHES))
    args = parser.parse_args()
    names = args.only or list(BENCHES)
    rows_file = Path(tempfile.mkdtemp(prefix="makini-bench-")) / "rows.jsonl"
    env = dict(os.environ, MAKINI_BENCH_JSON=str(rows_file))
    failed_scripts = []
    started = time.perf_counter()
    for name in names:
        script, full, quick = BENCHES[name]
        cmd = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
        if subprocess.run(cmd, env=env).returncode not in (0, 1):  # 1: a script's own "target missed"
            failed_scripts.append(name)
    rows = [json.loads(line) for line in rows_file.read_text().splitlines()] if rows_file.exists() else []
    print(f"\n=== all benchmarks ({machine()}; {time.perf_counter() - started:.0f} s"
          f"{'; quick sizes' if args.quick else ''})")
    print_table_rows = [(r["figure"], r["value"], r["baseline"], r["ratio"], r["target"]) for r in rows]
    os.environ.pop("MAKINI_BENCH_JSON", None)
    print_table(print_table_rows)
    for name in failed_scripts:
        print(f"{name}: the script failed (see its output above)")
    missed = [r for r in rows if r["verdict"] != "ok"]
    return 1 if missed or failed_scripts else 0


if __name__ == "__main__":
    sys.exit(main())
