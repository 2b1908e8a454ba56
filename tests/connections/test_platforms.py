"""`connections platforms` lists the slugs `connections create --provider` takes; an unknown slug
is refused before anything is sent, naming the one that was meant."""

from __future__ import annotations

import json


def test_platforms_lists_slug_name_kind_and_tier(sbx, cli):
    r = cli("connections", "platforms", env=sbx.env)
    assert r.code == 0, r
    rows = {row["slug"]: row for row in r.json()}
    assert rows["sap_s4hana"] == {"slug": "sap_s4hana", "name": "SAP S/4HANA", "kind": "ERP", "tier": "III",
                                  "credits": 4}
    assert rows["upkeep"]["kind"] == "CMMS" and rows["upkeep"]["tier"] == "I"
    assert len(rows) == 16  # two pages of the sandbox's list
    r = cli("connections", "platforms", "-o", "csv", env=sbx.env)
    assert r.stdout.splitlines()[0] == "slug,name,kind,tier,credits"


def test_create_with_a_loose_slug_says_which_one_was_meant(sbx, cli, tmp_path):
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"username": "integration", "password": "x"}))
    before = len(cli("connections", "list", env=sbx.env).json())
    for typed, meant in (("sap", "sap_s4hana"), ("maximo", "ibm_maximo"), ("upkep", "upkeep")):
        r = cli("connections", "create", "--provider", typed, "--name", "Acme", "--email", "ops@acme.example",
                "--credentials-file", str(creds), env=sbx.env)
        assert r.code == 2, r
        assert f"unknown provider '{typed}': did you mean '{meant}'?" in r.stderr
        assert "makini connections platforms" in r.stderr
    r = cli("connections", "create", "--provider", "nothing-like-it", "--name", "Acme", "--email",
            "ops@acme.example", "--credentials-file", str(creds), env=sbx.env)
    assert r.code == 2 and "unknown provider 'nothing-like-it'" in r.stderr and "did you mean" not in r.stderr
    assert len(cli("connections", "list", env=sbx.env).json()) == before  # nothing was created
    r = cli("connections", "create", "--provider", "sap_s4hana", "--name", "Acme", "--email", "ops@acme.example",
            "--credentials-file", str(creds), env=sbx.env)
    assert r.code == 0, r
    assert len(cli("connections", "list", env=sbx.env).json()) == before + 1
