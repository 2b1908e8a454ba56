"""Bad URLs are usage errors (exit 2) caught up front by the one validator in makini_cli/urls.py,
wherever a URL comes in: the base-URL setting, the global --base-url, MAKINI_BASE_URL,
`webhooks test`, `--forward-to`, `replay --to`, `configure-sandbox --url`, `--webhook-url`."""

from __future__ import annotations

import pytest

from makini_cli.urls import BadURL, check_url
from tests.hostile.conftest import error_of

WHY = {
    "http://[::1": "it has an unclosed '[' or an invalid IPv6 address",
    "http://127.0.0.1:99999": "the port must be a number from 1 to 65535",
    "http://host:port/": "the port must be a number from 1 to 65535",
    "http://::1/": "an IPv6 address must be in brackets, e.g. http://[::1]:8080/",
    "http://[zz]/": "it has an unclosed '[' or an invalid IPv6 address",
    "ftp://example.com/": "it must start with http:// or https://",
    "https://": "it has no host",
    "http://exa mple.com/": "it contains a space or a control character",
    "http://127.0.0.1:0/": "port 0 cannot be connected to",
}


@pytest.mark.parametrize("url", list(WHY))
def test_the_validator_says_why_a_url_is_unusable(url):
    with pytest.raises(BadURL) as caught:
        check_url(url)
    assert str(caught.value) == WHY[url]


@pytest.mark.parametrize("url", ["https://api.makini.io", "http://127.0.0.1:8080/hooks?x=1",
                                 "http://[::1]:9000/", "https://user:pw@host.example:443/p"])
def test_the_validator_accepts_usable_urls(url):
    assert check_url(url) == url


@pytest.mark.parametrize("args, where", [
    (["config", "set", "base_url", "http://[::1"], "value: base_url"),
    (["--base-url", "http://127.0.0.1:99999", "connections", "list"], "--base-url: base_url"),
    (["webhooks", "test", "http://[::1", "--secret", "s"], "URL"),
    (["webhooks", "listen", "--port", "0", "--forward-to", "http://127.0.0.1:99999/"], "--forward-to"),
    (["webhooks", "replay", "wdl_0123456789abcdef", "--to", "http://[::1"], "--to"),
    (["sandbox", "serve", "--port", "0", "--webhook-url", "http://[::1"], "--webhook-url"),
    (["--sandbox", "webhooks", "configure-sandbox", "--url", "http://[::1"], "--url"),
], ids=lambda v: v[0] if isinstance(v, str) else " ".join(v[:2]))
def test_a_bad_url_anywhere_is_exit_2_with_a_hint(cli, args, where):
    r = cli(*args)
    assert r.code == 2, r
    assert r.stdout == ""
    err = error_of(r)
    assert err["code"] == "usage_error"
    assert err["message"].startswith(f"{where}: ")
    assert "is not a usable URL: " in err["message"]
    assert err["hint"].startswith("give an absolute http(s) URL, e.g. ")


def test_a_bad_base_url_from_the_environment_is_exit_2(cli):
    r = cli("connections", "list", env={"MAKINI_BASE_URL": "http://[::1"})
    assert r.code == 2
    assert error_of(r)["message"] == ("MAKINI_BASE_URL: base_url: 'http://[::1' is not a usable URL: "
                                      "it has an unclosed '[' or an invalid IPv6 address")
