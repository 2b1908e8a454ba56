#!/usr/bin/env python3
"""Start-up time: a script may call makini thousands of times.

Medians over interleaved runs, in one run of this script:
- `makini --version` against `python -c pass`              (target: at most 2.5x)
- `makini --help` against `python -c "import typer"`       (target: at most 1.5x)
- `makini config path` (a trivial command) against the same (target: at most 1.2x)
- `makini connections list` against a served sandbox, token cached, against the floor of any
  Typer + httpx tool making the same request: a script that imports typer and httpx (without
  httpx's own command-line client) and sends the same GET with an `httpx.AsyncClient` under
  `asyncio.run`                                           (target: at most 1.5x)

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


# The floor: what any Typer + httpx tool pays to make makini's request (imports, event loop,
# one GET, JSON decode). httpx._main is blocked as makini blocks it.
FLOOR = """
import sys
sys.modules['httpx._main'] = None
import asyncio, json, os
import typer, httpx

async def main():
    async with httpx.AsyncClient(base_url=os.environ['BENCH_BASE_URL'], timeout=30) as client:
        r = await client.get('/api/system/connections', params={'page': 1, 'per_page': 100},
                             headers={'Authorization': 'Bearer ' + os.environ['BENCH_TOKEN']})
        json.loads(r.content)

asyncio.run(main())
"""


def measure_api_command(runs: int) -> tuple[str, str, str, float, float]:
    import subprocess
    from pathlib import Path

    import httpx

    import makini_cli.sandbox.server as server
    from makini_cli.sandbox.app import create_app

    with tempfile.TemporaryDirectory(prefix="makini-bench-") as tmp:
        app = create_app(Path(tmp) / "sandbox.sqlite3", pos_per_connection=0)
        sb = app.state.sandbox
        with server.ServerThread(app) as srv:
            token = httpx.post(srv.base_url + "/link/token", json={
                "grant_type": "client_credentials", "client_id": sb.client_id,
                "client_secret": sb.client_secret}).json()
            token = token.get("data", token)
            env = {k: v for k, v in os.environ.items() if not k.startswith("MAKINI_")}
            env.update(MAKINI_CONFIG_DIR=str(Path(tmp) / "home"), MAKINI_BASE_URL=srv.base_url,
                       MAKINI_CLIENT_ID=sb.client_id, MAKINI_CLIENT_SECRET=sb.client_secret,
                       BENCH_BASE_URL=srv.base_url,
                       BENCH_TOKEN=token.get("access_token") or token.get("token"))
            cmd = makini_exe() + ["connections", "list", "-o", "json"]
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)  # caches the token
            ma, mb, ratio = paired(cmd, [sys.executable, "-c", FLOOR], runs=runs, env=env)
    return ("makini connections list (served sandbox) vs typer+httpx GET",
            f"{ma * 1000:.1f} ms", f"{mb * 1000:.1f} ms", ratio, 1.5)


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
    rows.append(measure_api_command(runs))
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
