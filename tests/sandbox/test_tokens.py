"""Tokens: kinds, expiry by the sandbox clock, refresh (old pair dies), re-mint."""

from __future__ import annotations

import time


def _login(c):
    r = c.post("/link/token", json={"grant_type": "client_credentials",
                                    "client_id": c.sandbox.client_id,
                                    "client_secret": c.sandbox.client_secret})
    assert r.status_code == 200
    return r.json()


def test_token_shape_and_absolute_expiry(sandbox_client):
    pair = _login(sandbox_client)
    assert pair["token_type"] == "bearer"
    assert pair["access_token"].count(".") == 2
    assert pair["expires_in"] > time.time() + 29 * 86400  # absolute Unix time, ~30 days


def test_bad_credentials_and_grants(sandbox_client):
    c = sandbox_client
    r = c.post("/link/token", json={"grant_type": "client_credentials", "client_id": "x",
                                    "client_secret": "y"})
    assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_FAILED"
    assert c.post("/link/token", json={"grant_type": "password"}).status_code == 400
    form = c.post("/link/token", data={"grant_type": "client_credentials",
                                       "client_id": c.sandbox.client_id,
                                       "client_secret": c.sandbox.client_secret})
    assert form.status_code == 200


def test_kinds_and_missing(sandbox_client):
    c = sandbox_client
    adm, conn = c.admin(), c.conn(0)
    assert c.get("/api/system/client", headers=conn).status_code == 403
    assert c.get("/api/integrations/current", headers=adm).status_code == 403
    for h in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
              {"Authorization": adm["Authorization"][:-3] + "abc"}):
        r = c.get("/api/system/client", headers=h)
        assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_FAILED"


def test_expiry_by_clock_and_refresh(sandbox_client):
    c = sandbox_client
    pair = _login(c)
    h = {"Authorization": f"Bearer {pair['access_token']}"}
    assert c.get("/api/system/client", headers=h).status_code == 200
    c.post("/_sandbox/clock", json={"advance": 30 * 86400 + 5})
    assert c.get("/api/system/client", headers=h).status_code == 401
    new = c.post("/link/token", json={"grant_type": "refresh_token",
                                      "refresh_token": pair["refresh_token"]})
    assert new.status_code == 200
    assert c.get("/api/system/client", headers={
        "Authorization": f"Bearer {new.json()['access_token']}"}).status_code == 200
    # the old pair is dead, refresh token included
    again = c.post("/link/token", json={"grant_type": "refresh_token",
                                        "refresh_token": pair["refresh_token"]})
    assert again.status_code == 401


def test_refresh_token_is_not_an_access_token(sandbox_client):
    pair = _login(sandbox_client)
    r = sandbox_client.get("/api/system/client",
                           headers={"Authorization": f"Bearer {pair['refresh_token']}"})
    assert r.status_code == 401


def test_force_expire_then_refresh_connection_token(sandbox_client):
    c = sandbox_client
    key = c.sandbox.connections()[0]["key"]
    minted = c.post(f"/api/system/connections/{key}/token", headers=c.admin()).json()["data"]
    h = {"Authorization": f"Bearer {minted['access_token']}"}
    assert c.post("/_sandbox/tokens/expire", json={"kind": "connection"}).json()["expired"] >= 1
    assert c.get("/api/erp/vendors", headers=h).status_code == 401
    adm = c.admin()  # admin tokens unaffected by kind=connection
    re_minted = c.post(f"/api/system/connections/{key}/token", headers=adm).json()["data"]
    assert c.get("/api/erp/vendors", headers={
        "Authorization": f"Bearer {re_minted['access_token']}"}).status_code == 200
    refreshed = c.post("/link/token", json={"grant_type": "refresh_token",
                                            "refresh_token": minted["refresh_token"]})
    assert refreshed.status_code == 200
    assert c.get("/api/erp/vendors", headers={
        "Authorization": f"Bearer {refreshed.json()['access_token']}"}).status_code == 200


def test_mint_with_short_lifetime_and_ttl_knob(sandbox_client):
    c = sandbox_client
    key = c.sandbox.connections()[0]["key"]
    minted = c.post(f"/api/system/connections/{key}/token", headers=c.admin(),
                    json={"expires_in": 300}).json()["data"]
    assert minted["expires_in"] - c.sandbox.clock() <= 301
    c.post("/_sandbox/clock", json={"advance": 301})
    assert c.get("/api/erp/vendors", headers={
        "Authorization": f"Bearer {minted['token']}"}).status_code == 401
    c.post("/_sandbox/knobs", json={"admin_token_ttl": 60})
    pair = _login(c)
    assert pair["expires_in"] - c.sandbox.clock() <= 61


def test_tokens_of_another_seed_are_rejected():
    from makini_cli.sandbox.app import create_app

    a, b = create_app(seed=1).state.sandbox, create_app(seed=2).state.sandbox
    with a.tx():
        tok = a.tokens.issue_pair("admin", a.client_id, 60, 60)["access_token"]
    import pytest

    from makini_cli.sandbox.errors import ApiError

    with pytest.raises(ApiError):
        b.tokens.verify(tok)
