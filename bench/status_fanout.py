"""Benchmark: `makini connections status --all` over a big fleet, against the concurrency-bound ideal.

    python bench/status_fanout.py [--connections 5000] [--latency-ms 200] [--concurrency 50] [--small 500]

Starts a sandbox over real HTTP (uvicorn on 127.0.0.1, in this process) with N connections and a
fixed latency on every API request, then runs the CLI as a user would (a subprocess, fresh config
dir, the history on as by default):
  1. a first run that mints and caches every connection's token (cold, reported only);
  2. the warm run over all N with --concurrency C: its time against the ideal N / C x latency
     (each connection needs one request; target ratio <= 1.5), and makini's CPU per connection;
  3. the same over the first `--small` connections: peak memory must not grow with N (<= 1.2);
  4. `connections watch` over the small set for 1 and for 4 rounds (--interval 0): the CPU of one
     more round against the CPU of a whole `status` run over the same set (<= 1.0);
  5. the history: recording a round of N connections (what each status run and watch round
     does, after its checks) against the warm run's time (<= 0.05: off the hot path).
Prints the figures and a table of ratios; exits 1 when one misses its target.
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
sys.path.insert(0, os.path.dirname(__file__))
IDEAL_TARGET, MEMORY_TARGET, WATCH_TARGET, HISTORY_TARGET = 1.5, 1.2, 1.0, 0.05


def run_cli(args: list[str], env: dict[str, str], stdin: bytes | None = None) -> dict:
    """One makini process: seconds, peak RSS in MiB, stdout."""
    from _timing import makini_measured, read_hwm_mib

    cmd, env, hwm = makini_measured(args, env)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    out, err = proc.communicate(stdin)
    seconds = time.perf_counter() - started
    rss = read_hwm_mib(hwm)
    if proc.returncode not in (0, 3):  # 3: some seeded connections are not healthy, by design
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"makini {' '.join(args)} failed with exit code {proc.returncode}")
    return {"seconds": seconds, "rss": rss, "stdout": out}


def cpu_of(args: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[float, dict]:
    """(CPU seconds of the makini child alone, run_cli result): RUSAGE_CHILDREN before and after."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_cli(args, env, stdin)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, result


def history_write_seconds(n: int) -> float:
    """Recording a round of n connections into a history that already knows them (a change for
    every tenth), as a status run or a watch round does after its checks."""
    from makini_cli.connections.history import History, Observation

    with tempfile.TemporaryDirectory(prefix="makini-bench-history-") as tmp:
        with History(Path(tmp) / "h.sqlite3", days=90) as h:
            now = time.time()
            h.record([Observation(f"{i:014d}", "healthy", now - 60, f"Customer {i}", "SAP") for i in range(n)])
            obs = [Observation(f"{i:014d}", "error" if i % 10 == 0 else "healthy", now, f"Customer {i}", "SAP")
                   for i in range(n)]
            started = time.perf_counter()
            h.record(obs)
            return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=5000)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--small", type=int, default=500, help="the smaller fleet (memory, watch)")
    opts = parser.parse_args()

    import httpx

    import makini_cli.sandbox.server as server
    from makini_cli.sandbox.app import create_app
    from makini_cli.sandbox.catalog import SEEDED

    latency = opts.latency_ms / 1000
    with tempfile.TemporaryDirectory(prefix="makini-bench-") as tmp:
        app = create_app(Path(tmp) / "sandbox.sqlite3", pos_per_connection=0)
        sb = app.state.sandbox
        with server.ServerThread(app) as srv:
            extra = max(0, opts.connections - len(SEEDED))
            setup = time.perf_counter()
            with httpx.Client(base_url=srv.base_url, timeout=600) as http:
                while extra:
                    batch = min(extra, 5000)
                    http.post("/_sandbox/connections/bulk", json={"count": batch, "pos_per_connection": 0}).raise_for_status()
                    extra -= batch
                http.post("/_sandbox/knobs", json={"latency_ms": opts.latency_ms}).raise_for_status()
            print(f"sandbox with {len(sb.connections())} connections ready in {time.perf_counter() - setup:.1f} s",
                  flush=True)
            env = {k: v for k, v in os.environ.items() if not k.startswith("MAKINI_")}
            env.update(MAKINI_CONFIG_DIR=str(Path(tmp) / "home"), MAKINI_BASE_URL=srv.base_url,
                       MAKINI_CLIENT_ID=sb.client_id, MAKINI_CLIENT_SECRET=sb.client_secret,
                       MAKINI_BREAKER_THRESHOLD="0")  # measure the fan-out, not the breaker
            conc = ["--concurrency", str(opts.concurrency)]
            base = ["connections", "status", "-o", "json", *conc]

            cold = run_cli(base + ["--all"], env)
            rows = json.loads(cold["stdout"])
            print(f"first run (mints and caches {len(rows)} tokens): {cold['seconds']:.1f} s", flush=True)
            cpu_all, warm = cpu_of(base + ["--all"], env)
            n = len(json.loads(warm["stdout"]))
            small_ids = "\n".join(r["id"] for r in rows[: opts.small]).encode()
            cpu_small, small = cpu_of(base + ["-"], env, small_ids)
            watch = ["connections", "watch", "-", "--interval", "0s", *conc]
            cpu_w1, _ = cpu_of(watch + ["--rounds", "1"], env, small_ids)
            cpu_w4, w4 = cpu_of(watch + ["--rounds", "4"], env, small_ids)
    ideal = n / opts.concurrency * latency
    ratio = warm["seconds"] / ideal
    per_round = (cpu_w4 - cpu_w1) / 3
    write = history_write_seconds(n)
    small_n = min(opts.small, n)
    print(f"connections status --all over {n} connections, {opts.latency_ms:.0f} ms per request, --concurrency "
          f"{opts.concurrency}: {warm['seconds']:.2f} s; ideal {ideal:.2f} s; ratio {ratio:.2f} (target <= {IDEAL_TARGET})")
    print(f"makini CPU: {cpu_all:.2f} s for {n} connections = {cpu_all / n * 1000:.2f} ms per connection "
          f"(over {small_n}: {cpu_small / small_n * 1000:.2f} ms per connection, start-up included)")
    print(f"peak RSS: {small_n} connections {small['rss']:.0f} MiB, {n} connections {warm['rss']:.0f} MiB")
    print(f"watch over {small_n}: 1 round {cpu_w1:.2f} s CPU, 4 rounds {cpu_w4:.2f} s CPU ({w4['seconds']:.1f} s): "
          f"{per_round:.2f} s CPU per extra round; a status run over the same: {cpu_small:.2f} s CPU")
    print(f"history: recording a round of {n} connections takes {write * 1000:.0f} ms "
          f"({write / warm['seconds'] * 100:.2f}% of the warm run)")
    from _timing import print_table

    table = [
        (f"status --all, {n} conns x {opts.latency_ms:.0f} ms / -j{opts.concurrency}: vs ideal", f"{warm['seconds']:.2f}s",
         f"{ideal:.2f}s", ratio, IDEAL_TARGET),
        (f"status peak RSS: {n} / {small_n} connections", f"{warm['rss']:.0f}MiB", f"{small['rss']:.0f}MiB",
         warm["rss"] / max(small["rss"], 1), MEMORY_TARGET),
        (f"watch round CPU vs a status run, {small_n} conns", f"{per_round * 1000:.0f}ms", f"{cpu_small * 1000:.0f}ms",
         per_round / max(cpu_small, 1e-9), WATCH_TARGET),
        (f"history write of {n} conns vs the warm run", f"{write * 1000:.0f}ms", f"{warm['seconds']:.2f}s",
         write / warm["seconds"], HISTORY_TARGET),
    ]
    print(f"makini CPU per connection checked: {cpu_all / n * 1000:.2f} ms")
    print_table(table)
    return 0 if all(r <= t for _f, _v, _b, r, t in table) else 1


if __name__ == "__main__":
    raise SystemExit(main())
