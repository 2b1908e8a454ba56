"""The CLI's generic commands reach every entity on the sandbox: `mappings show` and `mappings
compare` work for every entity of the unified model, and `webhooks listen --expand` fetches the
records of every entity kind the webhook event catalog names."""

from __future__ import annotations

import json
import signal

import httpx

from makini_cli.mappings import model as um
from makini_cli.webhooks import catalog
from makini_cli.webhooks.signing import sign
from tests.webhooks_cli.conftest import Process

SAP, MAXIMO = "00000100433001", "00000297333035"  # seeded, healthy, every entity between them


def test_mappings_show_works_for_every_entity_of_the_unified_model(cli):
    for entity in um.entity_names():
        r = cli("--sandbox", "mappings", "show", entity, "-c", SAP, "--sample", "10")
        assert r.code == 0, (entity, r)
        data = r.json()
        assert data["entity"] == entity and data["sampled"] > 0, (entity, data)
        filled = [f for f in data["fields"] if f["fill_rate"]]
        assert {f["field"] for f in filled} >= {"key"}, entity
        assert r.stderr == "", (entity, r.stderr)


def test_mappings_compare_works_for_every_entity_of_the_unified_model(cli):
    for entity in um.entity_names():
        r = cli("--sandbox", "mappings", "compare", entity, SAP, MAXIMO, "--sample", "10")
        assert r.code == 0, (entity, r)
        rows = {row["field"]: row for row in r.json()}
        assert rows["key"][SAP] == 1.0, entity  # SAP keeps every entity
        domains = um.entity(entity).domains
        if "erp" not in domains and "eam" in domains or entity in ("materials", "locations"):
            assert rows["key"][MAXIMO] == 1.0, entity  # and Maximo every maintenance one


def test_a_system_without_an_entity_family_fills_nothing_there(cli):
    r = cli("--sandbox", "mappings", "compare", "sales-orders", SAP, MAXIMO)
    assert r.code == 0, r
    key = next(row for row in r.json() if row["field"] == "key")
    assert key[SAP] == 1.0 and key[MAXIMO] is None  # Maximo sells nothing: no records


def _first_key(http, headers, entity: str) -> str:
    domain = "eam" if entity in ("assets", "work-orders") else "erp"
    return http.get(f"/api/{domain}/{entity}", headers=headers).json()["data"][0]["key"]


def test_listen_expand_fetches_every_entity_kind_of_the_event_catalog(served_sandbox, tmp_path):
    secret = "whsec_expand_every_kind"
    (tmp_path / "secret.txt").write_text(secret)
    proc = Process(["--base-url", served_sandbox.base_url, "--sandbox", "webhooks", "listen",
                    "--port", "0", "--secret-file", str(tmp_path / "secret.txt"), "--expand",
                    "-c", SAP, "-e", "*"], {"MAKINI_CONFIG_DIR": str(tmp_path / "home")})
    try:
        url = proc.stderr_until(r"^listening on (http://127\.0\.0\.1:\d+/\S*) ").group(1)
        from tests.fixtures_sandbox import SandboxClient

        with SandboxClient(served_sandbox.app, base_url=served_sandbox.base_url) as http:
            token = {"Authorization": f"Bearer {http.connection_token(SAP)}"}
            kinds = sorted({e.entity for e in catalog.EVENTS})
            sent = {}
            for event in (next(e.name for e in catalog.EVENTS if e.entity == k) for k in kinds):
                entity = catalog.BY_NAME[event].entity
                key = SAP if entity in ("connection-statuses", "connection", "sync") \
                    else _first_key(http, token, entity)
                body = catalog.encode(event, [key])
                r = httpx.post(url, content=body, trust_env=False,
                               headers={"X-Webhook-Signature": sign(body, secret)})
                assert r.status_code == 200, (event, r.text)
                sent[event] = key
        assert {catalog.BY_NAME[e].entity for e in sent} >= {
            "purchase-orders", "work-orders", "assets", "sites", "materials", "locations",
            "connection-statuses"}
        for _ in sent:
            got = json.loads(proc.stdout_line())
            assert "expand_error" not in got, got
            [record] = got["records"]
            assert sent[got["event"]] in (record.get("key"), record.get("id")), got
    finally:
        code = proc.stop(signal.SIGTERM)
    assert code == 0, proc.stderr_lines
    assert not any("expand: no" in line for line in proc.stderr_lines), proc.stderr_lines
