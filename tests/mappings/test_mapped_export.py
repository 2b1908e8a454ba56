"""`po export` / `po list` with `--mapping FILE`, and `mappings preview`: the mapped columns,
in the file's order, with exactly the values the API sent."""

from __future__ import annotations

import csv
import io
import json

SAP, MAXIMO = "SAP S/4HANA", "IBM Maximo"

MAPPING = """\
entity = "purchase-orders"

[columns.order_number]
field = "orderNo"

[columns.city]
field = "shipmentAddress.city"
default = "unknown"

[columns.line]
field = "lineItems[].lineNo"

[columns.price]
field = "lineItems[].price"

[columns.order_total]
field = "totalGrossValue"

[columns.source]
const = "makini"

[columns.cost_center]
custom = "ZZ_COST_CENTER"
default = "none"
"""


def write(tmp_path, text: str, name: str = "mapping.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def expected_rows(records: list[dict], city: str = "shipmentAddress") -> list[dict]:
    return [{"order_number": o["orderNo"], "city": o[city]["city"], "line": li["lineNo"],
             "price": li["price"], "order_total": o["totalGrossValue"], "source": "makini",
             "cost_center": o.get("ZZ_COST_CENTER", "none")}
            for o in records for li in o["lineItems"]]


def test_csv_export_with_a_mapping_yields_the_mapped_columns_with_exact_values(sbx, tmp_path):
    conn = sbx.id(SAP)
    r = sbx("po", "export", "-c", conn, "--format", "csv", "--mapping", write(tmp_path, MAPPING))
    assert r.code == 0, r
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert r.stdout.splitlines()[0] == "order_number,city,line,price,order_total,source,cost_center"
    assert rows == expected_rows(sbx.records(conn))
    assert any(row["price"].endswith("0") for row in rows)  # trailing zeros kept: 12.30 stays 12.30


def test_ndjson_export_keeps_decimal_strings_and_applies_defaults(sbx, tmp_path):
    conn = sbx.id(MAXIMO)  # Maximo has no ZZ_COST_CENTER: the default fills it
    r = sbx("po", "export", "-c", conn, "--mapping", write(tmp_path, MAPPING))
    assert r.code == 0, r
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows == expected_rows(sbx.records(conn))
    assert all(isinstance(row["price"], str) and row["cost_center"] == "none" for row in rows)


def test_a_connection_override_applies_to_that_connection_only(sbx, tmp_path):
    sap, maximo = sbx.id(SAP), sbx.id(MAXIMO)
    text = MAPPING + f'\n[connections."{sap}".columns.city]\nfield = "billingAddress.city"\n'
    path = write(tmp_path, text)
    r = sbx("po", "export", "-c", sap, "-c", maximo, "--format", "csv", "--mapping", path)
    assert r.code == 0, r
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["connection", "order_number", "city", "line", "price", "order_total",
                             "source", "cost_center"]
    got_sap = [{k: v for k, v in row.items() if k != "connection"} for row in rows if row["connection"] == sap]
    got_maximo = [{k: v for k, v in row.items() if k != "connection"} for row in rows if row["connection"] == maximo]
    assert got_sap == expected_rows(sbx.records(sap), city="billingAddress")
    assert got_maximo == expected_rows(sbx.records(maximo))


def test_export_with_a_typo_in_the_mapping_is_refused_before_any_output(sbx, tmp_path):
    path = write(tmp_path, MAPPING.replace('"orderNo"', '"orderNum"'))
    out = tmp_path / "orders.csv"
    r = sbx("po", "export", "-c", sbx.id(SAP), "--format", "csv", "-O", str(out), "--mapping", path)
    assert r.code == 2
    assert f"{path}:4: unknown field 'orderNum' (did you mean 'orderNo'?)" in r.stderr
    assert r.stdout == "" and not out.exists()


def test_a_mapping_that_expands_lines_refuses_no_lines(sbx, tmp_path):
    r = sbx("po", "export", "-c", sbx.id(SAP), "--no-lines", "--mapping", write(tmp_path, MAPPING))
    assert r.code == 2 and "--no-lines" in r.stderr


def test_a_mapping_for_another_entity_is_refused(sbx, tmp_path):
    path = write(tmp_path, 'entity = "vendors"\n[columns.name]\nfield = "name"\n')
    r = sbx("po", "list", "-c", sbx.id(SAP), "--mapping", path)
    assert r.code == 2 and "maps vendors, not purchase-orders" in r.stderr


def test_po_list_with_a_header_only_mapping_gives_one_row_per_order(sbx, tmp_path):
    conn = sbx.id(SAP)
    path = write(tmp_path, '[columns.no]\nfield = "orderNo"\n[columns.net]\nfield = "totalNetValue"\n'
                           '[columns.cc]\ncustom = "ZZ_COST_CENTER"\n')
    r = sbx("po", "list", "-c", conn, "-L", "5", "--mapping", path, "-o", "json")
    assert r.code == 0, r
    records = sbx.records(conn)[:5]
    assert r.json() == [{"no": o["orderNo"], "net": o["totalNetValue"], "cc": o["ZZ_COST_CENTER"]}
                        for o in records]


def test_preview_shows_source_values_and_mapped_rows(sbx, tmp_path):
    conn = sbx.id(SAP)
    r = sbx("mappings", "preview", write(tmp_path, MAPPING), "-c", conn, "--sample", "2", "-o", "json")
    assert r.code == 0, r
    items = r.json()
    records = sbx.records(conn)[:2]
    assert [i["key"] for i in items] == [o["key"] for o in records]
    first = items[0]
    assert first["before"]["orderNo"] == records[0]["orderNo"]
    assert first["before"]["lineItems[].price"] == [li["price"] for li in records[0]["lineItems"]]
    assert first["before"]["ZZ_COST_CENTER"] == records[0]["ZZ_COST_CENTER"]
    assert first["after"] == expected_rows(records[:1])
