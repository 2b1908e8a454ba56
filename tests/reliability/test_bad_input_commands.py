"""Property-based bad input for the commands: argument values (ids with odd characters, dates,
durations, limits), filter and sort expressions, mapping files, JSON bodies for `po create`,
webhook bodies and signatures. Whatever comes in: a clean error and a documented exit code,
never a traceback (the conftest guard) and never an "internal error" (the handler's last resort,
which means a crash it caught).

Commands run in-process against the embedded sandbox (`--sandbox`): fast, and the same code path
as a served one from the client's side."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

DOCUMENTED = {0, 1, 2, 3, 4}
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

HEALTHY = "00000100433001"  # the seeded healthy connection of the embedded sandbox (seed 42)
PO_KEY = "40000100000001"  # its first purchase order


def clean(r, allowed=DOCUMENTED) -> None:
    """A documented exit code, a message for any failure, and no crash."""
    assert r.code in allowed, r
    assert "internal_error" not in r.stderr and "internal error" not in r.stderr, r
    if r.code:  # a message says why (a check that failed may say it with the data it printed)
        assert r.stderr.strip() or (r.code == 3 and r.stdout.strip()), r


# Text a user can put in argv: anything but NUL; undecodable bytes arrive as lone surrogates
# (Python's surrogateescape), so those are in too.
argv_text = st.text(st.characters(blacklist_characters="\x00"), max_size=40)
odd = st.sampled_from([
    "", "../", "../../etc/passwd", "\x1f", "..%2F..%2Fsecret", "%2F", "%00", "a/b", "a?b=c", "a#b", " ", "a b",
    "ü", "🙂", "\u202e", "\t", "\n", "é" * 300, "x" * 5000, ".", "..", "-", "--", "-c", "%", "\\",
    "\udcff", "a\udcfeb", "*", "[]", "{}", "'", '"', "null", "0", "-1", "1e999",
])
ids = st.one_of(odd, argv_text)


def sandbox_cli(cli):
    return lambda *args, **kw: cli("--sandbox", "-o", "json", *args, **kw)


@pytest.fixture
def sbx(cli):
    run = sandbox_cli(cli)
    clean(run("connections", "list"), {0})  # seeds the embedded sandbox once for the test
    return run


# --- ids -----------------------------------------------------------------------------------

ID_COMMANDS = [
    ("po", "get", "{id}", "-c", HEALTHY),
    ("po", "lines", "{id}", "-c", HEALTHY),
    ("po", "list", "-c", "{id}", "--limit", "1"),
    ("po", "set-status", "{id}", "approved", "-c", HEALTHY, "--dry-run"),
    ("connections", "get", "{id}"),
    ("connections", "token", "{id}"),
    ("connections", "status", "{id}"),
    ("connections", "errors", "{id}"),
    ("connections", "breaker", "{id}"),
    ("connections", "disconnect", "{id}", "--dry-run"),
    ("syncs", "status", "{id}"),
    ("mappings", "show", "purchase-orders", "-c", "{id}", "--sample", "1", "--no-sources"),
    ("webhooks", "replay", "{id}"),
    ("api", "GET", "/api/erp/purchase-orders/{id}", "-c", HEALTHY),
]


@SETTINGS
@given(value=ids)
@example(value="..")  # was resolved by the URL to another resource
@example(value=".")
@example(value="")
@example(value="\x1f")  # was an internal error from the URL parser (`api`)
@example(value="\udcff")  # a byte that is not UTF-8: was an internal error
@example(value="x" * 5000)
def test_odd_ids_get_a_clean_answer(sbx, value):
    for command in ID_COMMANDS:
        args = [a.replace("{id}", value) for a in command]
        clean(sbx(*args))


def test_an_id_is_one_path_segment_never_a_path(sbx):
    """`../` or `%2F` in an id must not reach another resource: it is quoted as one segment."""
    r = sbx("po", "get", f"../{PO_KEY}", "-c", HEALTHY)
    assert r.code == 1 and "not_found" in r.stderr, r
    r = sbx("connections", "get", f"..%2F{HEALTHY}")
    assert r.code == 1 and "not_found" in r.stderr, r


# --- dates, durations, limits ----------------------------------------------------------------

dates = st.one_of(argv_text, st.sampled_from([
    "2025-01-31", "2025-02-30", "2025-13-01", "0000-01-01", "9999-12-31", "2025-01-31T25:00:00Z",
    "2025-01-31T10:00:00+99:00", "7d", "0d", "-7d", "99999999d", "1e9d", "1h30m", "now", "yesterday",
    "", " ", "2025", "20250131", "2025-01-31T10:00:00.123456789Z", "\udcff"]))
durations = st.one_of(argv_text, st.sampled_from([
    "0", "0s", "1ms", "90", "1h30m", "99999999999999999999h", "1e9s", "1.5.5m", "-5m", "5 m", "5M",
    "inf", "nan", "", " ", "1w", "10y", "\udcff"]))
limits = st.one_of(st.integers(-5, 10**20).map(str), argv_text)


@SETTINGS
@given(since=dates, until=dates, updated=dates)
@example(since="7d", until="9999-12-31", updated="99999999999d")  # were OverflowErrors
def test_dates_for_po_list_are_checked(sbx, since, until, updated):
    for opt, value in (("--since", since), ("--until", until), ("--updated-since", updated)):
        clean(sbx("po", "list", "-c", HEALTHY, "--limit", "1", opt + "=" + value))


@SETTINGS
@given(value=durations)
@example(value="64000000000")  # was an OverflowError
def test_durations_are_checked(sbx, value):
    clean(sbx("webhooks", "logs", "--since=" + value))
    clean(sbx("connections", "errors", HEALTHY, "--since=" + value))
    clean(sbx("connections", "status", HEALTHY, "--stale-after=" + value), {0, 1, 2, 3})
    clean(sbx("syncs", "wait", HEALTHY, "--timeout=" + value, "--interval=" + value), {0, 1, 2, 3, 124})


@SETTINGS
@given(value=limits)
@example(value="9223372036854775808")  # was an SQLite OverflowError in the sandbox
def test_limits_and_sample_sizes_are_checked(sbx, value):
    clean(sbx("po", "list", "-c", HEALTHY, "--limit=" + value), {0, 2})
    clean(sbx("po", "lines", "-c", HEALTHY, "--limit=" + value), {0, 2})
    clean(sbx("webhooks", "logs", "--limit=" + value), {0, 2})
    clean(sbx("connections", "errors", HEALTHY, "--limit=" + value), {0, 2})
    clean(sbx("mappings", "show", "purchase-orders", "-c", HEALTHY, "--no-sources", "--sample=" + value), {0, 2})
    clean(sbx("po", "export", "-c", HEALTHY, "--per-page=" + value, "--prefetch=" + value), {0, 2})


# --- filter, sort and match expressions through the command ---------------------------------

fields = st.sampled_from(["orderNo", "totalGrossValue", "statusKey", "vendorKey", "orderDate", "x", "",
                          "lineItems.price", "a b", "ü", "filter[x]", "]", "["])
ops = st.sampled_from(["", ":contains", ":startsWith", ":gt", ":gteq", ":lt", ":lteq", ":eq", ":nope", ":",
                       "::", ":gt:lt"])
filters = st.one_of(argv_text, st.builds(lambda f, o, v: f"{f}{o}={v}", fields, ops, argv_text))


@SETTINGS
@given(expr=filters, sort=st.one_of(argv_text, st.builds(lambda f, d: f + d, fields,
                                                         st.sampled_from(["", ":asc", ":desc", ":up", ":"]))),
       match=st.one_of(argv_text, st.sampled_from(["all", "any", "ALL", ""])))
def test_filters_sorts_and_match_through_po_list(sbx, expr, sort, match):
    clean(sbx("po", "list", "-c", HEALTHY, "--limit", "2", "--filter=" + expr), {0, 1, 2})
    clean(sbx("po", "list", "-c", HEALTHY, "--limit", "2", "--sort=" + sort), {0, 1, 2})
    clean(sbx("po", "list", "-c", HEALTHY, "--limit", "2", "--match=" + match, "--filter=orderNo:contains=1"),
          {0, 2})
    clean(sbx("po", "lines", "-c", HEALTHY, "--limit", "2", "--filter=" + expr), {0, 1, 2})


# --- mapping files ---------------------------------------------------------------------------

toml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)),
    max_leaves=8)
column_keys = st.sampled_from(["field", "custom", "const", "default", "description", "nope", "Field"])
field_values = st.one_of(st.sampled_from(["orderNo", "lineItems[].price", "lineItems[0].price", "x.y", "",
                                          "lineItems[]", "[]", "a[b", "shipmentAddress.city",
                                          "lineItems[].x[].y"]), st.text(max_size=20))


def _mapping_doc(data) -> str:
    import tomli_w

    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError):
        return repr(data)


structured_mappings = st.builds(
    lambda entity, cols, extra: _mapping_doc({**({"entity": entity} if entity is not None else {}),
                                              "columns": cols, **extra}),
    st.one_of(st.none(), st.sampled_from(["purchase-orders", "work-orders", "assets", "nope", ""]), st.integers()),
    st.dictionaries(st.text(max_size=12), st.one_of(
        st.dictionaries(column_keys, st.one_of(field_values, toml_values), max_size=3), toml_values), max_size=4),
    st.dictionaries(st.sampled_from(["description", "connections", "version", "unknown"]), toml_values, max_size=2),
)
mapping_files = st.one_of(
    structured_mappings,
    st.text(max_size=300),
    st.sampled_from(["", "[columns]\n", "columns = 1\n", "[columns.a]\nfield = 1\n", "[columns.a]\n",
                     "[[columns]]\nfield = \"orderNo\"\n", "entity = \"purchase-orders\"\n[columns.a]\nfield = "
                     "\"orderNo\"\nconst = 1\n", "[connections.x.columns.a]\nfield = \"orderNo\"\n",
                     "[connections]\nx = 1\n", "\ufeff[columns.a]\nfield = \"orderNo\"\n", "[columns.\"\"]\nconst = 1\n"]),
)


@SETTINGS
@given(text=mapping_files, raw=st.binary(max_size=60))
@example(text="[columns.0]\nfield=0", raw=b"")  # was a TypeError
@example(text="[columns.a]\ncustom=0", raw=b"\xff")
def test_any_mapping_file_validates_or_is_refused_cleanly(cli, tmp_path, text, raw):
    a, b, c = tmp_path / "a.toml", tmp_path / "b.toml", tmp_path / "c.toml"
    a.write_text(text, encoding="utf-8", errors="surrogateescape")
    b.write_text('[columns.order]\nfield = "orderNo"\n')
    c.write_bytes(raw)
    clean(cli("mappings", "validate", str(a)), {0, 2})
    clean(cli("mappings", "validate", str(a), str(c), "-o", "json"), {0, 2})
    clean(cli("mappings", "diff", str(b), str(a)), {0, 2})
    clean(cli("mappings", "diff", str(a), str(c), "--exit-code"), {0, 2, 3})


# --- JSON bodies for po create / update --------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**40, max_value=10**40),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=15)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)
po_fields = st.sampled_from(["orderNo", "title", "siteKey", "vendorKey", "statusKey", "orderDate", "dueAt",
                             "currencyKey", "totalNetValue", "totalGrossValue", "lineItems", "notes", "code",
                             "shipmentAddress", "customFields"])
line_items = st.lists(st.dictionaries(st.sampled_from(["code", "quantity", "price", "lineTotalValue",
                                                       "description", "unitKey", "x"]), json_values, max_size=4),
                      max_size=3)
po_bodies = st.one_of(
    json_values.map(json.dumps),
    st.dictionaries(po_fields, st.one_of(json_values, line_items), max_size=6).map(json.dumps),
    st.text(max_size=100),
    st.sampled_from([
        "", " ", "NaN", "Infinity", "-Infinity", '{"totalNetValue": NaN}', '{"totalNetValue": Infinity}',
        '{"totalNetValue": 1e999999}', '{"totalNetValue": -1e999999}', '{"totalNetValue": "1e999999"}',
        '{"totalNetValue": "NaN"}', '{"totalNetValue": "12.5.5"}', '{"orderNo": 1' + "0" * 5000 + "}",
        '{"orderNo": "' + "x" * 100000 + '"}', "[" * 100000 + "]" * 100000, '{"a":' * 5000 + "1" + "}" * 5000,
        '{"lineItems": ' + "[" * 3000 + "]" * 3000 + "}", '{"orderNo": "a", "orderNo": "b"}', "\ufeff{}",
        '{"orderDate": "2025-02-30"}', '{"dueAt": "not a date"}', '{"lineItems": {"0": {}}}',
        '{"orderNo": "\\ud800"}', "null", "[]", "{}", "1", '"x"',
    ]),
)


@SETTINGS
@given(body=po_bodies)
@example(body='{"orderNo": 1' + "0" * 5000 + "}")  # was a ValueError (int digits)
@example(body='{"customFields":' * 900 + "1" + "}" * 900)  # was a RecursionError (output)
@example(body="[" * 100000 + "]" * 100000)  # was a RecursionError (parser)
def test_any_json_body_for_po_create_is_checked_cleanly(sbx, body):
    clean(sbx("po", "create", "--file", "-", "-c", HEALTHY, "--dry-run", input=body), {0, 2})
    clean(sbx("po", "update", PO_KEY, "--file", "-", "-c", HEALTHY, "--dry-run", input=body), {0, 2})


def test_undecodable_body_bytes_are_a_clean_error(sbx):
    for raw in (b"\xff\xfe{", b'{"orderNo": "\xff"}', b"\x00"):
        clean(sbx("po", "create", "--file", "-", "-c", HEALTHY, "--dry-run", input=raw), {2})


# --- webhook bodies and signatures -------------------------------------------------------------

signatures = st.one_of(
    argv_text,
    st.binary(min_size=0, max_size=40).map(lambda b: b.hex()),
    st.binary(min_size=0, max_size=40).map(lambda b: __import__("base64").b64encode(b).decode()),
    st.sampled_from(["", " ", "sha256=", "sha256=" + "0" * 64, "0" * 64, "0" * 63, "Z" * 64, "=" * 44,
                     "0" * 128, "\udcff", "=", "sha1=abc", "a" * 10000]),
)


@SETTINGS
@given(body=st.binary(max_size=300), signature=signatures,
       secret=st.one_of(st.binary(min_size=0, max_size=40), st.text(max_size=20).map(str.encode)))
def test_any_webhook_body_and_signature_verifies_or_is_refused_cleanly(cli, tmp_path, body, signature, secret):
    body_file, secret_file = tmp_path / "body", tmp_path / "secret"
    body_file.write_bytes(body)
    secret_file.write_bytes(secret)
    if signature.startswith("-"):
        args = ("webhooks", "verify", "--secret-file", str(secret_file), str(body_file), "--signature=" + signature)
    else:
        args = ("webhooks", "verify", "--signature", signature, "--secret-file", str(secret_file), str(body_file))
    clean(cli(*args), {0, 2, 3})
    clean(cli("webhooks", "verify", "--signature=" + signature, "-", env={"MAKINI_WEBHOOK_SECRET": "s"},
              input=body), {0, 2, 3})
    clean(cli("webhooks", "sign", "--secret-file", str(secret_file), str(body_file)), {0, 2})
