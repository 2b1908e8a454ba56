"""The sandbox's contract (makini_cli/sandbox/contract.json): generated from Makini's OpenAPI
files by scripts/gen_sandbox_contract.py, committed, and in step with the spec; the sandbox's
routes, entities and body rules come from it."""

from __future__ import annotations

import importlib.util
import json

import pytest

from makini_cli.sandbox import contract
from tests.sandbox import spec

REPO = spec.REPO
needs_spec = pytest.mark.skipif(
    not spec.available(),
    reason=f"Makini OpenAPI files not found at {spec.spec_dir()} (set MAKINI_OPENAPI_DIR); the "
           "committed contract cannot be checked against them")


def _generator():
    found = importlib.util.spec_from_file_location(
        "gen_sandbox_contract", REPO / "scripts" / "gen_sandbox_contract.py")
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


@needs_spec
def test_committed_contract_is_what_the_spec_generates():
    gen = _generator()
    assert contract.PATH.read_text(encoding="utf-8") == gen.render(gen.build(spec.spec_dir())), \
        "makini_cli/sandbox/contract.json is stale: run python scripts/gen_sandbox_contract.py"


@needs_spec
def test_check_mode_reports_a_stale_contract(tmp_path, capsys):
    gen = _generator()
    stale = tmp_path / "contract.json"
    stale.write_text("{}\n")
    assert gen.main([str(spec.spec_dir()), "--check", "--output", str(stale)]) == 1
    assert "stale" in capsys.readouterr().err
    assert gen.main([str(tmp_path), "--check"]) == 2  # no spec there


@needs_spec
def test_an_operation_of_an_unknown_shape_fails_the_generator(tmp_path):
    gen = _generator()
    for name in spec.FILES.values():
        doc = json.loads((spec.spec_dir() / name).read_text())
        if name == "oas3_eam.json":
            doc["paths"]["/api/eam/assets/{key}/calibrate"] = {"post": {"responses": {}}}
        (tmp_path / name).write_text(json.dumps(doc))
    with pytest.raises(SystemExit, match="no sandbox meaning for this shape"):
        gen.build(tmp_path)


def test_the_contract_lists_every_operation_with_a_kind():
    ops = contract.operations()
    assert len(ops) == 289
    assert {op.kind for op in ops} == {"system", "list", "item", "create", "update", "status",
                                       "statuses", "sub"}
    assert all(op.entity for op in ops if op.kind != "system")
    rules = contract.body_rules("sales-orders", "update")  # `properties: []` in the spec
    assert rules == contract.body_rules("sales-orders", "create") and "customerKey" in rules
    assert contract.body_rules("work-orders", "create")["title"].rules == ("string",)
