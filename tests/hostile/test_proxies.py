"""Secrets stay off the wire in clear text: with HTTP_PROXY/HTTPS_PROXY/ALL_PROXY set, loopback
targets are reached directly (never through the proxy, where the client secret and the bearer
token would travel in clear text), an https target goes through the proxy only as a CONNECT
tunnel, and plain http to another host is refused before anything is sent.

The proxy is a recording one (tests/hostile/servers.py): it keeps every byte a client sends it
and forwards nothing."""

from __future__ import annotations

import pytest

from tests.hostile import servers
from tests.hostile.conftest import error_of


def proxied(proxy_url: str) -> dict[str, str]:
    return {"HTTP_PROXY": proxy_url, "HTTPS_PROXY": proxy_url, "ALL_PROXY": proxy_url,
            "http_proxy": proxy_url, "https_proxy": proxy_url, "all_proxy": proxy_url}


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_targets_never_go_through_the_proxy(served_sandbox, run_cli, host):
    sb = served_sandbox
    base = sb.base_url.replace("127.0.0.1", host)
    with servers.RecordingProxy() as proxy:
        env = {"MAKINI_BASE_URL": base, "MAKINI_CLIENT_ID": sb.client_id,
               "MAKINI_CLIENT_SECRET": sb.client_secret, **proxied(proxy.url)}
        r = run_cli("connections", "list", "-o", "json", env=env)
    assert r.code == 0, r
    assert len(r.json()) > 0
    assert proxy.seen == []


def test_an_https_target_through_an_http_proxy_is_a_tunnel_carrying_no_secret(run_cli):
    with servers.RecordingProxy() as proxy:
        env = {"MAKINI_BASE_URL": "https://api.makini.invalid", "MAKINI_CLIENT_ID": "cid",
               "MAKINI_CLIENT_SECRET": servers.CLIENT_SECRET, **proxied(proxy.url),
               "MAKINI_RETRY_MAX_ATTEMPTS": "1"}
        r = run_cli("connections", "list", env=env)
    assert r.code == 1  # the recording proxy refuses the tunnel (502)
    assert error_of(r)["code"] == "network_error"
    assert proxy.seen and all(req.startswith(b"CONNECT api.makini.invalid:443 ") for req in proxy.seen)
    assert servers.CLIENT_SECRET not in proxy.text and "authorization" not in proxy.text.lower()


def test_plain_http_to_another_host_is_refused_before_the_proxy_sees_it(run_cli):
    with servers.RecordingProxy() as proxy:
        env = {"MAKINI_BASE_URL": "http://api.makini.invalid", "MAKINI_CLIENT_ID": "cid",
               "MAKINI_CLIENT_SECRET": servers.CLIENT_SECRET, **proxied(proxy.url)}
        r = run_cli("connections", "list", env=env)
    assert r.code == 2
    err = error_of(r)
    assert err["code"] == "insecure_transport"
    assert err["message"] == "refusing to send credentials over plain http to api.makini.invalid"
    assert proxy.seen == []


def test_webhook_tools_reach_a_loopback_receiver_directly(serve, run_cli, tmp_path):
    from makini_cli.webhooks.listener import create_app

    secret = tmp_path / "secret.txt"
    secret.write_text("whsec_proxy")
    receiver = serve(create_app(secret="whsec_proxy", log=False))
    with servers.RecordingProxy() as proxy:
        r = run_cli("webhooks", "test", receiver.base_url + "/", "--secret-file", str(secret),
                    "-e", "assets.updated", env=proxied(proxy.url))
    assert r.code == 0, r
    assert proxy.seen == []


def test_the_proxy_rule_in_one_place():
    from makini_cli.urls import direct_mounts

    mounts = direct_mounts("http://127.0.0.5:8080/")
    assert set(mounts) == {"all://localhost", "all://*.localhost", "all://127.0.0.1", "all://[::1]",
                           "all://127.0.0.5"}
    assert set(mounts.values()) == {None}  # None: the client's own, direct transport
    assert "all://api.makini.io" not in direct_mounts("https://api.makini.io")
