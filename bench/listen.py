"""Benchmark `makini webhooks listen`: deliveries per second and listener CPU per delivery, and
what a rejection costs against a valid delivery, in the same run.

Starts the listener (uvicorn, in a child process, with signature checks, the delivery log and
an on_event that writes one JSON line as the CLI does), then sends N signed deliveries
concurrently from other processes, then N badly signed ones (the same small bodies, a
well-formed wrong signature: what the diagnosis used to run ~30 HMACs for), then N unsigned
60 KB posts (what used to evict the accepted deliveries from the log), and reports each rate, the
listener's CPU seconds per request (from /proc; Linux), the ratio of the valid rate to each
rejection rate, and how many accepted deliveries the log still holds after the floods.

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


# kind -> (the status the listener must answer, the valid kind of the same size it compares with)
KINDS = {
    "valid": (200, None),
    "valid-60k": (200, None),
    "bad-signature": (401, "valid"),
    "bad-signature-60k": (401, "valid-60k"),
    "unsigned-60k": (401, "valid-60k"),
}
REJECTED = [k for k, (_, baseline) in KINDS.items() if baseline]
PAD = 60_000  # bytes: under the 64 KB up to which a bad signature used to be fully diagnosed


def requests_of(kind: str, count: int) -> list[tuple[bytes, dict]]:
    from makini_cli.webhooks import catalog
    from makini_cli.webhooks.signing import sign

    out = []
    for _ in range(count):
        body = catalog.encode("assets.updated", [catalog.make_key()])
        headers = {"Content-Type": "application/json"}
        if kind.endswith("-60k"):  # the size an attacker would pick to fill a log
            body = body[:-1] + b',"pad":"' + b"x" * PAD + b'"}'
        if kind.startswith("valid"):
            headers["X-Webhook-Signature"] = sign(body, SECRET)
        elif kind.startswith("bad-signature"):
            headers["X-Webhook-Signature"] = sign(body, "not-" + SECRET)
        out.append((body, headers))
    return out


def send(url: str, count: int, concurrency: int, client: str, kind: str, start, results) -> None:
    requests = requests_of(kind, count)
    run = send_raw if client == "raw" else send_httpx
    results.put(asyncio.run(run(url, requests, concurrency, start, KINDS[kind][0])))


async def send_raw(url: str, requests, concurrency: int, start, expect: int) -> tuple[int, int]:
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
            if status_line.split(b" ", 2)[1] == str(expect).encode():
                ok += 1
            else:
                failed += 1
        writer.close()

    start.wait()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok, failed


async def send_httpx(url: str, requests, concurrency: int, start, expect: int) -> tuple[int, int]:
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
                    ok += r.status_code == expect
                    failed += r.status_code != expect
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
    phases: dict[str, tuple[int, int, float, float]] = {}
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MAKINI_CONFIG_DIR": home, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, __file__, "--serve", str(port), "--http", args.http]
        cmd += ["--no-log"] if args.no_log else []
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        log_path = Path(home) / "state" / "webhook-deliveries.jsonl"
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), 0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            for kind in KINDS:
                phases[kind] = phase(url, kind, args, child.pid)
                if kind == "valid-60k":  # the last valid phase: the log as the floods find it
                    accepted_logged = count_accepted(log_path)
            accepted_after = count_accepted(log_path)
        finally:
            child.terminate()
            child.wait(10)
    import uvicorn

    ok, failed, elapsed, cpu = phases["valid"]
    print(f"deliveries: {ok} ok, {failed} failed, in {elapsed:.2f} s ({args.senders} {args.client} "
          f"sender(s) x {args.concurrency} connections; uvicorn {uvicorn.__version__}, "
          f"http={args.http}, {os.cpu_count()} CPUs)")
    print(f"throughput: {ok / elapsed:,.0f} deliveries/s")
    print(f"listener CPU: {cpu:.2f} s, {cpu / max(ok, 1) * 1e6:,.0f} us per delivery "
          f"({ok / cpu if cpu else float('inf'):,.0f} deliveries per CPU-second)")
    for kind in list(KINDS)[1:]:
        r_ok, r_failed, r_elapsed, r_cpu = phases[kind]
        print(f"{kind}: {r_ok} answered {KINDS[kind][0]}, {r_failed} otherwise, in {r_elapsed:.2f} s "
              f"({r_ok / r_elapsed:,.0f}/s; {r_cpu / max(r_ok, 1) * 1e6:,.0f} us CPU each)")
    if args.no_log:
        print("delivery log: off")
    else:
        print(f"accepted deliveries in the log: {accepted_logged} after the valid phases, "
              f"{accepted_after} after {sum(phases[k][0] for k in REJECTED)} rejections")
    sys.path.insert(0, os.path.dirname(__file__))
    from _timing import print_table

    rate = ok / elapsed
    rows = [(f"listener verified deliveries/s (target >= 1,000)", f"{rate:,.0f}/s", "1,000/s", 1000 / rate, 1.0),
            (f"listener CPU per delivery (1 ms = 1,000/s per core)", f"{cpu / max(ok, 1) * 1e6:,.0f}us",
             "1,000us", cpu / max(ok, 1) * 1e6 / 1000, 1.0)]
    for kind in REJECTED:
        baseline = KINDS[kind][1]
        b_ok, _, b_elapsed, _ = phases[baseline]
        b_rate = b_ok / b_elapsed
        r_ok, _, r_elapsed, _ = phases[kind]
        r_rate = r_ok / r_elapsed
        rows.append((f"rejections/s ({kind}) vs {baseline} deliveries/s", f"{r_rate:,.0f}/s",
                     f"{b_rate:,.0f}/s", b_rate / max(r_rate, 1e-9), 1.5))
    if not args.no_log:
        rows.append(("accepted deliveries lost from the log by the floods", f"{accepted_logged - accepted_after}",
                     f"{accepted_logged}", (accepted_logged - accepted_after) / max(accepted_logged, 1), 0.0))
    print_table(rows)


def phase(url: str, kind: str, args, pid: int) -> tuple[int, int, float, float]:
    """Send N requests of one kind from the sender processes: (ok, failed, seconds, CPU seconds)."""
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    share = [args.deliveries // args.senders] * args.senders
    share[0] += args.deliveries - sum(share)
    senders = [ctx.Process(target=send, args=(url, n, args.concurrency, args.client, kind,
                                              start, results)) for n in share]
    for p in senders:
        p.start()
    time.sleep(1.5)  # let senders import and pre-sign before the clock starts
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    start.set()
    totals = [results.get() for _ in senders]
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds(pid) - cpu0
    for p in senders:
        p.join()
    return sum(t[0] for t in totals), sum(t[1] for t in totals), elapsed, cpu


def count_accepted(log_path: Path) -> int:
    """Accepted (200) listener entries in the delivery log and its rotation."""
    count = 0
    for path in (log_path.with_name(log_path.name + ".1"), log_path):
        if path.exists():
            with open(path, "rb") as fh:
                count += sum(1 for line in fh if b'"status_code":200' in line)
    return count


if __name__ == "__main__":
    main()
