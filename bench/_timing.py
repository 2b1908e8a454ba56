"""Shared helpers for the benchmarks: whole-process timing with interleaved runs, medians and
ratios measured in the same run (the machines are shared and noisy: compare, don't clock)."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def makini_exe() -> list[str]:
    exe = Path(sys.executable).with_name("makini")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "makini_cli"]


def run_once(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def paired(a: list[str], b: list[str], runs: int = 21, warmup: int = 2,
           env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(median A, median B, median of the pairwise ratios A/B), A and B run in turn."""
    for _ in range(warmup):
        run_once(a, env), run_once(b, env)
    ta, tb, ratios = [], [], []
    for _ in range(runs):
        x, y = run_once(a, env), run_once(b, env)
        ta.append(x)
        tb.append(y)
        ratios.append(x / y)
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios)


# Runs makini's entry point and, at exit, records the process's own VmHWM (peak RSS of the
# memory map since exec). wait4's ru_maxrss is no good here: a child started with vfork inherits
# the parent's high-water mark at exec, so a large benchmark parent inflates every child.
_HWM_WRAPPER = (
    "import atexit, os, sys\n"
    "def _hwm():\n"
    "    with open('/proc/self/status') as f:\n"
    "        kb = next(int(line.split()[1]) for line in f if line.startswith('VmHWM:'))\n"
    "    with open(os.environ['MAKINI_BENCH_HWM'], 'w') as out:\n"
    "        out.write(str(kb))\n"
    "atexit.register(_hwm)\n"
    "sys.argv = ['makini'] + sys.argv[1:]\n"
    "from makini_cli.main import main\n"
    "main()\n"
)


def makini_measured(args: list[str], env: dict[str, str]) -> tuple[list[str], dict[str, str], Path]:
    """(command, env, file) to run makini ARGS and find its peak RSS (KiB) in file afterwards."""
    import tempfile

    fd, path = tempfile.mkstemp(prefix="makini-hwm-")
    os.close(fd)
    return [sys.executable, "-c", _HWM_WRAPPER, *args], dict(env, MAKINI_BENCH_HWM=path), Path(path)


def read_hwm_mib(path: Path) -> float:
    try:
        return int(path.read_text() or 0) / 1024
    finally:
        path.unlink(missing_ok=True)


def child_peak_rss_mib() -> float:
    """Peak RSS of the largest finished child so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def verdict(ratio: float, target: float) -> str:
    return "ok" if ratio <= target else "OVER"


def machine() -> str:
    return f"{os.cpu_count()} cpus, Python {sys.version.split()[0]}, {sys.platform}"


def print_table(rows: list[tuple[str, str, str, float, float]]) -> None:
    """rows: (figure, value, baseline, ratio, target); the ratio must be at most the target.

    Also appends the rows as JSON lines to $MAKINI_BENCH_JSON when set (bench/run_all.py
    collects every script's rows that way into one table)."""
    print(f"{'figure':52} {'value':>14} {'baseline':>14} {'ratio':>7} {'target':>7}  verdict")
    for figure, value, baseline, ratio, target in rows:
        print(f"{figure:52} {value:>14} {baseline:>14} {ratio:7.2f} {target:7.2f}  {verdict(ratio, target)}")
    out = os.environ.get("MAKINI_BENCH_JSON")
    if out:
        import json

        with open(out, "a", encoding="utf-8") as fh:
            for figure, value, baseline, ratio, target in rows:
                fh.write(json.dumps({"figure": figure, "value": value, "baseline": baseline,
                                     "ratio": round(ratio, 3), "target": target,
                                     "verdict": verdict(ratio, target)}) + "\n")
