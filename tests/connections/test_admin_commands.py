"""list, get, create, metadata, token, reconnect and the per-connection error log."""

from __future__ import annotations

import json

import httpx

from makini_cli.connections.errorlog import ConnectionLog


def test_list_rows_carry_id_and_key_and_every_page(sbx, cli):
    r = cli("connections", "list", "-o", "json", env=sbx.env)
    assert r.code == 0, r
    rows = r.json()
    assert [row["id"] for row in rows] == [c["key"] for c in sbx.sandbox.connections()]
    assert all(row["id"] == row["key"] for row in rows)
    first = rows[0]
    assert {"name", "system", "status", "connected_at", "tags"} <= set(first)
    assert isinstance(first["user_metadata"], dict)  # the spec's JSON text, decoded


def test_list_rows_have_no_last_sync_unless_sync_reads_it(sbx, cli):
    """A `last_sync: null` would read like "never synced": without --sync the time is unknown."""
    for fmt in ("json", "ndjson", "yaml"):
        r = cli("connections", "list", "-o", fmt, env=sbx.env)
        assert r.code == 0, r
        assert "last_sync" not in r.stdout and "sync_status" not in r.stdout
    r = cli("connections", "list", "--sync", "--tag", "production", "-o", "json", env=sbx.env)
    assert r.code == 0 and all(row["last_sync"].endswith("Z") for row in r.json())


def test_list_filters_compare_case_insensitively(sbx, cli):
    def ids(*args):
        r = cli("connections", "list", *args, "-o", "json", "--query", "[].name", env=sbx.env)
        assert r.code == 0, r
        return r.json()

    assert ids("--status", "INACTIVE", "--status", "pending") == ["Desert Sun Mining", "Alpenglow Pharma AG"]
    assert ids("--system", "maximo") == ["Gulf Coast Refining"]
    assert ids("--system", "ibm_maximo") == ["Gulf Coast Refining"]  # the provider slug
    assert ids("--tag", "ON-PREM") == ["Rotterdam Port Services"]
    assert ids("--tag", "us", "--tag", "trial") == ["Desert Sun Mining"]
    assert ids("--status", "nothing-like-this") == []


def test_list_with_sync_reads_each_connections_sync_state(sbx, cli):
    r = cli("connections", "list", "--sync", "--tag", "production", "-o", "json", env=sbx.env)
    assert r.code == 0
    assert {row["name"]: row["sync_status"] for row in r.json()} == {
        "Nordwerk Maschinenbau GmbH": "done", "Gulf Coast Refining": "done", "Thames Valley Water": "fail"}


def test_list_renders_csv_and_table(sbx, cli):
    r = cli("connections", "list", "-o", "csv", env=sbx.env)
    assert r.stdout.splitlines()[0] == "id,name,system,status,connected_at,tags"
    r = cli("connections", "list", "-o", "table", env=sbx.env)
    assert "Nordwerk Maschinenbau GmbH" in r.stdout and "SYSTEM" in r.stdout


def test_get_shows_one_connection_with_its_metadata(sbx, cli):
    key = sbx.ids["healthy"]
    r = cli("connections", "get", key, "-o", "json", env=sbx.env)
    assert r.code == 0
    assert r.json()["id"] == key and r.json()["metadata"] == {"customer_id": "CUST-1001", "region": "eu"}
    r = cli("connections", "get", "99999999999999", env=sbx.env)
    assert r.code == 1 and "no connection" in r.stderr


def test_create_reads_credentials_from_stdin_prints_the_id_and_caches_the_token(sbx, cli, config_dir):
    creds = json.dumps({"api": "https://cmms.example", "login": "svc", "password": "s3cret"})
    r = cli("connections", "create", "--provider", "upkeep", "--name", "Acme Corp", "--email", "it@acme.example",
            "--credentials-file", "-", "--set", "crm=ACME-1", input=creds, env=sbx.env)
    assert r.code == 0, r
    new_id = r.stdout.strip()
    assert new_id.isdigit() and len(r.stdout.splitlines()) == 1  # the id, and no token
    assert "s3cret" not in r.stdout + r.stderr
    tokens = json.loads((config_dir / "state" / "tokens.json").read_text())
    cached = [v for scope in tokens.values() for k, v in scope.items() if k == f"connection:{new_id}"]
    assert len(cached) == 1 and cached[0]["access_token"] not in r.stdout
    with httpx.Client(base_url=sbx.base_url) as http:  # the cached token is the new connection's
        who = http.get("/api/integrations/current", headers={"Authorization": f"Bearer {cached[0]['access_token']}"})
    assert who.json()["data"]["id"] == new_id
    r = cli("connections", "metadata", new_id, "-o", "json", env=sbx.env)
    assert r.json() == {"crm": "ACME-1"}


def test_create_show_token_prints_it_too(sbx, cli, tmp_path):
    path = tmp_path / "creds.json"
    path.write_text('{"login": "a", "password": "b"}')
    r = cli("connections", "create", "--provider", "fiix", "--name", "B", "--email", "b@b.example",
            "--credentials-file", str(path), "--show-token", env=sbx.env)
    assert r.code == 0, r
    new_id, token = r.stdout.splitlines()
    assert token.count(".") == 2  # a JWT


def test_create_reports_server_validation_and_bad_input(sbx, cli):
    r = cli("connections", "create", "--provider", "nope", "--name", "B", "--email", "b@b.example",
            "--credentials-file", "-", input="{}", env=sbx.env)
    assert r.code == 2 and "unknown provider 'nope'" in r.stderr  # refused before it is sent
    r = cli("connections", "create", "--provider", "fiix", "--name", "B", "--email", "not-an-email",
            "--credentials-file", "-", input="{}", env=sbx.env)
    assert r.code == 2 and "valid email address" in r.stderr  # Makini's own validation
    r = cli("connections", "create", "--provider", "fiix", "--name", "B", "--email", "b@b.example",
            "--credentials-file", "-", input="[1, 2]", env=sbx.env)
    assert r.code == 2 and "expected a JSON object" in r.stderr


def test_metadata_set_changes_and_removes_keys(sbx, cli):
    key = sbx.ids["healthy"]
    r = cli("connections", "metadata", key, "--set", "tier=gold", "--set", "region=", "-o", "json", env=sbx.env)
    assert r.code == 0, r
    assert r.json() == {"customer_id": "CUST-1001", "tier": "gold"}
    r = cli("connections", "metadata", key, "--set", "novalue", env=sbx.env)
    assert r.code == 2


def test_token_prints_a_fresh_working_token(sbx, cli):
    key = sbx.ids["healthy"]
    r = cli("connections", "token", key, env=sbx.env)
    assert r.code == 0
    with httpx.Client(base_url=sbx.base_url) as http:
        who = http.get("/api/integrations/current", headers={"Authorization": f"Bearer {r.stdout.strip()}"})
    assert who.json()["data"]["id"] == key
    r = cli("connections", "token", key, "-o", "json", env=sbx.env)
    assert r.json()["expires_at"].endswith("Z")


def test_reconnect_prints_the_makini_link_url(sbx, cli, config_dir):
    key = sbx.ids["needs_reauth"]
    r = cli("connections", "reconnect", key, env=sbx.env)
    assert r.code == 0, r
    assert r.stdout.strip() == ("https://link.makini.io/oauth/authorize?client_id=" + sbx.client_id
                                + "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fmakini%2Fcallback&response_type=code")
    (config_dir / "config.toml").write_text('[profiles.default]\nlink_redirect = "https://ops.example/cb"\n')
    r = cli("connections", "reconnect", key, "-o", "json", env=sbx.env)
    assert "redirect_uri=https%3A%2F%2Fops.example%2Fcb" in r.json()["url"]
    r = cli("connections", "reconnect", "99999999999999", env=sbx.env)
    assert r.code == 1


def test_errors_of_a_connection_are_logged_and_read_back(sbx, cli):
    key = sbx.ids["forbidden"]
    assert cli("connections", "doctor", key, env=sbx.env).code == 3
    r = cli("connections", "errors", key, "--since", "1h", "-o", "json", env=sbx.env)
    assert r.code == 0
    [entry] = r.json()
    assert entry["operation"] == "GET /api/erp/purchase-orders" and entry["status"] == 403
    assert entry["code"] == "permission_denied" and entry["request_id"].startswith("req_")
    assert entry["makini_code"] == "FORBIDDEN" and entry["time"].endswith("Z")
    assert cli("connections", "errors", sbx.ids["healthy"], "-o", "json", env=sbx.env).json() == []
    r = cli("connections", "errors", key, "--since", "yesterday", env=sbx.env)
    assert r.code == 2


def test_the_error_log_rotates_by_size_and_reads_across_files(tmp_path):
    log = ConnectionLog(tmp_path, max_bytes=300, backups=2)
    for i in range(20):
        log.append("C1", {"time": f"2026-01-01T00:00:{i:02d}Z", "n": i, "message": "x" * 40})
    files = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("C1"))
    assert files == ["C1.jsonl", "C1.jsonl.1", "C1.jsonl.2"]
    assert all(p.stat().st_size <= 300 for p in tmp_path.iterdir() if p.name.startswith("C1"))
    numbers = [e["n"] for e in log.read("C1")]
    assert numbers == sorted(numbers) and numbers[-1] == 19 and len(numbers) < 20  # oldest rotated away
    (tmp_path / "C1.jsonl").write_text('{"n": 99, "time": "2026-01-01T00:01:00Z"}\nnot json\n')
    assert [e["n"] for e in log.read("C1")][-1] == 99
