"""Tables fit the terminal: rendered on pseudo-terminals 60, 80 and 160 columns wide, no line is
wider than the terminal, and no id, key, amount, date, state or request id is split or cut; free
text shrinks with …, then columns are left out (lowest priority first) and one line says which."""

from __future__ import annotations

import csv
import io
import re

import pytest
from rich.cells import cell_len

WIDTHS = (60, 80, 160)
ID = re.compile(r"^\d{14}\b")


def fits(screen, width: int) -> None:
    # (the one line saying which columns were left out is a single line even when the terminal
    # has to fold it)
    too_wide = [line for line in screen.lines if cell_len(line) > width and not line.startswith("not shown: ")]
    assert not too_wide, f"wider than {width}: {too_wide[:3]}"


def shown_headers(screen, candidates: list[str]) -> set[str]:
    header = next(line for line in screen.lines if line.startswith(candidates[0]))
    return {h for h in candidates if re.search(rf"(^|  ){re.escape(h)}(  |$)", header.rstrip())}


def row_line(screen, first_cell: str) -> str:
    [line] = [line for line in screen.lines if line.startswith(first_cell + " ")]
    return line


def left_out_note(screen) -> str:
    notes = [line for line in screen.lines if line.startswith("not shown: ")]
    assert len(notes) <= 1
    return notes[0] if notes else ""


@pytest.mark.parametrize("width", WIDTHS)
def test_connections_status_is_one_line_per_connection_with_ids_and_states_whole(tty, cli, hostile, width):
    rows = cli("connections", "status", "--all", "-o", "json", env=hostile.env).json()
    screen = tty("connections", "status", "--all", "--fail-on", "none", columns=width, env=hostile.env)
    assert screen.code == 0
    fits(screen, width)
    headers = shown_headers(screen, ["ID", "NAME", "SYSTEM", "HEALTH", "SYNC", "LAST SYNC", "REASON"])
    table_lines = [line for line in screen.lines if ID.match(line) and "(" not in line.split("  ")[0]]
    assert len(table_lines) == len(rows)  # one line each, even the one whose name is 150 characters
    for row in rows:
        line = row_line(screen, row["id"])
        if "HEALTH" in headers:
            assert f"  {row['health']}" in line
        if "SYNC" in headers and row["sync_status"]:
            assert f"  {row['sync_status']}" in line
    assert "…" in screen.text  # the long names shrank
    note = left_out_note(screen)
    missing = {"ID", "NAME", "SYSTEM", "HEALTH", "SYNC", "LAST SYNC", "REASON"} - headers
    assert all(h in note for h in missing) and bool(note) == bool(missing)
    if width >= 80:
        assert {"ID", "NAME", "HEALTH", "REASON"} <= headers
    if width == 160:
        assert not missing


@pytest.mark.parametrize("width", WIDTHS)
def test_po_list_never_cuts_order_numbers_keys_amounts_or_dates(tty, cli, hostile, width):
    env = hostile.env
    rows = list(csv.DictReader(io.StringIO(cli("po", "list", "-c", hostile.healthy, "-o", "csv", env=env).stdout)))
    screen = tty("po", "list", "-c", hostile.healthy, columns=width, env=env)
    assert screen.code == 0
    fits(screen, width)
    names = {"ORDER": "orderNo", "STATUS": "status", "ORDERED": "orderDate", "DUE": "dueAt", "CUR": "currencyKey",
             "NET": "totalNetValue", "GROSS": "totalGrossValue", "KEY": "key"}
    headers = shown_headers(screen, ["ORDER", "VENDOR", *names])
    assert {"ORDER", "STATUS", "GROSS"} <= headers
    for row in rows:
        cells = re.split(r"\s{2,}", row_line(screen, row["orderNo"]).strip())
        for header, field in names.items():
            if header in headers and row[field]:
                whole = row[field][:10] if header in ("ORDERED", "DUE") else row[field]  # dates: the day
                assert whole in cells, (header, row[field], cells)


@pytest.mark.parametrize("width", WIDTHS)
def test_doctor_keeps_request_ids_whole_and_wraps_its_prose_at_word_boundaries(tty, cli, hostile, width):
    report = cli("connections", "doctor", hostile.reauth, "-o", "json", env=hostile.env).json()
    screen = tty("connections", "doctor", hostile.reauth, columns=width, env=hostile.env)
    assert screen.code == 3
    table = screen.text[:screen.text.index("Conclusion:")]
    assert all(cell_len(line) <= width for line in table.splitlines())
    lengths = {len(p["request_id"]) for p in report["probes"] if p.get("request_id")}
    shown = re.findall(r"\breq_\w*…?", table)  # (each run makes its own requests: new ids)
    assert shown and {len(i) for i in shown} == lengths  # whole, never cut
    words = report["conclusion"]["summary"].split()
    start = next(i for i, line in enumerate(screen.lines) if line.startswith("Conclusion:"))
    prose = " ".join(screen.lines[start:start + 12]).split()
    assert words == prose[1:len(words) + 1]  # every word whole, in order: wrapped between words


def test_o_wide_shows_every_column_however_narrow_the_terminal(tty, hostile):
    screen = tty("connections", "status", "--all", "--fail-on", "none", "-o", "wide", columns=60, env=hostile.env)
    assert screen.code == 0
    assert shown_headers(screen, ["ID", "NAME", "SYSTEM", "HEALTH", "SYNC", "LAST SYNC", "REASON"]) == \
        {"ID", "NAME", "SYSTEM", "HEALTH", "SYNC", "LAST SYNC", "REASON"}
    assert "…" not in screen.text and not left_out_note(screen)
    assert max(cell_len(line) for line in screen.lines) > 60


def test_a_piped_table_is_never_shrunk(cli, hostile):
    r = cli("connections", "status", "--all", "--fail-on", "none", "-o", "table", env=hostile.env)
    assert r.code == 0 and "…" not in r.stdout and "left out" not in r.stderr
    assert "[link=https://evil.example/]CLICK[/link]" in r.stdout


@pytest.mark.parametrize("width", (60, 160))
def test_the_heat_map_splits_into_tables_that_fit_and_draws_the_custom_field_rule(tty, hostile, width):
    screen = tty("mappings", "compare", "purchase-orders", "--all", columns=width, env=hostile.env)
    assert screen.code == 1  # some connections cannot be sampled: said, and exit 1
    fits(screen, width)
    count = len(hostile.sandbox.connections())
    headers = [line for line in screen.lines if line.startswith("FIELD ")]
    numbers = [int(n) for line in headers for n in line.split()[1:]]
    assert numbers == list(range(1, count + 1))  # every connection, once, in order
    legend = [line for line in screen.lines if re.match(r"^ ?\d+ \d{14}", line)]
    assert len(legend) == count
    if width == 60:
        assert len(headers) > 1
        assert any(line.startswith(f"{count} connections in {len(headers)} tables of up to ")
                   and line.endswith(", to fit 60 columns") for line in screen.lines)
    else:
        assert len(headers) == 1
    rules = [n for n, line in enumerate(screen.lines) if set(line.strip()) == {"─"}]
    assert len(rules) == 2 * len(headers)  # under each header, and above the custom fields
    for rule in rules[1::2]:
        assert not screen.lines[rule + 1].startswith(("key ", "orderNo "))
    assert "Rows below the line are fields beyond the unified model" in screen.text
