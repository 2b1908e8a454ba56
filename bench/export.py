"""Export benchmark: `makini po export` against a minimal httpx script, and its memory at two sizes.

    python bench/export.py [--small 10000] [--big 100000] [--per-page 500] [--runs 3]
                           [--db-dir DIR]

For each size it builds a sandbox database (default seed, then ONE connection, SAP S/4HANA,
grown to N purchase orders with their line items; `--db-dir` keeps the files for the next run)
and serves it from a child process (uvicorn). Against the big one it runs, in turn and `--runs`
times each:

- baseline: a minimal httpx script that logs in, mints the connection token, fetches the same
  pages one after another and writes each order as a JSON line;
- makini: `makini po export -c KEY -O FILE --per-page P` (NDJSON, orders with their lines,
  atomic file, checkpoints, prefetch), logged in through the environment like a script.

Each is a fresh process, timed from spawn to exit; its peak RSS comes from wait4. Against the
small one it runs the makini export again for its peak RSS. It prints the medians and the two
ratios the issue sets: time makini / baseline at the big size (target <= 1.2) and peak memory
makini big / makini small (target <= 1.2). It asserts nothing.
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

SERVE = """
import sys
sys.path.insert(0, {root!r})
from makini_cli.sandbox.app import create_app
from makini_cli.sandbox.server import serve
serve(create_app({db!r}), "127.0.0.1", 0, on_ready=lambda url: print(url, flush=True))
"""

BASELINE = """
import json, sys
import httpx
base, cid, secret, key, per_page, out = sys.argv[1:]
with httpx.Client(base_url=base, timeout=120) as c, open(out, "w", encoding="utf-8") as f:
    admin = c.post("/link/token", json={"grant_type": "client_credentials", "client_id": cid,
                                        "client_secret": secret}).json()["access_token"]
    token = c.post(f"/api/system/connections/{key}/token",
                   headers={"Authorization": f"Bearer {admin}"}).json()["data"]["access_token"]
    headers, page = {"Authorization": f"Bearer {token}"}, 1
    while True:
        body = c.get("/api/erp/purchase-orders", headers=headers,
                     params={"page": page, "per_page": per_page}).json()
        for item in body["data"]:
            f.write(json.dumps(item) + "\\n")
        if page >= body["meta"]["last_page"]:
            break
        page += 1
"""


def build(path: Path, n: int) -> str:
    """A database whose first connection has n orders; reused when it already exists."""
    from makini_cli.sandbox.core import Sandbox

    fresh = not path.exists()
    sb = Sandbox(path, pos_per_connection=40)
    key = sb.connections()[0]["key"]
    have = sb.query("SELECT COUNT(*) FROM purchase_orders WHERE conn = ?", (key,))[0][0]
    if fresh or have < n:
        t = time.perf_counter()
        sb.grow(key, n - have)
        sb.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"  built {path.name}: {n:,} orders in {time.perf_counter() - t:.1f}s", flush=True)
    sb.db.close()
    return key


class Server:
    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", SERVE.format(root=str(ROOT), db=str(db))],
                                     stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise SystemExit("the sandbox server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports KiB


def count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--per-page", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db-dir", help="keep the sandbox databases here (rebuilt only if missing)")
    args = ap.parse_args()

    from makini_cli.sandbox.seed import sandbox_credentials

    cid, secret = sandbox_credentials(42)
    work = Path(tempfile.mkdtemp(prefix="makini-bench-export-"))
    try:
        _bench(args, cid, secret, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the databases too, unless --db-dir kept them


def _bench(args, cid: str, secret: str, work: Path) -> None:
    dbs = Path(args.db_dir) if args.db_dir else work
    dbs.mkdir(parents=True, exist_ok=True)
    print(f"export benchmark ({machine()}); per_page {args.per_page}, {args.runs} runs each", flush=True)
    sizes = {"big": args.big, "small": args.small}
    keys = {name: build(dbs / f"export-{n}.sqlite3", n) for name, n in sizes.items()}

    def makini(name: str, url: str, out: Path) -> tuple[float, float]:
        env = {**os.environ, "MAKINI_BASE_URL": url, "MAKINI_CLIENT_ID": cid,
               "MAKINI_CLIENT_SECRET": secret, "MAKINI_CONFIG_DIR": str(work / f"cfg-{time.time_ns()}")}
        cmd, env, hwm = makini_measured(["po", "export", "-c", keys[name], "-O", str(out),
                                         "--per-page", str(args.per_page)], env)
        seconds, _ = timed(cmd, env)
        return seconds, read_hwm_mib(hwm)

    results: dict[str, list[tuple[float, float]]] = {"baseline": [], "makini": [], "small": []}
    server = Server(dbs / f"export-{args.big}.sqlite3")
    try:
        base_out, mk_out = work / "baseline.ndjson", work / "makini.ndjson"
        base_cmd = [sys.executable, "-c", BASELINE, server.url, cid, secret, keys["big"],
                    str(args.per_page), str(base_out)]
        timed(base_cmd, dict(os.environ))  # warm-up: the server's page cache, imports
        for _ in range(args.runs):
            results["baseline"].append(timed(base_cmd, dict(os.environ)))
            results["makini"].append(makini("big", server.url, mk_out))
        lines = (count_lines(base_out), count_lines(mk_out))
        if lines != (args.big, args.big):
            raise SystemExit(f"wrong line counts (baseline, makini): {lines}, expected {args.big}")
    finally:
        server.stop()
    server = Server(dbs / f"export-{args.small}.sqlite3")
    try:
        for _ in range(args.runs):
            results["small"].append(makini("small", server.url, work / "small.ndjson"))
    finally:
        server.stop()

    med = {k: (statistics.median(t for t, _ in v), statistics.median(m for _, m in v))
           for k, v in results.items()}
    time_ratio = med["makini"][0] / med["baseline"][0]
    mem_ratio = med["makini"][1] / med["small"][1]
    print(f"  baseline  {args.big:>7,} orders: {med['baseline'][0]:6.2f}s  peak {med['baseline'][1]:6.1f} MiB")
    print(f"  makini    {args.big:>7,} orders: {med['makini'][0]:6.2f}s  peak {med['makini'][1]:6.1f} MiB")
    print(f"  makini    {args.small:>7,} orders: {med['small'][0]:6.2f}s  peak {med['small'][1]:6.1f} MiB")
    print_table([
        (f"time: makini / httpx baseline at {args.big:,}", f"{med['makini'][0]:.2f}s",
         f"{med['baseline'][0]:.2f}s", time_ratio, 1.2),
        (f"peak RSS: makini {args.big:,} / {args.small:,}", f"{med['makini'][1]:.1f}MiB",
         f"{med['small'][1]:.1f}MiB", mem_ratio, 1.2),
    ])
    print(f"time ratio {time_ratio:.2f}  memory ratio {mem_ratio:.2f}")


if __name__ == "__main__":
    main()
