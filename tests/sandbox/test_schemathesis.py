"""Schemathesis against the sandbox's ASGI app, in-process, over all 289 operations of Makini's
four files (repaired by tests/sandbox/spec.py, merged into one document).

Each operation gets the token the auth model of ../shared/makini-api.md gives it: the admin
token for /api/system/*, a connection token for everything else (`/api/raw/*`,
`/api/integrations/current` and `/api/passthrough` included); path parameters are pinned to
real records of a healthy connection (SAP S/4HANA keeps every entity), and the destructive
operations (`DELETE /api/integrations/current`, `DELETE /api/system/connections/{id}`) each get
a throwaway connection per example, so they cannot break the rest. Checks: no 5xx, content-type
conformance, auth enforced (no or a wrong token must be refused), response-schema conformance
(errors included, against the error body the repair declares).

Default: a few positive examples per operation, derandomized, no shrinking (seconds for the
whole file). A deeper run: MAKINI_SCHEMATHESIS_DEEP=1 (100 examples per operation, positive
and negative data, random seeds, shrinking), e.g.

    MAKINI_SCHEMATHESIS_DEEP=1 python -m pytest -q tests/sandbox/test_schemathesis.py
"""

from __future__ import annotations

import os
from functools import cache

import pytest

from tests.sandbox import spec

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a test dependency "
                                   "(pip install '.[test]')")
pytestmark = pytest.mark.skipif(
    not spec.available(),
    reason=f"Makini OpenAPI files not found at {spec.spec_dir()} (set MAKINI_OPENAPI_DIR)")

DEEP = os.environ.get("MAKINI_SCHEMATHESIS_DEEP", "") not in ("", "0")
EXAMPLES = 100 if DEEP else 3
DESTRUCTIVE = {"DELETE /api/system/connections/{id}", "DELETE /api/integrations/current"}


@cache
def _schema():
    return schemathesis.openapi.from_dict(spec.merged()) if spec.available() else None


def _labels() -> list[str]:
    schema = _schema()
    if schema is None:
        return []
    return sorted(result.ok().label for result in schema.get_all_operations())


class Target:
    """A fresh sandbox and what the cases need from it: tokens and real ids."""

    def __init__(self) -> None:
        from makini_cli.sandbox.app import create_app
        from tests.fixtures_sandbox import _asgi_client

        self.app = create_app(":memory:")
        self.sb = self.app.state.sandbox
        self.http = _asgi_client(self.app)
        self.conn = self.sb.connections()[0]  # SAP S/4HANA, healthy, every entity
        assert self.conn["provider"] == "sap_s4hana"
        self.admin = {"Authorization": f"Bearer {self.http.admin_token()}"}
        self.token = {"Authorization": f"Bearer {self.http.connection_token(self.conn['key'])}"}

    def first_key(self, list_path: str) -> str:
        return self.http.get(list_path, headers=self.token).json()["data"][0]["key"]

    def path_parameters(self, path: str) -> dict[str, str]:
        params: dict[str, str] = {}
        if "{id}" in path:
            params["id"] = self.conn["key"]
        if "{table}" in path:
            params["table"] = "EKKO"
        if "{key}" in path:
            params["key"] = self.first_key(path.split("/{key}")[0])
        if "{materialKey}" in path:
            lines = self.http.get(f"/api/eam/work-orders/{params['key']}/materials",
                                  headers=self.token).json()["data"]
            if not lines:  # give the pinned work order a line to change
                material = self.first_key("/api/eam/materials")
                self.http.post(f"/api/eam/work-orders/{params['key']}/materials",
                               headers=self.token, json={"materialKey": material,
                                                         "requiredQuantity": "2",
                                                         "usedQuantity": "1"})
                lines = self.http.get(f"/api/eam/work-orders/{params['key']}/materials",
                                      headers=self.token).json()["data"]
            params["materialKey"] = lines[0]["materialKey"]
        return params

    def throwaway(self) -> dict:
        conn = self.sb.create_connection("Throwaway Ltd", "ops@throwaway.example", "upkeep",
                                         pos=0, grow_pool=True)
        return {"key": conn["key"],
                "headers": {"Authorization": f"Bearer {self.http.connection_token(conn['key'])}"}}


@pytest.fixture(scope="module")
def target():
    t = Target()
    yield t
    t.http.close()


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (content_type_conformance, ignored_auth,
                                                   response_schema_conformance)

    return [not_a_server_error, content_type_conformance, ignored_auth,
            response_schema_conformance]


def _run(target, label: str, app, examples: int = EXAMPLES) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import GenerationMode

    schema = _schema()
    schema.app = app  # the auth probes of `ignored_auth` go to the schema's app
    op = schema.find_operation_by_label(label)
    path = label.split(" ", 1)[1]
    headers = target.admin if path.startswith("/api/system/") else target.token
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if DEEP else [])
    strategies = [op.as_strategy(mode, path_parameters=target.path_parameters(path),
                                 headers=dict(headers)) for mode in modes]
    strategy = strategies[0] if len(strategies) == 1 else strategies[0] | strategies[1]
    checks = _checks()

    @settings(max_examples=examples, derandomize=not DEEP, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate] + ([Phase.shrink] if DEEP else []),
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        if label in DESTRUCTIVE:
            spare = target.throwaway()
            if "{id}" in path:
                case.path_parameters["id"] = spare["key"]
            else:
                case.headers.update(spare["headers"])
        case.call_and_validate(checks=checks, app=app)

    run()


@pytest.mark.parametrize("label", _labels())
def test_operation_keeps_the_contract(target, label):
    _run(target, label, target.app)


def _tampered(app, how: str):
    """The sandbox with one defect Schemathesis must find."""
    async def asgi(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if how == "ignores auth" and not any(k == b"authorization" for k, _ in scope["headers"]):
            scope = {**scope, "headers": scope["headers"] + [(b"authorization", TOKEN[0])]}

        start: dict = {}

        async def tamper(message):
            if message["type"] == "http.response.start":
                start.update(message)  # sent with the body, once its length is known
                return
            body = message.get("body", b"")
            headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
            if how == "breaks the schema":
                body = body.replace(b'"name":"', b'"name":7,"was":"')
            if how == "sends text":
                headers = [(k, b"text/plain" if k == b"content-type" else v) for k, v in headers]
            await send({**start, "status": 500 if how == "crashes" else start["status"],
                        "headers": headers + [(b"content-length", str(len(body)).encode())]})
            await send({**message, "body": body, "more_body": False})
        await app(scope, receive, tamper)
    return asgi


TOKEN: list[bytes] = []


@pytest.mark.parametrize("how, finding", [
    ("ignores auth", "API accepts requests without authentication"), ("crashes", "Server error"),
    ("breaks the schema", "Response violates schema"), ("sends text", "Content-Type")])
def test_the_checks_have_teeth(target, how, finding):
    TOKEN[:] = [target.token["Authorization"].encode()]
    with pytest.raises(BaseException) as caught:  # schemathesis' FailureGroup
        _run(target, "GET /api/erp/vendors", _tampered(target.app, how), examples=2)
    assert finding in str(caught.value), str(caught.value)[:2000]
