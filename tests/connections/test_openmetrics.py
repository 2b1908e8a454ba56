"""`-o openmetrics`: valid OpenMetrics text (parsed with prometheus_client's own parser), label
values escaped, ready for node_exporter's textfile collector with `-O FILE` written atomically."""

from __future__ import annotations

import os
import stat

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from makini_cli.connections.openmetrics import render


def families(text: str) -> dict:
    return {f.name: f for f in text_string_to_metric_families(text)}


def test_status_as_openmetrics_has_the_four_families_labelled_by_id_name_and_system(sbx, cli):
    r = cli("connections", "status", "--all", "-o", "openmetrics", env=sbx.env)
    assert r.code == 3, r  # the exit code is the check's
    assert r.stdout.endswith("# EOF\n") and r.stderr == ""
    fams = families(r.stdout)
    assert set(fams) == {"makini_connection_up", "makini_connection_state",
                         "makini_connection_last_sync_timestamp_seconds", "makini_connection_check_duration_seconds"}
    assert all(f.type == "gauge" for f in fams.values())
    assert fams["makini_connection_last_sync_timestamp_seconds"].unit == "seconds"
    up = {s.labels["id"]: s for s in fams["makini_connection_up"].samples}
    healthy = up[sbx.ids["healthy"]]
    assert healthy.value == 1 and healthy.labels == {"id": sbx.ids["healthy"], "name": "Nordwerk Maschinenbau GmbH",
                                                     "system": "SAP S/4HANA"}
    assert up[sbx.ids["offline"]].value == 0
    state = [s for s in fams["makini_connection_state"].samples if s.labels["id"] == sbx.ids["needs_reauth"]]
    assert {s.labels["state"]: s.value for s in state if s.value == 1} == {"needs_reauth": 1}
    assert len(state) == 10  # every state, 0 or 1
    synced = {s.labels["id"]: s.value for s in fams["makini_connection_last_sync_timestamp_seconds"].samples}
    assert sbx.ids["pending"] not in synced  # never synced: no sample rather than a made-up time
    assert synced[sbx.ids["healthy"]] > 1.7e9
    assert all(s.value >= 0 for s in fams["makini_connection_check_duration_seconds"].samples)


def test_syncs_status_takes_openmetrics_and_the_health_filters_apply(sbx, cli):
    r = cli("syncs", "status", "--all", "--problems", "-o", "openmetrics", env=sbx.env)
    up = families(r.stdout)["makini_connection_up"].samples
    assert len(up) == 4 and {s.value for s in up} == {0}


def test_label_values_are_escaped_as_the_format_requires():
    rows = [{"id": "1", "name": 'Acme "Works"\\ \nLtd', "system": "S\u00e4ge", "health": "healthy",
             "last_sync": "2026-11-30T10:00:00Z", "check_seconds": 0.25}]
    text = render(rows)
    assert 'name="Acme \\"Works\\"\\\\ \\nLtd"' in text
    sample = families(text)["makini_connection_up"].samples[0]
    assert sample.labels["name"] == 'Acme "Works"\\ \nLtd' and sample.labels["system"] == "S\u00e4ge"
    assert families(text)["makini_connection_check_duration_seconds"].samples[0].value == 0.25
    assert families(text)["makini_connection_last_sync_timestamp_seconds"].samples[0].value == 1796032800  # 2026-11-30T10:00:00Z


def test_openmetrics_takes_neither_summary_nor_changes(sbx, cli):
    for extra in ("--summary", "--changes"):
        r = cli("connections", "status", "--all", "-o", "openmetrics", extra, env=sbx.env)
        assert r.code == 2 and "-o openmetrics describes every connection checked" in r.stderr


def test_output_file_is_written_atomically_for_the_textfile_collector(sbx, cli, tmp_path):
    target = tmp_path / "makini.prom"
    umask = os.umask(0o022)
    try:
        r = cli("connections", "status", "--all", "-o", "openmetrics", "-O", str(target), env=sbx.env)
    finally:
        os.umask(umask)
    assert r.code == 3 and r.stdout == "", r
    assert "makini_connection_up" in families(target.read_text())
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # node_exporter runs as another user
    assert [p.name for p in tmp_path.iterdir()] == ["makini.prom"]  # no temporary file left behind
    target.chmod(0o600)
    r = cli("connections", "status", "--all", "-o", "openmetrics", "-O", str(target), env=sbx.env)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # an existing file keeps its mode


def test_output_file_takes_every_format_and_json_by_default(sbx, cli, tmp_path):
    target = tmp_path / "status.json"
    r = cli("connections", "status", sbx.ids["healthy"], "--output-file", str(target), env=sbx.env)
    assert r.code == 0 and r.stdout == "", r
    import json

    assert json.loads(target.read_text())[0]["health"] == "healthy"
    r = cli("connections", "status", "--all", "--summary", "-o", "table", "-O", str(tmp_path / "s.txt"), env=sbx.env)
    assert (tmp_path / "s.txt").read_text().startswith("10 connections: ")


@pytest.mark.parametrize("where, message", [("missing/dir/x.prom", "no such folder"), ("", "needs a file name")])
def test_output_file_in_a_missing_folder_is_a_usage_error(sbx, cli, tmp_path, where, message):
    r = cli("connections", "status", "--all", "-O", str(tmp_path / where) if where else "", env=sbx.env)
    assert r.code == 2 and message in r.stderr, r
    assert not (tmp_path / "missing").exists()


def test_watch_rewrites_the_textfile_every_round(sbx, cli, tmp_path):
    target = tmp_path / "makini.prom"
    r = cli("connections", "watch", sbx.ids["healthy"], "--rounds", "2", "--interval", "100ms",
            "-o", "openmetrics", "-O", str(target), env=sbx.env)
    assert r.code == 0 and r.stdout == "", r
    [sample] = families(target.read_text())["makini_connection_up"].samples
    assert sample.value == 1
