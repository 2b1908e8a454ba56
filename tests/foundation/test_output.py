"""Output formats off a TTY: JSON by default, every format on request, exact decimals, --query."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import yaml

from makini_cli.output import Column, Output

ROWS = [{"id": "1", "total": Decimal("1234.5600"), "tags": ["a", "b"], "addr": {"city": "Oslo"}},
        {"id": "2", "total": Decimal("0.10"), "tags": [], "addr": None}]


class Tty(io.StringIO):
    def isatty(self):
        return True


def render(fmt, data=ROWS, query=None, columns=None, stdout=None):
    out = stdout or io.StringIO()
    Output(fmt, query=query, stdout=out, stderr=io.StringIO()).emit(data, columns=columns)
    return out.getvalue()


def test_json_is_the_default_when_piped_and_keeps_decimal_digits():
    text = render(None)
    assert json.loads(text)[0]["total"] == "1234.5600"


def test_table_is_the_default_on_a_terminal():
    out = Tty()
    o = Output(None, stdout=out, stderr=io.StringIO())
    assert o.format == "table"


def test_ndjson_has_one_object_per_line():
    lines = render("ndjson").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["1", "2"]


def test_csv_round_trips_through_the_csv_module_with_nested_values_as_json():
    rows = list(csv.DictReader(io.StringIO(render("csv"))))
    assert rows[0]["total"] == "1234.5600"
    assert json.loads(rows[0]["addr"]) == {"city": "Oslo"}
    assert rows[1]["addr"] == ""


def test_yaml_parses_back_to_the_json_form():
    assert yaml.safe_load(render("yaml")) == json.loads(render("json"))


def test_query_applies_jmespath_to_the_json_form():
    assert json.loads(render("json", query="[?id=='2'].total")) == ["0.10"]


def test_piped_tables_are_never_truncated():
    long = "x" * 500
    text = render("table", [{"id": "1", "name": long}], columns=[Column("id"), Column("name")])
    assert long in text


def test_empty_list_renders_as_empty_json_array():
    assert json.loads(render("json", [])) == []


def test_stream_writes_ndjson_and_json_incrementally():
    out = io.StringIO()
    n = Output("json", stdout=out, stderr=io.StringIO()).emit_stream(iter(ROWS))
    assert n == 2 and json.loads(out.getvalue())[1]["id"] == "2"
    out = io.StringIO()
    Output("json", stdout=out, stderr=io.StringIO()).emit_stream(iter([]))
    assert json.loads(out.getvalue()) == []


def test_errors_are_json_on_stderr_in_json_mode():
    err = io.StringIO()
    Output("json", stdout=io.StringIO(), stderr=err).error({"code": "not_found", "message": "nope", "request_id": "r1"})
    assert json.loads(err.getvalue()) == {"error": {"code": "not_found", "message": "nope", "request_id": "r1"}}


def test_bad_query_is_a_usage_error(cli):
    r = cli("config", "list", "--query", "[?", "-o", "json")
    assert r.code == 2 and "bad --query" in r.stderr


def test_bad_output_format_is_a_usage_error(cli):
    r = cli("-o", "xml", "config", "list")
    assert r.code == 2 and "Traceback" not in r.stderr
