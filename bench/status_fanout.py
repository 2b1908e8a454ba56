"""Benchmark: `makini connections status --all` over many sandbox connections, concurrent vs sequential.

    python bench/status_fanout.py [--connections 500] [--latency-ms 50] [--concurrency 20]

Starts a sandbox over real HTTP (uvicorn on 127.0.0.1) with N connections and a fixed latency
on every API request, then runs the CLI as a user would (a subprocess, fresh config dir):
  1. a first run that mints and caches every connection's token (cold, reported only);
  2. `--concurrency 1` (sequential) and the default concurrency, both with warm tokens, so each
     checks exactly one request per connection;
  3. the concurrent run again over 1/5 of the connections, to show peak memory does not grow
     with the number of connections.
Prints the times, the ratio concurrent/sequential (target: at most 0.10) and each run's peak
RSS (from wait4). Exits 1 when the ratio misses the target. Python and the project only.
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TARGET = 0.10


def run_cli(args: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[float, int, int, bytes]:
    """(seconds, exit code, peak RSS in MiB, stdout) of one makini process."""
    sys.path.insert(0, os.path.dirname(__file__))
    from _timing import makini_measured, read_hwm_mib

    cmd, env, hwm = makini_measured(args, env)
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    rss = int(read_hwm_mib(hwm))
    if proc.returncode not in (0, 3):  # 3: some connection is not healthy, which the seeded ones are not
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"makini {' '.join(args)} failed with exit code {proc.returncode}")
    return seconds, proc.returncode, rss, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=None, help="default: the CLI's own default")
    opts = parser.parse_args()

    import httpx

    import makini_cli.sandbox.server as server
    from makini_cli.sandbox.app import create_app
    from makini_cli.sandbox.catalog import SEEDED

    with tempfile.TemporaryDirectory(prefix="makini-bench-") as tmp:
        app = create_app(Path(tmp) / "sandbox.sqlite3", pos_per_connection=0)
        sb = app.state.sandbox
        with server.ServerThread(app) as srv:
            extra = max(0, opts.connections - len(SEEDED))
            with httpx.Client(base_url=srv.base_url, timeout=120) as http:
                if extra:
                    http.post("/_sandbox/connections/bulk", json={"count": extra, "pos_per_connection": 0}).raise_for_status()
                http.post("/_sandbox/knobs", json={"latency_ms": opts.latency_ms}).raise_for_status()
            env = {k: v for k, v in os.environ.items() if not k.startswith("MAKINI_")}
            env.update(MAKINI_CONFIG_DIR=str(Path(tmp) / "home"), MAKINI_BASE_URL=srv.base_url,
                       MAKINI_CLIENT_ID=sb.client_id, MAKINI_CLIENT_SECRET=sb.client_secret,
                       MAKINI_BREAKER_THRESHOLD="0")  # measure the fan-out, not the breaker
            base = ["connections", "status", "-o", "json"]
            conc = ["--concurrency", str(opts.concurrency)] if opts.concurrency else []

            cold, _, cold_rss, out = run_cli(base + ["--all"] + conc, env)
            rows = json.loads(out)
            seq, _, seq_rss, _ = run_cli(base + ["--all", "--concurrency", "1"], env)
            cpu = time.process_time()  # this process runs the sandbox server thread
            par, _, par_rss, out = run_cli(base + ["--all"] + conc, env)
            server_cpu = time.process_time() - cpu
            subset = [r["id"] for r in rows][: max(1, len(rows) // 5)]
            small, _, small_rss, _ = run_cli(base + ["-"] + conc, env, stdin="\n".join(subset).encode())

    ratio = par / seq
    width = 44
    print(f"connections status over {len(rows)} sandbox connections, {opts.latency_ms:.0f} ms latency per request")
    print(f"{'first run (mints and caches tokens)':<{width}} {cold:7.2f} s   peak {cold_rss:4d} MiB")
    print(f"{'sequential (--concurrency 1)':<{width}} {seq:7.2f} s   peak {seq_rss:4d} MiB")
    label = f"concurrent ({'--concurrency ' + str(opts.concurrency) if opts.concurrency else 'default concurrency'})"
    print(f"{label:<{width}} {par:7.2f} s   peak {par_rss:4d} MiB")
    print(f"{'concurrent over ' + str(len(subset)) + ' connections':<{width}} {small:7.2f} s   peak {small_rss:4d} MiB")
    print(f"sandbox server CPU during the concurrent run: {server_cpu:.2f} s")
    print(f"ratio concurrent/sequential: {ratio:.3f} (target <= {TARGET:.2f}): {'ok' if ratio <= TARGET else 'MISSED'}")
    print(f"peak memory {len(subset)} -> {len(rows)} connections: {small_rss} -> {par_rss} MiB")
    sys.path.insert(0, os.path.dirname(__file__))
    from _timing import print_table

    print_table([
        (f"status --all, {len(rows)} conns: concurrent / sequential", f"{par:.2f}s", f"{seq:.2f}s", ratio, TARGET),
        (f"status peak RSS: {len(rows)} / {len(subset)} connections", f"{par_rss}MiB", f"{small_rss}MiB",
         par_rss / max(small_rss, 1), 1.2),
    ])
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
