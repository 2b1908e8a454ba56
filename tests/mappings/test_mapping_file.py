"""Mapping files: parsing, validation with file:line and suggestions, evaluation, diff."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from makini_cli.mappings import mapfile as mapping
from makini_cli.mappings.diff import diff
from makini_cli.mappings.parse import key_lines

GOOD = """\
# finance export
entity = "purchase-orders"
description = "Order lines for finance"

[columns.order_number]
field = "orderNo"

[columns.city]
field = ["deliveryAddress.city", "shipmentAddress.city"]
default = "unknown"

[columns.price]
field = "lineItems[].price"

[columns.source]
const = "makini"

[columns.cost_center]
custom = "ZZ_COST_CENTER"
default = "none"

[connections."09000207611898".columns.city]
field = "billingAddress.city"
"""

ORDER = {
    "key": "K1", "orderNo": "4500000001", "totalNetValue": Decimal("1234.50"),
    "deliveryAddress": {"city": "  "}, "shipmentAddress": {"city": "Hamburg"},
    "billingAddress": {"city": "Bonn"}, "ZZ_COST_CENTER": "CC-4101",
    "lineItems": [{"price": "39.590"}, {"price": Decimal("0.10")}],
}


def write(tmp_path, text: str, name: str = "m.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_good_file_loads_with_its_columns_in_file_order(tmp_path):
    m = mapping.load_mapping(write(tmp_path, GOOD))
    assert m.entity == "purchase-orders"
    assert m.names == ["order_number", "city", "price", "source", "cost_center"]
    assert m.expands == "lineItems"
    assert m.problems == []


def test_rows_expand_line_items_and_keep_values_exact(tmp_path):
    m = mapping.load_mapping(write(tmp_path, GOOD))
    rows = m.rows(ORDER, "other-connection")
    assert rows == [
        {"order_number": "4500000001", "city": "Hamburg", "price": "39.590", "source": "makini",
         "cost_center": "CC-4101"},
        {"order_number": "4500000001", "city": "Hamburg", "price": Decimal("0.10"), "source": "makini",
         "cost_center": "CC-4101"},
    ]
    assert str(rows[1]["price"]) == "0.10"  # the digits survive: no float anywhere


def test_a_connection_override_replaces_the_source_and_keeps_the_default(tmp_path):
    m = mapping.load_mapping(write(tmp_path, GOOD))
    assert m.rows(ORDER, "09000207611898")[0]["city"] == "Bonn"
    bare = {"orderNo": "1", "lineItems": []}
    assert m.rows(bare, "09000207611898")[0]["city"] == "unknown"


def test_an_order_without_line_items_keeps_one_row_with_defaults(tmp_path):
    m = mapping.load_mapping(write(tmp_path, GOOD))
    assert m.transform({"orderNo": "2"}) == [
        {"order_number": "2", "city": "unknown", "price": None, "source": "makini", "cost_center": "none"}]


def test_without_a_list_path_a_record_gives_one_dict(tmp_path):
    m = mapping.load_mapping(write(tmp_path, """\
        [columns.total]
        field = "totalNetValue"
        [columns.first_price]
        field = "lineItems[0].price"
        [columns.city]
        field = "shipmentAddress.city"
        """))
    assert m.entity == "purchase-orders"  # the default
    assert m.transform(ORDER) == {"total": Decimal("1234.50"), "first_price": "39.590", "city": "Hamburg"}


def test_custom_fields_nested_beyond_the_model_and_empty_objects(tmp_path):
    m = mapping.load_mapping(write(tmp_path, """\
        [columns.cost]
        custom = "lineItems[].cost"
        [columns.gln]
        custom = "shipmentAddress.gln"
        default = "-"
        [columns.billing]
        field = "billingAddress"
        default = "none"
        """))
    order = {"shipmentAddress": {"city": "Bonn", "gln": "4012345000009"},
             "billingAddress": {"city": None, "country": ""},
             "lineItems": [{"cost": "1.50"}, {"price": "2"}]}
    assert m.expands == "lineItems"
    assert m.rows(order) == [{"cost": "1.50", "gln": "4012345000009", "billing": "none"},
                             {"cost": None, "gln": "4012345000009", "billing": "none"}]
    _, problems = mapping.check(write(tmp_path, '[columns.x]\ncustom = "lineItem[].cost"\n', "bad.toml"))
    assert "'lineItem' is not a list of the unified model (did you mean 'lineItems'?)" in problems[0].message


def test_validate_refuses_a_typo_with_file_line_and_suggestion(tmp_path, cli):
    path = write(tmp_path, """\
        entity = "purchase-orders"

        [columns.vendor]
        field = "vendrKey"
        """)
    r = cli("mappings", "validate", str(path))
    assert r.code == 2
    assert f"{path}:4: unknown field 'vendrKey' (did you mean 'vendorKey'?)" in r.stderr.splitlines()
    assert r.json()["valid"] is False


def test_validate_reports_every_problem_at_its_line(tmp_path):
    path = write(tmp_path, """\
        entity = "purchase-orders"
        [columns.city]
        field = "shipmentAddress.cty"
        defualt = "x"
        [columns.price]
        field = "lineItems.price"
        [columns.both]
        field = "orderNo"
        const = 1
        [columns.dup]
        custom = "orderNo"
        [connections."123".columns.citty]
        field = "orderNo"
        [columns."a.b"]
        const = 1
        """)
    _, problems = mapping.check(path)
    got = [(p.line, p.severity, p.message) for p in problems]
    assert (3, "error", "unknown field 'shipmentAddress.cty' (did you mean 'shipmentAddress.city'?)") in got
    assert any(line == 4 and "unknown key 'defualt'" in msg and "did you mean 'default'" in msg
               for line, _, msg in got)
    assert (6, "error", "unknown field 'lineItems.price' (did you mean 'lineItems[].price'?)") in got
    assert any(line == 7 and "exactly one of field, custom or const (has field and const)" in msg
               for line, _, msg in got)
    assert (11, "warning", "'orderNo' is a unified field: use field = 'orderNo'") in got
    assert any(line == 12 and "which [columns] does not define (did you mean 'city'?)" in msg
               for line, _, msg in got)
    assert any(line == 14 and "without '.'" in msg for line, _, msg in got)


def test_an_unknown_entity_and_top_level_key_are_named(tmp_path):
    path = write(tmp_path, 'entity = "purchase-order"\ncolumns = {a = {const = 1}}\nconection = 1\n')
    _, problems = mapping.check(path)
    messages = [str(p) for p in problems]
    assert f"{path}:1: unknown entity 'purchase-order' (did you mean 'purchase-orders'?)" in messages
    assert any(m.startswith(f"{path}:3: unknown key 'conection'") and "did you mean 'connections'" in m
               for m in messages)


def test_a_field_beyond_the_model_suggests_custom(tmp_path):
    _, problems = mapping.check(write(tmp_path, '[columns.x]\nfield = "ZZ_COST_CENTER"\n'))
    assert "use custom = 'ZZ_COST_CENTER'" in problems[0].message


def test_two_expanded_lists_are_refused_but_one_list_twice_is_fine(tmp_path):
    path = write(tmp_path, """\
        entity = "organizations"
        [columns.city]
        field = "addresses[].city"
        [columns.contact]
        field = "contacts[].name"
        """)
    _, problems = mapping.check(path)
    assert [p.message for p in problems] == [
        "a mapping expands one list into rows, this one names addresses[] and contacts[]"]
    _, problems = mapping.check(write(tmp_path, """\
        [columns.a]
        field = "lineItems[].price"
        [columns.b]
        field = "lineItems[].lineNo"
        """, "ok.toml"))
    assert problems == []


def test_invalid_toml_points_at_its_line(tmp_path):
    path = write(tmp_path, 'entity = "purchase-orders"\n[columns.a]\nfield = "orderNo\n')
    m, problems = mapping.check(path)
    assert m is None
    assert str(problems[0]).startswith(f"{path}:3: invalid TOML:")


def test_load_mapping_raises_a_usage_error_listing_the_errors(tmp_path):
    path = write(tmp_path, '[columns.a]\nfield = "vendrKey"\n[columns.b]\nfield = "orderNumber"\n')
    with pytest.raises(mapping.MappingError) as info:
        mapping.load_mapping(path)
    assert info.value.code == "usage_error"
    assert f"{path}:2: unknown field 'vendrKey'" in info.value.message
    assert f"{path}:4: unknown field 'orderNumber'" in info.value.message


def test_key_lines_reads_dotted_quoted_and_inline_keys():
    text = textwrap.dedent("""\
        entity = "x"   # comment
        columns.a.field = "orderNo"
        [columns."b c"]
        field = "x"
        notes = '''
        field = "not a key"
        '''
        [connections."0900".columns.d]
        field = "y"
        [columns]
        e = { field = "z", default = "q" }
        """)
    lines = key_lines(text)
    assert lines[("entity",)] == 1
    assert lines[("columns", "a", "field")] == 2
    assert lines[("columns", "b c", "field")] == 4
    assert ("columns", "b c", "notes") in lines and lines[("columns", "b c", "field")] != 6
    assert lines[("connections", "0900", "columns", "d", "field")] == 9
    assert lines[("columns", "e", "default")] == 11


def test_diff_names_added_removed_changed_and_moved_columns(tmp_path):
    a = mapping.load_mapping(write(tmp_path, GOOD, "a.toml"))
    b_text = GOOD.replace('default = "unknown"', 'default = "n/a"').replace(
        '[columns.source]\nconst = "makini"\n', '').replace(
        '[columns.order_number]\nfield = "orderNo"\n', '') + '\n[columns.order_number]\nfield = "orderNo"\n' \
        + '[columns.vendor]\nfield = "vendorKey"\n'
    b = mapping.load_mapping(write(tmp_path, b_text, "b.toml"))
    changes = {(c["change"], c["scope"], c["column"]) for c in diff(a, b)}
    assert ("changed", "columns", "city") in changes
    assert ("removed", "columns", "source") in changes
    assert ("added", "columns", "vendor") in changes
    assert ("moved", "columns", None) in changes
    assert ("changed", "connection 09000207611898", "city") in changes  # its merged default changed
    assert diff(a, a) == []


def test_diff_command_and_exit_code(tmp_path, cli):
    a = write(tmp_path, GOOD, "a.toml")
    b = write(tmp_path, GOOD.replace('const = "makini"', 'const = "erp"'), "b.toml")
    r = cli("mappings", "diff", str(a), str(b), "--exit-code")
    assert r.code == 3, r
    assert r.json() == [{"change": "changed", "scope": "columns", "column": "source",
                         "before": {"const": "makini"}, "after": {"const": "erp"}}]
    same = cli("mappings", "diff", str(a), str(a), "--exit-code")
    assert same.code == 0 and same.json() == []


def test_the_template_is_a_valid_mapping(tmp_path, cli):
    r = cli("mappings", "template", "purchase-orders")
    assert r.code == 0
    path = write(tmp_path, r.stdout, "tpl.toml")
    m = mapping.load_mapping(path)
    assert "order_no" in m.names and "total_gross_value" in m.names
    ok = cli("mappings", "validate", str(path))
    assert ok.code == 0 and ok.json()["valid"] is True and ok.stderr == ""


def test_validate_as_a_real_process_exits_2_with_the_suggestion(tmp_path, run_cli):
    path = write(tmp_path, '[columns.vendor]\nfield = "vendrKey"\n')
    r = run_cli("mappings", "validate", str(path))
    assert r.code == 2
    assert f"{path}:2: unknown field 'vendrKey' (did you mean 'vendorKey'?)" in r.stderr
