"""One meaning per option (`-o` a format, `-O/--output-file` a file, `--format` a deprecated
alias), `po list --all` streaming as pages arrive, and a multi-connection export that says what
it skips and which connection is slow while it runs."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time

import pytest

from tests.pty_run import on_a_terminal
from tests.purchase_orders.conftest import ndjson

PO_PATH = "/api/erp/purchase-orders"
# the pages are read in a worker thread: nothing may escape it (it would print a traceback)
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


def test_output_csv_is_a_format_and_writes_no_file_named_csv(cli, ro, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = cli("po", "export", "-c", ro.healthy, "--output", "csv", "--no-lines", env=ro.env)
    assert r.code == 0, r
    assert r.stdout.startswith("key,siteKey,") and len(list(csv.DictReader(io.StringIO(r.stdout)))) == 40
    assert list(tmp_path.iterdir()) == []


def test_the_documented_form_writes_csv_to_the_output_file(cli, ro, tmp_path):
    out = tmp_path / "orders.csv"
    r = cli("po", "export", "-c", ro.healthy, "-o", "csv", "-O", str(out), "--no-lines", env=ro.env)
    assert r.code == 0, r
    assert r.stdout == ""
    assert r.stderr.startswith(f"exported 40 orders (40 rows) to {out}")
    again = tmp_path / "again.csv"
    r = cli("po", "export", "-c", ro.healthy, "-o", "csv", "--output-file", str(again), "--no-lines",
            env=ro.env)
    assert r.code == 0 and again.read_text() == out.read_text()


def test_format_still_works_but_says_it_is_deprecated(cli, ro):
    r = cli("po", "export", "-c", ro.healthy, "--format", "csv", "--no-lines", env=ro.env)
    assert r.code == 0 and r.stdout.startswith("key,siteKey,")
    assert "warning: --format is deprecated: use -o/--output csv" in r.stderr


def test_format_and_output_with_different_values_is_a_usage_error(cli, ro):
    r = cli("po", "export", "-c", ro.healthy, "--format", "json", "-o", "csv", env=ro.env)
    assert r.code == 2 and r.stdout == ""
    assert "-o csv and --format json disagree" in r.stderr
    r = cli("po", "export", "-c", ro.healthy, "--format", "csv", "-o", "csv", "--no-lines", env=ro.env)
    assert r.code == 0


def test_a_file_name_given_to_o_says_where_a_file_goes(cli, ro):
    r = cli("po", "export", "-c", ro.healthy, "-o", "x.csv", env=ro.env)
    assert r.code == 2 and r.stdout == ""
    assert "bad -o 'x.csv'" in r.stderr and "-O/--output-file" in r.stderr


def test_export_refuses_a_format_it_cannot_stream(cli, ro):
    r = cli("po", "export", "-c", ro.healthy, "-o", "yaml", env=ro.env)
    assert r.code == 2 and "po export writes ndjson, csv or json, not yaml" in r.stderr


# --- po list --all streams -------------------------------------------------------------------
def test_list_all_writes_the_first_order_before_the_last_page_is_served(served, tmp_path):
    # the third page takes 2.5 s: a list that held everything would print nothing before then
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH,
                                                    "after": 2, "times": 1, "fault": "slow",
                                                    "delay_ms": 2500})
    env = dict(os.environ, **served.env)
    served.grow(served.healthy, 1_000)  # 1,040 orders: three pages of 500
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", "po", "list", "-c", served.healthy,
                             "--all", "-o", "ndjson"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        started = time.monotonic()
        first = proc.stdout.readline()
        waited = time.monotonic() - started
        assert first.startswith(b'{"key":"'), first
        assert proc.poll() is None  # still running: the slow page is not served yet
        assert waited < 2.0
        rest = proc.stdout.read()
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        proc.kill()
    assert len([first, *rest.splitlines()]) == len(served.orders(served.healthy))


def test_list_all_piped_into_head_exits_141_without_a_traceback(ro):
    env = dict(os.environ, **ro.env)
    script = (f'"{sys.executable}" -m makini_cli po list -c {ro.healthy} --all -o ndjson | head -1; '
              'echo "status=${PIPESTATUS[0]}" >&2')
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert proc.stdout.count("\n") == 1 and proc.stdout.startswith('{"key":"')
    assert "status=141" in proc.stderr and "Traceback" not in proc.stderr


def test_a_failure_before_the_first_order_prints_no_data(cli, ro):
    for fmt in ("json", "ndjson", "csv"):
        r = cli("po", "list", "-c", "99999999999999", "--all", "-o", fmt, env=ro.env)
        assert r.code in (1, 4) and r.stdout == "", r  # not a lone `[` or a header
        assert "Traceback" not in r.stderr


def test_a_failure_mid_stream_keeps_what_was_written_whole(cli, served):
    served.grow(served.healthy, 1_000)
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH, "after": 1,
                                                    "times": None, "fault": "status", "status": 404})
    r = cli("po", "list", "-c", served.healthy, "--all", "-o", "ndjson", env=served.env)
    assert r.code == 1 and "Traceback" not in r.stderr
    assert [o["key"] for o in ndjson(r.stdout)] == [o["key"] for o in served.orders(served.healthy)[:500]]


def test_list_all_streams_every_format_with_the_same_orders(cli, ro):
    reference = ro.orders(ro.healthy)
    r = cli("po", "list", "-c", ro.healthy, "--all", "-o", "ndjson", env=ro.env)
    assert r.code == 0 and ndjson(r.stdout) == reference
    r = cli("po", "list", "-c", ro.healthy, "--all", "-o", "json", env=ro.env)
    assert r.code == 0 and r.json() == reference
    r = cli("po", "list", "-c", ro.healthy, "--all", "-o", "csv", env=ro.env)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert r.code == 0 and [row["key"] for row in rows] == [o["key"] for o in reference]
    assert rows[0]["vendor"] and not rows[0]["vendor"].isdigit()  # names, looked up first
    r = cli("po", "list", "-c", ro.healthy, "-L", "7", "-o", "ndjson", env=ro.env)
    assert r.code == 0 and ndjson(r.stdout) == reference[:7]


def test_list_all_shows_progress_on_a_terminal_with_thousands_separators(served, tmp_path):
    served.grow(served.healthy, 1_200)  # 1,240 orders: the count needs a separator
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH,
                                                    "after": 1, "times": 1, "fault": "slow",
                                                    "delay_ms": 1500})
    out = tmp_path / "orders.ndjson"
    # stdout to a file, stderr on a terminal: the bar belongs on stderr only
    with open(out, "wb") as fh:
        code, screen = on_a_terminal(["po", "list", "-c", served.healthy, "--all", "-o", "ndjson"],
                                     served.env, columns=200, stdout=fh)
    assert code == 0
    assert "listing" in screen and "/1,240" in screen
    assert len(ndjson(out.read_text())) == 1_240


# --- several connections: said as it happens ---------------------------------------------------
def _broken(served) -> str:
    offline = next(c["key"] for c in served.sandbox.connections() if c["scenario"] == "offline")
    served.admin("POST", f"/_sandbox/connections/{offline}/scenario", json={"scenario": "forbidden"})
    return offline


def test_a_skipped_connection_is_reported_while_the_export_still_runs(served, tmp_path):
    broken = _broken(served)
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH,
                                                    "connection": served.healthy, "after": 1,
                                                    "times": 1, "fault": "slow", "delay_ms": 2000})
    out = tmp_path / "two.ndjson"
    env = dict(os.environ, **served.env)
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", "po", "export", "-c", served.healthy,
                             "-c", broken, "--skip-failed", "--per-page", "10", "-O", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        line = proc.stderr.readline().decode()
        assert line.startswith(f"warning: connection {broken} skipped: "), line
        assert proc.poll() is None  # the healthy connection's slow page is still on its way
        rest = proc.stderr.read().decode()
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
    last = rest.splitlines()[-1]
    assert last.startswith("exported 40 orders") and f"; 1 connection skipped ({broken})" in last
    assert rest.count("skipped: ") == 0  # said once, when it happened


def test_a_slow_connection_is_named_while_the_others_go_on(cli, served, tmp_path):
    other = next(c["key"] for c in served.sandbox.connections()
                 if c["scenario"] == "healthy" and c["key"] != served.healthy)
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH,
                                                    "connection": served.healthy, "after": 1,
                                                    "times": 1, "fault": "slow", "delay_ms": 2500})
    out = tmp_path / "two.ndjson"
    r = cli("po", "export", "-c", served.healthy, "-c", other, "--per-page", "10", "--slow-after", "1",
            "-O", str(out), env=served.env)
    assert r.code == 0, r
    slow = [line for line in r.stderr.splitlines() if line.startswith(f"connection {served.healthy} is slow: ")]
    assert len(slow) == 1, r.stderr  # said once, while it waited
    assert slow[0].startswith(f"connection {served.healthy} is slow: no page for ") and "orders so far)" in slow[0]
    assert len(ndjson(out.read_text())) == 80


def test_ctrl_c_while_list_all_streams_exits_130_quietly(served):
    import signal

    served.grow(served.healthy, 1_000)
    served.admin("POST", "/_sandbox/faults", json={"method": "GET", "path_prefix": PO_PATH, "after": 1,
                                                    "times": None, "fault": "slow", "delay_ms": 30_000})
    env = dict(os.environ, **served.env)
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", "po", "list", "-c", served.healthy, "--all",
                             "-o", "ndjson"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert proc.stdout.readline().startswith(b'{"key":"')  # the first page is out; the second hangs
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
