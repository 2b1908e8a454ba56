"""Pipes and formats: a profile's `output` is for the terminal, errors are JSON only for programs,
-o is case-insensitive and checked per command, --columns picks fields, query lists become CSV
columns, YAML quotes id-like strings, and --csv-safe neutralises spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from makini_cli.output import FORMAT_COMMANDS, FORMATS
from makini_cli.output.formats import listing
from tests.output.conftest import FORMULA


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


# --- -o ------------------------------------------------------------------------------------------
def test_o_is_case_insensitive_and_a_bad_value_is_repeated_with_the_choices(cli):
    assert isinstance(cli("-o", "JSON", "config", "list").json(), list)
    assert isinstance(cli("config", "list", "-o", " Yaml").stdout, str)
    r = cli("config", "list", "-o", "xml")
    assert r.code == 2 and r.stdout == ""
    assert "bad -o 'xml': expected one of table, wide, json, ndjson, csv, yaml, openmetrics" in r.stderr
    r = cli("config", "list", env={"MAKINI_OUTPUT": "CSV"})
    assert r.code == 0 and r.stdout.startswith("key,value,source")


@pytest.mark.parametrize("fmt, command", [("wide", ["config", "path"]), ("wide", ["auth", "token"]),
                                          ("openmetrics", ["connections", "list"]),
                                          ("openmetrics", ["po", "list"])])
def test_wide_and_openmetrics_elsewhere_exit_2_naming_the_commands_that_take_them(cli, fmt, command):
    r = cli(*command, "-o", fmt)
    assert r.code == 2 and r.stdout == ""
    message = json.loads(r.stderr)["error"]["message"]
    assert message.startswith(f"`makini {' '.join(command).replace('po ', 'purchase-orders ')}` does not take -o {fmt}")
    assert message.endswith(f"it is taken by: {listing(fmt)}")
    assert "connections list, get, status" in listing("wide") and "syncs status" in listing("wide")
    assert listing("openmetrics") == "connections status, watch; syncs status"


def test_the_registry_names_real_commands_and_every_table_command_takes_wide(cli, hostile):
    from makini_cli.app import register
    import typer

    root = typer.main.get_command(register(full=True))
    missing = []
    for fmt, commands in FORMAT_COMMANDS.items():
        for path in commands:
            group, verb = path.split(" ")
            if verb not in getattr(root.commands.get(group), "commands", {}) and \
                    path not in ("connections watch", "connections history"):  # (the fleet engineer's)
                missing.append(path)
    assert not missing
    r = cli("connections", "list", "-o", "wide", env=hostile.env)
    assert r.code == 0 and "ID" in r.stdout and "TAGS" in r.stdout


def test_openmetrics_is_accepted_by_connections_status(cli, hostile):
    r = cli("connections", "status", hostile.healthy, "-o", "OpenMetrics", env=hostile.env)
    assert r.code == 0, r


def test_completion_of_o_offers_the_format_names(config_dir):
    env = dict(os.environ, _MAKINI_COMPLETE="complete_bash", COMP_WORDS="makini -o ", COMP_CWORD="2")
    out = subprocess.run([sys.executable, "-m", "makini_cli"], env=env, capture_output=True, text=True).stdout
    assert out.split() == list(FORMATS)
    env.update(COMP_WORDS="makini --output w")
    out = subprocess.run([sys.executable, "-m", "makini_cli"], env=env, capture_output=True, text=True).stdout
    assert out.split() == ["wide"]


# --- a profile's output is for the terminal ------------------------------------------------------
def test_a_profiles_table_output_applies_on_a_terminal_and_a_pipe_still_gets_json(cli, tty, config_dir):
    (config_dir / "config.toml").write_text('[profiles.default]\noutput = "table"\n')
    piped = cli("config", "list")
    assert piped.code == 0 and json.loads(piped.stdout)[0]["key"] == "base_url"  # `| jq` works
    screen = tty("config", "list", columns=120)
    assert screen.code == 0 and screen.lines[0].split()[:3] == ["KEY", "VALUE", "SOURCE"]
    assert cli("config", "list", env={"MAKINI_OUTPUT": "table"}).stdout.startswith("KEY")  # the environment is explicit
    assert cli("config", "list", "-o", "csv").stdout.startswith("key,value")


def test_a_profiles_wide_output_gives_way_where_a_command_draws_no_table(tty, config_dir):
    (config_dir / "config.toml").write_text('[profiles.default]\noutput = "wide"\n')
    screen = tty("config", "path", columns=100)
    assert screen.code == 0 and "config" in screen.text


# --- errors: JSON for programs, lines for people ------------------------------------------------
def test_with_no_o_an_error_is_readable_on_a_terminal_while_stdout_is_piped(tty, hostile):
    screen = tty("connections", "get", "99999999999999", columns=100, stdout_tty=False, env=hostile.env)
    assert screen.code == 1 and screen.stdout == ""
    assert screen.lines[0].startswith("error: no connection '99999999999999'")
    assert any(line.startswith("hint: ") for line in screen.lines)


def test_with_no_o_an_error_is_json_when_stderr_is_piped(cli, hostile):
    r = cli("connections", "get", "99999999999999", env=hostile.env)
    assert r.code == 1 and json.loads(r.stderr)["error"]["code"] == "not_found"


@pytest.mark.parametrize("how", [["-o", "json"], ["-o", "NDJSON"], ["env"]])
def test_an_explicit_json_format_gives_json_errors_even_on_a_terminal(tty, hostile, how):
    env = dict(hostile.env)
    args = ["connections", "get", "99999999999999"]
    if how == ["env"]:
        env["MAKINI_OUTPUT"] = "ndjson"
    else:
        args += how
    screen = tty(*args, columns=300, stdout_tty=False, env=env)
    assert screen.code == 1
    assert json.loads(screen.lines[0])["error"]["message"] == "no connection '99999999999999' in this application"


def test_any_other_explicit_format_gives_readable_errors_even_in_a_pipe(cli, hostile):
    r = cli("connections", "get", "99999999999999", "-o", "csv", env=hostile.env)
    assert r.code == 1 and r.stderr.startswith("error: no connection") and "\nhint: " in r.stderr


# --- shapes: query lists, YAML, durations --------------------------------------------------------
def test_csv_of_a_query_that_yields_lists_has_one_column_per_field(cli, hostile):
    r = cli("connections", "list", "--query", "[].[id, name, last_error.message]", "-o", "csv", env=hostile.env)
    rows = rows_of(r.stdout)
    assert r.stdout.splitlines()[0] == "id,name,message"
    assert rows[0]["id"] == "00000100433001" and rows[0]["name"] == "Nordwerk Maschinenbau GmbH"
    r = cli("connections", "list", "--query", "[].id", "-o", "csv", env=hostile.env)
    assert r.stdout.splitlines()[:2] == ["id", "00000100433001"]
    r = cli("connections", "list", "--query", "[].[id, length(tags)]", "-o", "csv", env=hostile.env)
    assert r.stdout.splitlines()[:2] == ["value1,value2", "00000100433001,2"]
    r = cli("connections", "list", "--query", "[].[id, status]", "-o", "table", env=hostile.env)
    assert r.stdout.splitlines()[0].split() == ["ID", "STATUS"]


def test_yaml_quotes_every_id_like_string_so_no_yaml_reader_turns_it_into_a_number(cli, hostile):
    text = cli("connections", "list", "-o", "yaml", env=hostile.env).stdout
    assert "id: '00000297333035'" in text and "id: 00000297333035" not in text
    data = yaml.safe_load(text)
    assert data[1]["id"] == "00000297333035"
    from makini_cli.output.data import yaml_dump

    quoted = yaml_dump({"a": "1e3", "b": "0x1F", "c": "on", "d": "12:30", "e": "1_000", "f": "Acme 7"})
    assert quoted.splitlines() == ["a: '1e3'", "b: '0x1F'", "c: 'on'", "d: '12:30'", "e: '1_000'", "f: Acme 7"]


def test_webhooks_test_table_shows_durations_in_ms(cli, serve, tmp_path):
    from makini_cli.webhooks.listener import create_app

    secret = tmp_path / "secret.txt"
    secret.write_text("whsec_fmt")
    server = serve(create_app(secret="whsec_fmt", log=False))
    r = cli("webhooks", "test", server.base_url + "/", "--secret-file", str(secret), "-e", "assets.updated",
            "-o", "table")
    assert r.code == 0, r
    header, _rule, *lines = r.stdout.splitlines()
    at = header.index("TIME")
    times = [line[at - 4:at + 4].strip() for line in lines if line.strip()]
    assert times and all(re.fullmatch(r"\d+ ms|\d+\.\d s", t) for t in times), times
    assert json.loads(cli("webhooks", "logs", "-o", "json").stdout)[0]["duration_ms"] >= 0  # JSON keeps the number


# --- --columns -------------------------------------------------------------------------------------
def test_columns_choose_table_and_csv_columns_and_json_keys_in_the_order_given(cli, tty, hostile):
    env = hostile.env
    r = cli("connections", "status", "--all", "--fail-on", "none", "--columns", "id,health,name", "-o", "csv", env=env)
    assert r.stdout.splitlines()[0] == "id,health,name"
    r = cli("connections", "status", "--all", "--fail-on", "none", "--columns", "id,health", env=env)
    assert all(list(row) == ["id", "health"] for row in r.json())
    screen = tty("connections", "status", "--all", "--fail-on", "none", "--columns", "id,LAST SYNC,hint",
                 columns=200, env=env)
    assert screen.lines[0].split() == ["ID", "LAST", "SYNC", "HINT"]
    r = cli("connections", "get", hostile.healthy, "--columns", "id,status", env=env)
    assert r.json() == {"id": hostile.healthy, "status": "Active"}


def test_unknown_column_names_are_listed_with_the_fields_there_are(cli, hostile):
    r = cli("connections", "list", "--columns", "id,nmae,helth", "-o", "csv", env=hostile.env)
    assert r.code == 2 and r.stdout == ""
    assert "unknown fields for --columns: nmae, helth" in r.stderr and "name" in r.stderr


def test_po_list_columns_may_name_any_field_of_the_order(cli, hostile):
    r = cli("po", "list", "-c", hostile.healthy, "--columns", "key,vendor,title", "-o", "csv", env=hostile.env)
    assert r.code == 0 and r.stdout.splitlines()[0] == "key,vendor,title"


# --- CSV for spreadsheets ------------------------------------------------------------------------
def test_csv_is_exact_by_default_and_csv_safe_neutralises_formulas_but_not_numbers(cli, hostile):
    exact = {r["id"]: r for r in rows_of(cli("connections", "list", "-o", "csv", env=hostile.env).stdout)}
    assert exact[hostile.formula]["name"] == FORMULA and exact[hostile.formula]["tags"] == "-2+3, @SUM(A1)"
    for args, env in ((["--csv-safe"], {}), ([], {"MAKINI_CSV_SAFE": "1"})):
        safe = {r["id"]: r for r in rows_of(cli("connections", "list", "-o", "csv", *args,
                                                env={**hostile.env, **env}).stdout)}
        assert safe[hostile.formula]["name"] == "'" + FORMULA
        assert safe[hostile.formula]["tags"] == "'-2+3, @SUM(A1)"
        assert safe[hostile.healthy]["name"] == exact[hostile.healthy]["name"]
    from makini_cli.output import csv_safe

    assert [csv_safe(v) for v in ("-12.50", "+3", "-1e5", "\tx", "\rx", "@x", "a=b", None)] == \
        ["-12.50", "+3", "-1e5", "'\tx", "'\rx", "'@x", "a=b", None]


def test_po_export_csv_safe_neutralises_formulas_in_the_export(cli, hostile, tmp_path):
    env = hostile.env
    plain = rows_of(cli("po", "export", "-c", hostile.healthy, "--format", "csv", env=env).stdout)
    r = cli("po", "export", "-c", hostile.healthy, "--format", "csv", "--csv-safe", "-O", str(tmp_path / "x.csv"),
            env=env)
    assert r.code == 0, r
    safe = rows_of((tmp_path / "x.csv").read_text())
    [before] = [row for row in plain if row["title"] == FORMULA]
    [after] = [row for row in safe if row["key"] == before["key"]]
    assert after["title"] == "'" + FORMULA and after["line.code"] == "'@X"
    assert after["notes"] == "'+1 555 0100" and after["line.price"] == before["line.price"] == "-2.50"
    assert len(safe) == len(plain) and [r["key"] for r in safe] == [r["key"] for r in plain]


def test_table_headers_are_styled_one_way_everywhere(tty, hostile):
    views = {("connections", "list"): "ID", ("mappings", "fields", "purchase-orders"): "FIELD",
             ("mappings", "show", "purchase-orders", "-c", hostile.healthy): "FIELD",
             ("po", "get", hostile.order["key"], "-c", hostile.healthy, "--lines"): "LINE",
             ("webhooks", "events"): "EVENT"}
    for args, first in views.items():
        screen = tty(*args, columns=160, env=hostile.env)
        assert screen.code == 0, (args, screen.text)
        header = next(line for line in screen.lines if line.lstrip("│ ").startswith(first + " "))
        words = header.strip("│ ").split()
        assert words == [w.upper() for w in words], (args, header)  # upper case
        assert f"\x1b[1m{first}" in screen.raw, args  # and bold
