"""Paging that ends: a server whose pages do not advance, cycle, or never end makes every list
command stop with one clear error naming the endpoint (exit 1), instead of looping; what a
command holds in memory is bounded, with a hint to the streaming forms.

Each test would hang (or grow without bound) without the guard: the hang guard (`timeout=`) only
turns such a hang into a failure, it is not a timing check.
"""

from __future__ import annotations

import json

import pytest

from tests.hostile import servers
from tests.hostile.conftest import error_of

HANG_GUARD = 60
PO_PATH = "/api/erp/purchase-orders"


def test_connections_list_stops_when_the_server_ignores_page(hostile, run_cli):
    app = servers.RepeatingPages()
    r = run_cli("connections", "list", env=hostile(app), timeout=HANG_GUARD)
    assert r.code == 1 and r.stdout == ""
    err = error_of(r)
    assert err["code"] == "paging_broken"
    assert err["message"] == ("the server answered page 1 when asked for page 2 of "
                              "GET /api/system/connections: it does not follow `page`")
    assert "makini stopped reading rather than loop" in err["hint"]
    assert app.pages_asked[:2] == [1, 2] and len(app.pages_asked) <= 3  # page 3 at most prefetched


def test_a_page_that_repeats_records_while_claiming_to_advance_is_caught(hostile, run_cli):
    r = run_cli("connections", "list", env=hostile(servers.RepeatingPages(echo_page=True)),
                timeout=HANG_GUARD)
    assert r.code == 1 and r.stdout == ""
    assert error_of(r)["message"] == ("page 2 of GET /api/system/connections holds the same records "
                                      "as page 1: the pages do not advance")


def test_an_a_b_a_cycle_is_caught_by_the_page_fingerprints(hostile, run_cli):
    app = servers.CyclingPages()
    r = run_cli("po", "list", "--all", "-o", "ndjson", env=hostile(app), timeout=HANG_GUARD)
    assert r.code == 1
    keys = [json.loads(line)["key"] for line in r.stdout.splitlines()]
    assert keys == ["A-0", "A-1", "A-2", "B-0", "B-1", "B-2"]  # streamed as they came, none twice
    assert error_of(r)["message"] == (f"page 3 of GET {PO_PATH} holds the same records as page 1: "
                                      "the pages do not advance")


def test_po_export_writes_each_order_once_then_stops_resumably(hostile, run_cli, tmp_path):
    target = tmp_path / "orders.ndjson"
    app = servers.CyclingPages()
    r = run_cli("po", "export", "-c", "00000100433001", "-O", str(target), env=hostile(app),
                timeout=HANG_GUARD)
    assert r.code == 1
    err = error_of(r)
    assert err["code"] == "paging_broken"
    assert err["message"] == (f"page 3 of GET {PO_PATH} (00000100433001) holds the same records as "
                              "page 1: the pages do not advance")
    assert err["hint"].startswith("6 orders so far are kept; rerun the same command with --resume")
    assert not target.exists()  # the target never appears partial


def test_api_paginate_streams_the_pages_it_trusts_and_stops_at_the_repeat(hostile, run_cli):
    r = run_cli("api", "GET", PO_PATH, "--paginate",
                env=hostile(servers.RepeatingPages(echo_page=True)), timeout=HANG_GUARD)
    assert r.code == 1
    assert [json.loads(line)["key"] for line in r.stdout.splitlines()] == ["A-0", "A-1", "A-2"]
    assert error_of(r)["message"] == (f"page 2 of GET {PO_PATH} holds the same records as page 1: "
                                      "the pages do not advance")


def test_an_endless_last_page_is_checked_against_meta_total(hostile, run_cli):
    app = servers.EndlessPages(total=30)
    r = run_cli("connections", "list", "-o", "json", env=hostile(app), timeout=HANG_GUARD)
    assert r.code == 1 and r.stdout == ""
    assert error_of(r)["message"] == ("GET /api/system/connections sent 33 records by page 11, more "
                                      "than the 30 its `meta.total` claims: its pages do not add up")


def test_an_endless_list_without_total_is_bounded_in_memory(hostile, cli, monkeypatch):
    from makini_cli import errors

    monkeypatch.setattr(errors, "MAX_ROWS_IN_MEMORY", 40)
    app = servers.EndlessPages(total=None, per_page=3)
    r = cli("connections", "list", env=hostile(app))
    assert r.code == 1 and r.stdout == ""
    err = error_of(r)
    assert err["code"] == "too_many_rows"
    assert err["message"] == ("GET /api/system/connections has more than 40 records, more than makini "
                              "holds in memory to show at once")
    assert err["hint"] == ("narrow the list, or write it as it arrives: "
                           "`makini api GET /api/system/connections --paginate` (NDJSON)")
    assert len(app.pages_asked) <= 16  # 14 pages of 3 make 42 records; a prefetch or two more


def test_the_streaming_form_is_not_bounded(hostile, cli, monkeypatch):
    from makini_cli import errors

    monkeypatch.setattr(errors, "MAX_ROWS_IN_MEMORY", 4)
    app = servers.EndlessPages(total=12, per_page=3)
    r = cli("api", "GET", PO_PATH, "--paginate", env=hostile(app))
    # 12 records stream out, past the in-memory bound; then `meta.total` stops the endless pages
    assert len(r.stdout.splitlines()) == 12
    assert r.code == 1 and error_of(r)["code"] == "paging_broken"


@pytest.mark.parametrize("fmt", ["table", "yaml"])
def test_a_collected_view_of_a_stream_is_bounded(fmt, monkeypatch):
    from makini_cli import errors
    from makini_cli.output import Output

    monkeypatch.setattr(errors, "MAX_ROWS_IN_MEMORY", 5)
    out = Output(fmt)
    with pytest.raises(errors.TooManyRows) as caught:
        out.emit_stream({"id": i} for i in range(6))
    assert caught.value.message == "more than 5 rows to hold in memory for a table, YAML or --query"
    assert caught.value.hint == "-o ndjson (or json, csv) writes the rows as they arrive, without this limit"


def test_a_list_that_honestly_ends_is_read_whole(served_sandbox, run_cli):
    """The guard costs nothing on a server that pages honestly (the sandbox, 40 orders in 14
    pages of 3: page fingerprints, current_page and total all check out)."""
    sb = served_sandbox
    conn = next(c["key"] for c in sb.sandbox.connections() if c.get("scenario", "healthy") == "healthy")
    env = {"MAKINI_BASE_URL": sb.base_url, "MAKINI_CLIENT_ID": sb.client_id,
           "MAKINI_CLIENT_SECRET": sb.client_secret}
    r = run_cli("api", "GET", PO_PATH, "-c", conn, "-f", "per_page=3", "--paginate", env=env)
    assert r.code == 0, r
    keys = [json.loads(line)["key"] for line in r.stdout.splitlines()]
    assert len(keys) == len(set(keys)) == 40
