"""Benchmark `makini webhooks listen`: deliveries per second and listener CPU per delivery.

Starts the listener (uvicorn, in a child process, with signature checks, the delivery log and
an on_event that writes one JSON line as the CLI does), then sends N signed deliveries
concurrently from other processes with httpx, and reports throughput and the listener's CPU
seconds per delivery (from /proc; Linux).

    python bench/listen.py -n 5000 -c 8 --senders 2 [--client raw] [--http h11|httptools]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "whsec_bench"


def serve(port: int, log: bool, http: str) -> None:
    import uvicorn

    from makini_cli.webhooks import listener

    out = sys.stdout

    async def on_event(event, body, headers) -> None:
        out.write(json.dumps(event, separators=(",", ":")) + "\n")

    app = listener.create_app(secret=SECRET, on_event=on_event, log=True if log else None)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                http=http)


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(url: str, count: int, concurrency: int, client: str, start, results) -> None:
    from makini_cli.webhooks import catalog
    from makini_cli.webhooks.signing import sign

    bodies = [catalog.encode("assets.updated", [catalog.make_key()]) for _ in range(count)]
    requests = [(b, {"Content-Type": "application/json", "X-Webhook-Signature": sign(b, SECRET)})
                for b in bodies]
    run = send_raw if client == "raw" else send_httpx
    results.put(asyncio.run(run(url, requests, concurrency, start)))


async def send_raw(url: str, requests, concurrency: int, start) -> tuple[int, int]:
    """A minimal keep-alive HTTP/1.1 client on asyncio streams: far less CPU per request than
    httpx, so the listener, not the sender, is what gets measured."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port, path = parts.hostname, parts.port, parts.path or "/"
    it = iter(requests)
    ok = failed = 0

    async def worker() -> None:
        nonlocal ok, failed
        reader, writer = await asyncio.open_connection(host, port)
        for body, headers in it:
            head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{head}"
                         f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if status_line.split(b" ", 2)[1] == b"200":
                ok += 1
            else:
                failed += 1
        writer.close()

    start.wait()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok, failed


async def send_httpx(url: str, requests, concurrency: int, start) -> tuple[int, int]:
    import httpx

    ok = failed = 0
    it = iter(requests)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30, trust_env=False) as client:

        async def worker() -> None:
            nonlocal ok, failed
            for body, headers in it:
                try:
                    r = await client.post(url, content=body, headers=headers)
                    ok += r.status_code == 200
                    failed += r.status_code != 200
                except httpx.HTTPError:
                    failed += 1

        start.wait()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--deliveries", type=int, default=5000)
    parser.add_argument("-c", "--concurrency", type=int, default=8, help="connections per sender")
    parser.add_argument("--senders", type=int, default=2, help="sender processes")
    parser.add_argument("--client", choices=("httpx", "raw"), default="raw",
                        help="sender: httpx, or a minimal asyncio client (cheaper per request, "
                        "so it measures the listener rather than the sender)")
    parser.add_argument("--http", choices=("auto", "h11", "httptools"), default="auto",
                        help="uvicorn's HTTP implementation (httptools needs uvicorn[standard])")
    parser.add_argument("--no-log", action="store_true", help="do not write the delivery log")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, not args.no_log, args.http)
        return

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MAKINI_CONFIG_DIR": home, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, __file__, "--serve", str(port), "--http", args.http]
        cmd += ["--no-log"] if args.no_log else []
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), 0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            ctx = multiprocessing.get_context("spawn")
            start, results = ctx.Event(), ctx.Queue()
            share = [args.deliveries // args.senders] * args.senders
            share[0] += args.deliveries - sum(share)
            senders = [ctx.Process(target=send, args=(url, n, args.concurrency, args.client,
                                                      start, results)) for n in share]
            for p in senders:
                p.start()
            time.sleep(1.5)  # let senders import and pre-sign before the clock starts
            cpu0, t0 = cpu_seconds(child.pid), time.perf_counter()
            start.set()
            totals = [results.get() for _ in senders]
            elapsed = time.perf_counter() - t0
            cpu = cpu_seconds(child.pid) - cpu0
            for p in senders:
                p.join()
            log_lines = 0
            log_path = Path(home) / "state" / "webhook-deliveries.jsonl"
            if log_path.exists():
                log_lines = log_path.read_bytes().count(b"\n")
        finally:
            child.terminate()
            child.wait(10)
    ok = sum(t[0] for t in totals)
    failed = sum(t[1] for t in totals)
    import uvicorn

    print(f"deliveries: {ok} ok, {failed} failed, in {elapsed:.2f} s ({args.senders} {args.client} "
          f"sender(s) x {args.concurrency} connections; uvicorn {uvicorn.__version__}, "
          f"http={args.http}, {os.cpu_count()} CPUs)")
    print(f"throughput: {ok / elapsed:,.0f} deliveries/s")
    print(f"listener CPU: {cpu:.2f} s, {cpu / max(ok, 1) * 1e6:,.0f} us per delivery "
          f"({ok / cpu if cpu else float('inf'):,.0f} deliveries per CPU-second)")
    print(f"delivery log lines: {log_lines}" + (" (log off)" if args.no_log else ""))
    sys.path.insert(0, os.path.dirname(__file__))
    from _timing import print_table

    rate = ok / elapsed
    print_table([(f"listener verified deliveries/s (target >= 1,000)", f"{rate:,.0f}/s", "1,000/s", 1000 / rate, 1.0),
                 (f"listener CPU per delivery (1 ms = 1,000/s per core)", f"{cpu / max(ok, 1) * 1e6:,.0f}us",
                  "1,000us", cpu / max(ok, 1) * 1e6 / 1000, 1.0)])


if __name__ == "__main__":
    main()
