"""`po list --all` streams: its memory at two sizes, and how soon the first order is out.

    python bench/po_list.py [--small 5000] [--big 50000] [--runs 3] [--db-dir DIR]

For each size it builds (or reuses, with --db-dir) a sandbox database whose first connection
has N purchase orders, serves it from a child process, and runs
`makini po list -c KEY --all -o ndjson` as a script would, reading its stdout:

- peak RSS of the makini process (its own VmHWM) at the big size against the small one
  (target <= 1.2: memory does not grow with the count, where holding every order before
  printing took 1.3 GB for 50,000);
- seconds to the first order on stdout against the whole run at the big size (target <= 0.1:
  the first line comes after the first page, not after the last).

Each is a fresh process; the figures are medians of --runs. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _timing import machine, makini_measured, print_table, read_hwm_mib  # noqa: E402
from export import Server, build  # noqa: E402


def run(key: str, url: str, cid: str, secret: str, work: Path) -> tuple[float, float, float, int]:
    """(seconds to the first line, seconds in all, peak RSS MiB, lines) of one `po list --all`."""
    env = {**os.environ, "MAKINI_BASE_URL": url, "MAKINI_CLIENT_ID": cid, "MAKINI_CLIENT_SECRET": secret,
           "MAKINI_CONFIG_DIR": str(work / f"cfg-{time.time_ns()}")}
    cmd, env, hwm = makini_measured(["po", "list", "-c", key, "--all", "-o", "ndjson"], env)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    first_at = time.perf_counter() - start
    lines = 1 if first else 0
    for _ in proc.stdout:
        lines += 1
    code = proc.wait()
    total = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"po list failed ({code}): {proc.stderr.read().decode()[-2000:]}")
    return first_at, total, read_hwm_mib(hwm), lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", type=int, default=5_000)
    ap.add_argument("--big", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db-dir", help="keep the sandbox databases here (rebuilt only if missing)")
    args = ap.parse_args()

    from makini_cli.sandbox.seed import sandbox_credentials

    cid, secret = sandbox_credentials(42)
    work = Path(tempfile.mkdtemp(prefix="makini-bench-list-"))
    try:
        dbs = Path(args.db_dir) if args.db_dir else work
        dbs.mkdir(parents=True, exist_ok=True)
        print(f"po list --all benchmark ({machine()}); {args.runs} runs each", flush=True)
        results = {}
        for name, n in (("big", args.big), ("small", args.small)):
            db = dbs / f"export-{n}.sqlite3"  # the same files bench/export.py builds
            key = build(db, n)
            server = Server(db)
            try:
                got = [run(key, server.url, cid, secret, work) for _ in range(args.runs)]
            finally:
                server.stop()
            if any(lines != n for *_, lines in got):
                raise SystemExit(f"wrong line counts at {n:,}: {[g[3] for g in got]}")
            results[name] = tuple(statistics.median(g[i] for g in got) for i in range(3))
            first, total, rss = results[name]
            print(f"  {n:>7,} orders: first line {first:5.2f}s, all {total:6.2f}s, peak {rss:6.1f} MiB", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    big, small = results["big"], results["small"]
    print_table([
        (f"`po list --all` peak RSS, {args.big:,} vs {args.small:,} orders", f"{big[2]:.1f}MiB",
         f"{small[2]:.1f}MiB", big[2] / small[2], 1.2),
        (f"`po list --all` first line vs whole run, {args.big:,} orders", f"{big[0]:.2f}s",
         f"{big[1]:.2f}s", big[0] / big[1], 0.1),
    ])


if __name__ == "__main__":
    main()
