"""`connections disconnect`: what it says first, when it refuses, and what happens on Makini's side
(checked through the sandbox's own endpoints): the old token dies, credits return, records stay."""

from __future__ import annotations

import httpx


def current_with(sbx, token: str) -> int:
    with httpx.Client(base_url=sbx.base_url) as http:
        return http.get("/api/integrations/current", headers={"Authorization": f"Bearer {token}"}).status_code


def cached_connections(config_dir) -> set[str]:
    import json

    path = config_dir / "state" / "tokens.json"
    if not path.exists():
        return set()
    return {slot.split(":", 1)[1] for scope in json.loads(path.read_text()).values() for slot in scope
            if slot.startswith("connection:")}


def test_disconnect_kills_the_token_returns_credits_and_keeps_records(sbx, cli, config_dir):
    key = sbx.ids["healthy"]
    token = cli("connections", "token", key, env=sbx.env).stdout.strip()
    assert current_with(sbx, token) == 200 and key in cached_connections(config_dir)
    credits = sbx.call("GET", "/_sandbox/credits")
    records = sbx.call("GET", f"/_sandbox/connections/{key}/records/purchase-orders")["meta"]["total"]
    tier_credits = sbx.call("GET", f"/_sandbox/connections/{key}")["data"]["credits"]

    r = cli("connections", "disconnect", key, "--yes", env=sbx.env)

    assert r.code == 0, r
    assert r.json() == [{"id": key, "name": "Nordwerk Maschinenbau GmbH", "system": "SAP S/4HANA",
                         "result": "disconnected", "message": None}]
    assert "token stops working at once" in r.stderr and "credits return to the pool" in r.stderr
    assert "history already synced is kept" in r.stderr and "NEW connection" in r.stderr
    assert current_with(sbx, token) == 401
    after = sbx.call("GET", "/_sandbox/credits")
    assert after["available"] == credits["available"] + tier_credits and tier_credits > 0
    assert sbx.call("GET", f"/_sandbox/connections/{key}/records/purchase-orders")["meta"]["total"] == records > 0
    assert key not in cached_connections(config_dir)
    assert key not in cli("connections", "list", "-o", "json", "--query", "[].id", env=sbx.env).json()


def test_disconnect_refuses_without_yes_when_not_a_terminal(sbx, cli):
    key = sbx.ids["healthy"]
    r = cli("connections", "disconnect", key, env=sbx.env)
    assert r.code == 2, r
    assert "refusing to disconnect" in r.stderr and "--yes" in r.stderr
    assert "token stops working at once" in r.stderr  # it said what would happen first
    assert r.stdout == ""
    assert sbx.call("GET", f"/_sandbox/connections/{key}")["data"]["disconnected_at"] is None


def test_dry_run_changes_nothing(sbx, cli):
    key = sbx.ids["healthy"]
    r = cli("connections", "disconnect", key, "--dry-run", "--yes", env=sbx.env)
    assert r.code == 0, r
    assert r.json()[0]["result"] == "would_disconnect" and "Would disconnect 1 connection" in r.stderr
    assert sbx.call("GET", f"/_sandbox/connections/{key}")["data"]["disconnected_at"] is None


def test_several_ids_are_each_reported_and_an_unknown_one_fails_the_run(sbx, cli):
    a, b = sbx.ids["healthy"], sbx.ids["slow"]
    r = cli("connections", "disconnect", a, "99999999999999", b, "--yes", env=sbx.env)
    assert r.code == 1, r
    assert [(row["id"], row["result"]) for row in r.json()] == [
        (a, "disconnected"), ("99999999999999", "not_found"), (b, "disconnected")]
    assert "not found: skipped" in r.stderr and "Traceback" not in r.stderr
    for key in (a, b):
        assert sbx.call("GET", f"/_sandbox/connections/{key}")["data"]["disconnected_at"] is not None


def test_only_unknown_ids_is_a_clear_error(sbx, cli):
    r = cli("connections", "disconnect", "99999999999999", "--yes", env=sbx.env)
    assert r.code == 1, r
    assert "no connection '99999999999999'" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_ids_can_come_from_stdin(sbx, cli):
    a, b = sbx.ids["inactive"], sbx.ids["pending"]
    r = cli("connections", "disconnect", "-", "--yes", input=f"{a}\n{b}\n", env=sbx.env)
    assert r.code == 0, r
    assert [row["result"] for row in r.json()] == ["disconnected", "disconnected"]


def test_a_rerun_reports_already_disconnected_and_exits_0(sbx, cli):
    a, b = sbx.ids["healthy"], sbx.ids["slow"]
    assert cli("connections", "disconnect", a, "--yes", env=sbx.env).code == 0
    r = cli("connections", "disconnect", a, b, "--yes", env=sbx.env)  # the script runs again
    assert r.code == 0, r
    rows = r.json()
    assert [(row["id"], row["result"]) for row in rows] == [(a, "already_disconnected"), (b, "disconnected")]
    assert rows[0]["name"] == "Nordwerk Maschinenbau GmbH" and "already disconnected (at " in rows[0]["message"]
    assert f"{a}  already disconnected: skipped" in r.stderr
    r = cli("connections", "disconnect", a, b, "--yes", env=sbx.env)  # and once more: nothing left to do
    assert r.code == 0, r
    assert [row["result"] for row in r.json()] == ["already_disconnected", "already_disconnected"]
    assert "token stops working" not in r.stderr  # nothing to disconnect: no banner, no prompt


def test_an_id_disconnected_elsewhere_is_still_unknown_here(sbx, cli, tmp_path):
    key = sbx.ids["healthy"]
    other = {"MAKINI_CONFIG_DIR": str(tmp_path / "another-machine")}
    assert cli("connections", "disconnect", key, "--yes", env={**sbx.env, **other}).code == 0
    r = cli("connections", "disconnect", key, "--yes", env=sbx.env)
    assert r.code == 1 and f"no connection {key!r}" in r.stderr


def test_the_banner_shows_once_per_run_and_quiet_leaves_it_out(sbx, cli):
    ids = [sbx.ids["healthy"], sbx.ids["slow"], sbx.ids["inactive"]]
    r = cli("connections", "disconnect", *ids, "--dry-run", env=sbx.env)
    assert r.code == 0, r
    assert r.stderr.count("Disconnecting a connection:") == 1
    assert r.stderr.count("token stops working at once") == 1
    r = cli("connections", "disconnect", *ids, "--yes", "--quiet", env=sbx.env)
    assert r.code == 0, r
    assert "token stops working" not in r.stderr and "About to disconnect 3 connections" in r.stderr
    assert [row["result"] for row in r.json()] == ["disconnected"] * 3
