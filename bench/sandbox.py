"""Sandbox benchmark: the embedded sandbox's first run, served memory at two data sizes over
every entity, and list throughput.

    python bench/sandbox.py [--small 10000] [--big 200000] [--small-each 1000] [--big-each 20000]
                            [--per-page 500] [--first-runs 7]

First it times `makini --sandbox connections status` on fresh folders (the embedded sandbox
seeds its file on first use) against a warm folder, interleaved.

For each size it builds a sandbox database (default seed), then grows ONE connection, SAP
S/4HANA (it keeps every entity), to N purchase orders and adds M records to every entity that
grows with a system's use (receipts, invoices, sales orders, shipments, meter readings, material
lines, …; 16 entities); seeding all ten connections that big would only add time. It serves the
database from a child process (uvicorn), reads that connection's purchase orders page by page
over HTTP at `--per-page`, runs a few filtered/sorted/deep-page queries, then reads every page of
every entity list the spec has (46 lists, sub-resources and statuses included) and reads the
child's peak RSS (VmHWM from /proc, else ru_maxrss). It prints the figures and the big/small
ratios; it asserts nothing about timings. Memory should stay flat: pages are SQL LIMIT/OFFSET
and the SQLite page cache is capped (16 MB).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(path: Path, n: int, each: int) -> tuple[str, float]:
    from makini_cli.sandbox.core import Sandbox

    t = time.perf_counter()
    sb = Sandbox(path, pos_per_connection=40)
    key = sb.connections()[0]["key"]
    if n > 40:
        sb.grow(key, n - 40)
    if each:
        sb.grow_all(key, each)
    sb.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sb.db.close()
    return key, time.perf_counter() - t


def peak_rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


SERVE = """
import sys
sys.path.insert(0, {root!r})
from makini_cli.sandbox.app import create_app
from makini_cli.sandbox.server import serve
serve(create_app({db!r}), "127.0.0.1", 0, on_ready=lambda url: print(url, flush=True))
"""


def list_paths() -> list[str]:
    """One list path per entity (its first domain), statuses lists and collection lists too."""
    from makini_cli.sandbox import contract

    seen, out = set(), []
    for op in contract.operations():
        if op.method == "GET" and op.kind in ("list", "statuses") or (
                op.kind == "sub" and "{" not in op.path):
            name = (op.kind, op.entity, op.action)
            if name not in seen:
                seen.add(name)
                out.append(op.path)
    return out


def read_all(c: httpx.Client, path: str, headers: dict, per_page: int) -> tuple[int, int]:
    items, page = 0, 1
    while True:
        body = c.get(path, headers=headers, params={"per_page": per_page, "page": page}).json()
        items += len(body["data"])
        if body["links"]["next"] is None:
            return items, page
        page += 1


def measure(path: Path, key: str, per_page: int) -> dict:
    proc = subprocess.Popen([sys.executable, "-c", SERVE.format(root=str(ROOT), db=str(path))],
                            stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        with httpx.Client(base_url=url, timeout=120) as c:
            from makini_cli.sandbox.seed import sandbox_credentials

            cid, secret = sandbox_credentials(42)
            adm = c.post("/link/token", json={"grant_type": "client_credentials",
                                              "client_id": cid, "client_secret": secret})
            tok = c.post(f"/api/system/connections/{key}/token", headers={
                "Authorization": f"Bearer {adm.json()['access_token']}"}).json()["data"]
            h = {"Authorization": f"Bearer {tok['access_token']}"}
            t = time.perf_counter()
            items, page = read_all(c, "/api/erp/purchase-orders", h, per_page)
            export_s = time.perf_counter() - t
            t = time.perf_counter()
            for params in ({"filter[totalGrossValue:gt]": "20000", "per_page": per_page},
                           {"sort[totalGrossValue]": "1", "per_page": per_page},
                           {"filter[updatedAt:gteq]": "2025-01-01", "per_page": per_page},
                           {"page": max(1, page - 1), "per_page": per_page}):
                c.get("/api/erp/purchase-orders", headers=h, params=params).raise_for_status()
            query_s = time.perf_counter() - t
            t, all_items, lists = time.perf_counter(), 0, list_paths()
            for list_path in lists:
                all_items += read_all(c, list_path, h, per_page)[0]
            all_s = time.perf_counter() - t
        rss = peak_rss_kb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if rss is None:
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"items": items, "pages": page, "export_s": export_s,
            "items_per_s": items / export_s if export_s else float("inf"),
            "queries_s": query_s, "peak_rss_mb": rss / 1024, "lists": len(lists),
            "all_items": all_items, "all_per_s": all_items / all_s if all_s else float("inf")}


def first_run(runs: int) -> tuple[float, float]:
    """Median seconds of `makini --sandbox connections status` on a fresh folder (the embedded
    sandbox seeds its file first) and on a warm one, interleaved so load affects both alike."""
    import statistics

    def once(folder: str) -> float:
        env = dict(os.environ, MAKINI_CONFIG_DIR=folder)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "makini_cli", "--sandbox", "connections", "status",
                        "-o", "json"], env=env, capture_output=True, cwd=ROOT)
        return time.perf_counter() - t

    fresh, warm = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "warm")
        once(folder)
        for i in range(runs):
            fresh.append(once(os.path.join(tmp, f"fresh{i}")))
            warm.append(once(folder))
    return statistics.median(fresh), statistics.median(warm)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=10_000, help="purchase orders, small run")
    ap.add_argument("--big", type=int, default=200_000, help="purchase orders, big run")
    ap.add_argument("--small-each", type=int, default=1_000,
                    help="records added to every growing entity, small run")
    ap.add_argument("--big-each", type=int, default=20_000,
                    help="records added to every growing entity, big run")
    ap.add_argument("--per-page", type=int, default=500)
    ap.add_argument("--first-runs", type=int, default=7,
                    help="runs of the first-run figure (fresh vs warm folder)")
    args = ap.parse_args()
    fresh, warm = first_run(args.first_runs)
    print(f"first run: `makini --sandbox connections status` {fresh * 1000:.0f} ms on a fresh "
          f"folder, {warm * 1000:.0f} ms on a warm one (medians of {args.first_runs})", flush=True)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, n, each in (("small", args.small, args.small_each),
                               ("big", args.big, args.big_each)):
            path = Path(tmp) / f"{label}.sqlite3"
            key, seed_s = build(path, n, each)
            r = measure(path, key, args.per_page)
            r.update(n=n, each=each, seed_s=seed_s, db_mb=path.stat().st_size / 1e6)
            results[label] = r
            print(f"{label:>5}: {n:>7} POs + {each:>6} per growing entity on one connection | "
                  f"seed {seed_s:6.1f} s | db {r['db_mb']:7.1f} MB | peak RSS "
                  f"{r['peak_rss_mb']:6.1f} MB | POs {r['items']} in {r['pages']} pages at "
                  f"{r['items_per_s']:8.0f} items/s | 4 queries {r['queries_s']:.2f} s | "
                  f"{r['lists']} lists, {r['all_items']} items at {r['all_per_s']:8.0f} items/s",
                  flush=True)
            os.sync() if hasattr(os, "sync") else None
    s, b = results["small"], results["big"]
    sys.path.insert(0, os.path.dirname(__file__))
    from _timing import print_table

    print_table([
        ("`makini --sandbox connections status`: fresh vs warm folder", f"{fresh * 1000:.0f}ms",
         f"{warm * 1000:.0f}ms", fresh / warm, 1.5),
        (f"sandbox peak RSS, every entity: {b['n']:,}+{b['each']:,}/entity vs "
         f"{s['n']:,}+{s['each']:,}", f"{b['peak_rss_mb']:.1f}MB", f"{s['peak_rss_mb']:.1f}MB",
         b["peak_rss_mb"] / s["peak_rss_mb"], 1.2),
        (f"sandbox list, 500-item pages: POs/s {s['n']:,} vs {b['n']:,}",
         f"{b['items_per_s']:,.0f}/s", f"{s['items_per_s']:,.0f}/s",
         s["items_per_s"] / b["items_per_s"], 1.5),
        ("sandbox list, every entity's pages: items/s small vs big",
         f"{b['all_per_s']:,.0f}/s", f"{s['all_per_s']:,.0f}/s",
         s["all_per_s"] / b["all_per_s"], 1.5),
    ])
    print(f"ratio big/small: data x{b['n'] / s['n']:.0f}, peak RSS x"
          f"{b['peak_rss_mb'] / s['peak_rss_mb']:.2f}, throughput (items/s) x"
          f"{b['items_per_s'] / s['items_per_s']:.2f}")


if __name__ == "__main__":
    main()
