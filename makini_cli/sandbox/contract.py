"""Makini's contract as the sandbox reads it: `contract.json`, generated from the OpenAPI files by
`scripts/gen_sandbox_contract.py` (a test keeps it in step with the spec). The routes, the
entities' fields, the request-body rules and the statuses endpoints all come from here, so a new
Makini file means regenerating, not writing routes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).with_name("contract.json")
DOMAINS = ("erp", "eam", "wms")


@dataclass(frozen=True)
class Rule:
    """One request-body field: Laravel rule words (`string`, `numeric`, `nullable`, `date`, …)."""
    rules: tuple[str, ...]
    required: bool = False
    nullable: bool = True


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    file: str
    kind: str                       # system list item create update status statuses sub
    entity: str | None = None
    action: str | None = None       # sub-resources: materials, children, inventory, …
    schema: str | None = None       # what the 200 answer's `data` names
    serves: str | None = None       # sub-resources: the schema of the records served
    owner: str | None = None        # sub-resources: the field linking them to `{key}`
    media: str | None = None
    body: dict[str, Rule] = field(default_factory=dict, compare=False)

    @property
    def domain(self) -> str | None:
        return self.file if self.file in DOMAINS else None


@lru_cache(maxsize=1)
def load() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def operations() -> tuple[Operation, ...]:
    out = []
    for raw in load()["operations"]:
        body = {name: Rule(tuple(r["rules"]), r["required"], r["nullable"])
                for name, r in (raw.get("body") or {}).items()}
        out.append(Operation(raw["method"], raw["path"], raw["file"], raw["kind"],
                             raw.get("entity"), raw.get("action"), raw.get("schema"),
                             raw.get("serves"), raw.get("owner"), raw.get("media"), body))
    return tuple(out)


def entities() -> dict[str, dict]:
    """entity (URL segment) -> {"schema", "domains"}."""
    return load()["entities"]


def schema(name: str) -> list[list[str]]:
    """[[field, kind], …]; kinds are listed in the generator's docstring."""
    return load()["schemas"].get(name, [])


def status_scopes() -> dict[str, list[str]]:
    """entity -> domains serving `/api/{domain}/statuses/{entity}`."""
    return load()["statuses"]


def body_rules(entity: str, kind: str) -> dict[str, Rule]:
    """The rules of an entity's create or update body. A body the spec leaves empty
    (`properties: []` on PUT sales-orders and return-orders) borrows the other write's."""
    mine = [op for op in operations() if op.entity == entity and op.kind == kind]
    rules = next((op.body for op in mine if op.body), None)
    if rules is None:
        other = "update" if kind == "create" else "create"
        rules = next((op.body for op in operations()
                      if op.entity == entity and op.kind == other and op.body), {})
    return rules
