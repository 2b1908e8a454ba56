"""`po export --output FILE --resume`: a killed, interrupted or failed export continues with no
duplicate and no missing order, and rows added meanwhile are exported exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from makini_cli.export import describe, partial_paths
from tests.purchase_orders.conftest import ndjson

PO_PATH = "/api/erp/purchase-orders"


def start_export(served, out: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, **served.env}
    return subprocess.Popen([sys.executable, "-m", "makini_cli", "po", "export", "-c", served.healthy,
                             "-O", str(out), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def wait_for_progress(proc: subprocess.Popen, out: Path, orders: int) -> None:
    """Until the checkpoint shows at least `orders` written (a guard, not a timed assertion)."""
    deadline = time.monotonic() + 60
    while (describe(out) or {}).get("orders", 0) < orders:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the export made no progress"
        time.sleep(0.02)


def reference(run_cli, served, tmp_path: Path, *args: str) -> bytes:
    ref = tmp_path / "reference.out"
    r = run_cli("po", "export", "-c", served.healthy, "-O", str(ref), *args, env=served.env)
    assert r.code == 0, r
    return ref.read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_resume_after_sigkill_equals_an_uninterrupted_export(served, run_cli, tmp_path, fmt):
    out = tmp_path / f"orders.{fmt}"
    args = ("-o", fmt, "--per-page", "4")
    served.knobs(latency_ms=120)  # slow pages, so the process dies mid-way
    proc = start_export(served, out, *args)
    wait_for_progress(proc, out, 12)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial, checkpoint = partial_paths(out)
    assert not out.exists() and partial.exists() and checkpoint.exists()
    with open(partial, "ab") as fh:  # as if it died half-way through writing a page
        fh.write(b'40000100009999,"half a row')
    served.knobs(latency_ms=0)
    served.grow(served.healthy, 6)  # orders added while it was down land at the end
    r = run_cli("po", "export", "-c", served.healthy, "-O", str(out), *args, "--resume", env=served.env)
    assert r.code == 0, r
    assert "from the interrupted run" in r.stderr
    assert not partial.exists() and not checkpoint.exists()
    assert out.read_bytes() == reference(run_cli, served, tmp_path, *args)


def test_ctrl_c_exits_130_keeps_the_partial_and_resume_finishes(served, run_cli, tmp_path):
    out = tmp_path / "orders.ndjson"
    served.knobs(latency_ms=120)
    proc = start_export(served, out, "--per-page", "5")
    wait_for_progress(proc, out, 10)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"--resume" in err and not out.exists()
    served.knobs(latency_ms=0)
    r = run_cli("po", "export", "-c", served.healthy, "-O", str(out), "--per-page", "5", "--resume",
                env=served.env)
    assert r.code == 0, r
    got = ndjson(out.read_text())
    assert [o["key"] for o in got] == [o["key"] for o in served.orders(served.healthy)]


def test_a_network_failure_mid_export_then_resume(cli, served, tmp_path):
    out = tmp_path / "orders.ndjson"
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH, "after": 3,
                                                    "times": None, "fault": "status", "status": 404})
    r = cli("po", "export", "-c", served.healthy, "-O", str(out), "--per-page", "6", env=served.env)
    assert r.code == 1 and not out.exists()
    # pages 1-3 arrive, page 4 fails; with pages fetched ahead, the failure may arrive before
    # page 3 does, and the export stops at the first failure: whole pages only, in order
    written = describe(out)["orders"]
    assert written in (6, 12, 18)
    served.admin("DELETE", "/_sandbox/faults")
    r = cli("po", "export", "-c", served.healthy, "-O", str(out), "--per-page", "6", "--resume",
            env=served.env)
    assert r.code == 0, r
    assert ndjson(out.read_text()) == served.orders(served.healthy)


def test_resume_with_other_options_is_refused(cli, served, tmp_path):
    out = tmp_path / "orders.ndjson"
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH, "after": 1,
                                                    "times": 1, "fault": "status", "status": 404})
    assert cli("po", "export", "-c", served.healthy, "-O", str(out), "--per-page", "5",
               env=served.env).code == 1
    r = cli("po", "export", "-c", served.healthy, "-O", str(out), "--per-page", "7", "--resume",
            env=served.env)
    assert r.code == 2 and "other options" in r.stderr
    # without --resume it refuses to throw the unfinished export away; --restart starts over
    r = cli("po", "export", "-c", served.healthy, "-O", str(out), "--per-page", "7", env=served.env)
    assert r.code == 2 and "unfinished export (5 orders so far" in r.stderr
    assert "--resume" in r.stderr and "--restart" in r.stderr and not out.exists()
    r = cli("po", "export", "-c", served.healthy, "-O", str(out), "--per-page", "7", "--restart",
            env=served.env)
    assert r.code == 0 and len(ndjson(out.read_text())) == len(served.orders(served.healthy))
    assert "discarded the unfinished export" in r.stderr and "(5 orders)" in r.stderr


def test_resume_refuses_when_the_rows_before_the_checkpoint_moved(cli, served, tmp_path):
    out = tmp_path / "orders.ndjson"
    args = ("--sort", "updatedAt:desc", "--per-page", "5")
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH, "after": 2,
                                                    "times": 1, "fault": "status", "status": 404})
    assert cli("po", "export", "-c", served.healthy, "-O", str(out), *args, env=served.env).code == 1
    oldest = served.orders(served.healthy)[0]["key"]  # last in this sort, not yet exported
    assert cli("po", "update", oldest, "-c", served.healthy, "--file", "-", input='{"notes": "moved"}',
               env=served.env).code == 0  # now the most recently updated: first in this sort
    r = cli("po", "export", "-c", served.healthy, "-O", str(out), *args, "--resume", env=served.env)
    assert r.code == 1 and "cannot resume" in r.stderr and "--restart" in r.stderr
    assert "with --resume to continue" not in r.stderr


@pytest.mark.parametrize("grow_at, prefetch", [(1, 3), (2, 1)])
def test_rows_added_while_the_export_runs_are_exported_once(served, tmp_path, grow_at, prefetch):
    """In-process engine over real HTTP: orders appended after the first page is read."""
    from makini_cli.api.auth import Auth, MemoryCache
    from makini_cli.api.client import MakiniClient
    from makini_cli.api.http import Http
    from makini_cli.export import FileSink, Plan, Source, run

    out = tmp_path / "orders.ndjson"

    async def go():
        http = Http(served.base_url)
        client = MakiniClient(http, Auth(http, client_id=served.sandbox.client_id,
                                         client_secret=served.sandbox.client_secret, cache=MemoryCache()))
        fetch = client.fetcher(PO_PATH, connection=served.healthy, per_page=10)

        async def fetch_and_grow(page: int):
            body = await fetch(page)
            if page == grow_at:  # after this page was read, before the later ones are
                await asyncio.to_thread(served.grow, served.healthy, 15)
            return body

        try:
            return await run(Plan([Source("c", fetch_and_grow)], prefetch=prefetch), FileSink(out))
        finally:
            await client.aclose()

    result = asyncio.run(go())
    keys = [o["key"] for o in ndjson(out.read_text())]
    assert result.orders == len(keys) == 55
    assert keys == [o["key"] for o in served.orders(served.healthy)]
