"""The pure rules behind the fleet commands: --deep verdicts, chat notices, timelines and sorting."""

from __future__ import annotations

from makini_cli.connections import deep, health, selection, timeline
from makini_cli.connections.notifier import escape, notice, plain, sign


def probes(**kinds) -> list[dict]:
    names = ("purchase-orders", "work-orders", "assets", "vendors", "sites", "raw-tables")
    return [{"probe": n, "label": n.replace("-", " "), "ok": n not in kinds, "kind": kinds.get(n),
             "status": {"forbidden": 403, "unreachable": 503, "auth": 401, "rate_limit": 429}.get(kinds.get(n))}
            for n in names]


HEALTHY = health.Health("healthy", "last sync finished 5m ago")


def test_some_failing_entity_types_make_a_healthy_connection_degraded():
    h = deep.verdict(HEALTHY, probes(**{"purchase-orders": "forbidden"}))
    assert h.state == "degraded" and "purchase orders (forbidden, HTTP 403)" in h.reason and "5 of 6" in h.reason


def test_every_entity_type_failing_says_what_kind_of_failure_it_is():
    all_down = {n: "unreachable" for n in ("purchase-orders", "work-orders", "assets", "vendors", "sites", "raw-tables")}
    assert deep.verdict(HEALTHY, probes(**all_down)).state == "unreachable"
    all_auth = dict.fromkeys(all_down, "auth")
    assert deep.verdict(HEALTHY, probes(**all_auth)).state == "needs_reauth"
    assert deep.verdict(HEALTHY, probes(**dict.fromkeys(all_down, "forbidden"))).state == "degraded"


def test_rate_limits_and_other_verdicts_are_left_alone():
    assert deep.verdict(HEALTHY, probes(vendors="rate_limit")).state == "healthy"
    stale = health.Health("stale", "old")
    assert deep.verdict(stale, probes(vendors="forbidden")) is stale
    assert deep.failures(probes(vendors="forbidden")) == [
        {"probe": "vendors", "kind": "forbidden", "status": 403, "code": None, "request_id": None}]


def test_a_notice_text_escapes_names_and_bounds_untrusted_text():
    row = {"id": "1", "name": "A<b>&c", "system": "X>", "health": "error", "reason": "r" * 1000}
    body = notice(row, previous="healthy", previous_since=1000.0, at=1000.0 + 7200, failing=True, profile="prod")
    assert body["text"].startswith("\U0001F534 makini: A&lt;b&gt;&amp;c (1, X&gt;) is now *error* (was healthy for 2h): ")
    assert len(body["text"]) < 600 and body["text"].endswith("…")
    assert body["name"] == "A<b>&c" and body["profile"] == "prod" and body["previous_since"] == "1970-01-01T00:16:40Z"
    assert plain("a\x1b[2Jb\u2028c", 10) == "a\ufffd[2Jb\ufffdc" and escape("<&>") == "&lt;&amp;&gt;"


def test_signatures_cover_the_time_and_the_exact_body():
    assert sign(b"k", b'{"a":1}', 1700000000) == sign(b"k", b'{"a":1}', 1700000000)
    assert sign(b"k", b'{"a":1}', 1700000000) != sign(b"k", b'{"a": 1}', 1700000000)
    assert sign(b"k", b"x", 1).startswith("t=1,v1=") and sign(b"k", b"x", 1) != sign(b"k", b"x", 2)


def test_timeline_cells_keep_the_worst_state_and_blank_where_nothing_was_checked():
    transitions = [{"at": 100.0, "state": "healthy", "previous": "unknown"},
                   {"at": 250.0, "state": "unreachable", "previous": "healthy"},
                   {"at": 260.0, "state": "healthy", "previous": "unreachable"}]
    spans = timeline.intervals(transitions, 390.0, 0.0, 400.0)
    assert spans == [("healthy", 100.0, 250.0), ("unreachable", 250.0, 260.0), ("healthy", 260.0, 390.0)]
    assert timeline.outages(spans) == [(250.0, 260.0)]
    assert timeline.cells(spans, [], 0.0, 400.0, 100.0) == [None, "healthy", "unreachable", "healthy"]


def test_a_report_of_one_check_has_no_share_yet():
    current = {"id": "a", "state": "healthy", "since": 50.0, "last_check": 50.0}
    row = timeline.report(current, [{"at": 50.0, "state": "healthy", "previous": "unknown"}], start=0, end=100,
                          bucket="hour")
    assert row["share"] == {} and row["uptime"] is None and row["incidents"] == 0
    assert row["timeline"]["cells"] == ["healthy"]


def test_sorting_is_stable_and_unknown_ages_go_last():
    rows = [{"id": "b", "name": "Zed", "health": "healthy", "age_seconds": None, "system": "SAP"},
            {"id": "a", "name": "amy", "health": "error", "age_seconds": 10, "system": "maximo"},
            {"id": "c", "name": "Bob", "health": "unreachable", "age_seconds": 500, "system": "SAP"}]
    assert [r["id"] for r in selection.sort_rows(rows, None, terminal=False)] == ["a", "b", "c"]
    assert [r["id"] for r in selection.sort_rows(rows, None, terminal=True)] == ["c", "a", "b"]
    assert [r["id"] for r in selection.sort_rows(rows, "name", terminal=False)] == ["a", "c", "b"]
    assert [r["id"] for r in selection.sort_rows(rows, "age", terminal=False)] == ["c", "a", "b"]
    assert [r["id"] for r in selection.sort_rows(rows, "system", terminal=False)] == ["a", "c", "b"]
