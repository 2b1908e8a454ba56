"""`connections status` / `syncs status` against the sandbox over real HTTP: each seeded scenario
lands in the right state, exit codes 0/3/4, ids from stdin, the jq pipeline."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest


def by_id(result) -> dict[str, dict]:
    return {row["id"]: row for row in result.json()}


def test_every_seeded_scenario_is_classified_right(sbx, cli):
    r = cli("connections", "status", "--all", "-o", "json", env=sbx.env)
    assert r.code == 3, r
    rows = by_id(r)
    ids = sbx.ids
    expect = {"healthy": "healthy", "syncing": "syncing", "needs_reauth": "needs_reauth",
              "offline": "unreachable", "inactive": "inactive", "pending": "inactive",
              "forbidden": "healthy", "slow": "healthy", "rate_limited": "healthy"}
    assert {name: rows[ids[name]]["health"] for name in expect} == expect
    assert len(rows) == 10
    reauth = rows[ids["needs_reauth"]]
    assert reauth["sync_status"] == "fail"
    assert f"client_id={sbx.client_id}" in reauth["hint"]
    assert "https://link.makini.io/oauth/authorize?" in reauth["hint"] and "response_type=code" in reauth["hint"]
    assert "redirect_uri=https%3A%2F%2Fapp.example.com%2Fmakini%2Fcallback" in reauth["hint"]
    offline = rows[ids["offline"]]
    assert offline["error"]["status"] == 503 and offline["error"]["request_id"].startswith("req_")
    assert "Pending" in rows[ids["pending"]]["reason"] and "Inactive" in rows[ids["inactive"]]["reason"]
    assert rows[ids["healthy"]]["last_sync"].endswith("Z") and rows[ids["healthy"]]["age_seconds"] >= 0


def test_all_healthy_or_syncing_exits_0(sbx, cli):
    r = cli("connections", "status", sbx.ids["healthy"], sbx.ids["syncing"], env=sbx.env)
    assert r.code == 0, r
    assert [row["health"] for row in r.json()] == ["healthy", "syncing"]
    assert r.stderr == ""  # not a terminal: no summary line, no progress


def test_fail_on_chooses_which_states_fail(sbx, cli):
    ids = sbx.ids
    r = cli("connections", "status", ids["offline"], ids["inactive"], "--fail-on", "needs_reauth", env=sbx.env)
    assert r.code == 0, r
    r = cli("connections", "status", ids["offline"], "--fail-on", "unreachable,needs_reauth", env=sbx.env)
    assert r.code == 3, r
    r = cli("connections", "status", ids["healthy"], "--fail-on", "sickly", env=sbx.env)
    assert r.code == 2 and "unknown state 'sickly'" in r.stderr


def test_an_unknown_id_is_reported_as_an_error_row(sbx, cli):
    r = cli("connections", "status", "99999999999999", "-o", "json", env=sbx.env)
    assert r.code == 3
    assert r.json()[0]["health"] == "error" and "no such connection" in r.json()[0]["reason"]


def test_refused_application_credentials_exit_4(sbx, cli):
    env = dict(sbx.env, MAKINI_CLIENT_SECRET="wrong")
    r = cli("connections", "status", "--all", env=env)
    assert r.code == 4, r
    assert "refused" in r.stderr and r.stdout == ""


def test_a_single_connection_token_checks_its_own_connection_and_exit_4_when_refused(sbx, cli):
    token = cli("connections", "token", sbx.ids["syncing"], env=sbx.env).stdout.strip()
    env = {"MAKINI_BASE_URL": sbx.base_url, "MAKINI_TOKEN": token}
    r = cli("connections", "status", "-o", "json", env=env)
    assert r.code == 0, r
    assert r.json()[0]["id"] == sbx.ids["syncing"] and r.json()[0]["health"] == "syncing"
    r = cli("connections", "status", env={**env, "MAKINI_TOKEN": token[:-4] + "AAAA"})
    assert r.code == 4, r


def test_ids_come_from_stdin_with_dash(sbx, cli):
    ids = sbx.ids
    r = cli("connections", "status", "-", "-o", "json", input=f"{ids['healthy']}\n\n# a comment\n{ids['syncing']} {ids['healthy']}\n",
            env=sbx.env)
    assert r.code == 0, r
    assert [row["id"] for row in r.json()] == [ids["healthy"], ids["syncing"]]  # each once, in order
    r = cli("connections", "status", "-", input="", env=sbx.env)
    assert r.code == 2 and "no connection ids" in r.stderr


def test_ids_and_all_together_are_refused(sbx, cli):
    r = cli("connections", "status", sbx.ids["healthy"], "--all", env=sbx.env)
    assert r.code == 2 and "not both" in r.stderr


def test_results_keep_input_order_at_any_concurrency(sbx, cli):
    one = cli("connections", "status", "--all", "--concurrency", "1", "-o", "json", env=sbx.env)
    many = cli("connections", "status", "--all", "--concurrency", "7", "-o", "json", env=sbx.env)
    assert [r["id"] for r in one.json()] == [r["id"] for r in many.json()]
    assert [r["health"] for r in one.json()] == [r["health"] for r in many.json()]


def test_syncs_status_shows_the_same_classification(sbx, cli):
    r = cli("syncs", "status", sbx.ids["needs_reauth"], "-o", "csv", env=sbx.env)
    assert r.code == 3
    header, row = r.stdout.splitlines()
    assert header == "id,name,sync_status,last_sync,health,reason"
    assert ",fail," in row and "needs_reauth" in row


def _pipeline(sbx, middle: str, run_env) -> subprocess.CompletedProcess:
    makini = f"{sys.executable} -m makini_cli"
    script = f"{makini} connections list -o json | {middle} | {makini} connections status - -o json"
    return subprocess.run(["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True, env=run_env,
                          timeout=120)


@pytest.fixture
def run_env(sbx):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKINI_") or k == "MAKINI_CONFIG_DIR"}
    env.update(sbx.env)
    return env


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_list_piped_through_jq_into_status_works(sbx, run_env):
    proc = _pipeline(sbx, "jq -r '.[].id'", run_env)
    assert proc.returncode == 3, proc.stderr  # the seeded data has unhealthy connections
    assert [row["id"] for row in json.loads(proc.stdout)] == [c["key"] for c in sbx.sandbox.connections()]


def test_list_piped_through_python_into_status_works(sbx, run_env):
    middle = f"{sys.executable} -c \"import json,sys; print('\\n'.join(r['id'] for r in json.load(sys.stdin)))\""
    proc = _pipeline(sbx, middle, run_env)
    assert proc.returncode == 3, proc.stderr
    assert [row["id"] for row in json.loads(proc.stdout)] == [c["key"] for c in sbx.sandbox.connections()]
