"""Untrusted text is inert wherever a person reads it: a record whose name carries escape
sequences, Rich markup and bidi overrides neither styles, links, retitles nor breaks a view, on a
real terminal; machine formats keep the exact data."""

from __future__ import annotations

import csv
import io
import json
import signal

import httpx
import yaml
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from makini_cli.output import Output, dumps_json, inert
from tests.output.conftest import HOSTILE, VISIBLE


def assert_inert(screen, *, code=0):
    assert screen.code == code, screen.text
    assert screen.foreign_controls() == [], screen.raw
    assert "\x1b]" not in screen.raw and "\x1b[2J" not in screen.raw  # no OSC (title, clipboard, link)
    assert "internal error" not in screen.text and "Traceback" not in screen.text


def test_inert_shows_each_control_character_and_leaves_plain_text_alone():
    assert inert("Nordwerk Maschinenbau GmbH — Zürich 東京") == "Nordwerk Maschinenbau GmbH — Zürich 東京"
    assert inert("a\x1b]0;t\x07b") == "a␛]0;t␇b"
    assert inert("x\x9b31m\x7f\u202e\ud800") == "x\\x9b31m␡\\u202e\\ud800"
    assert inert("one\ntwo\tthree\r") == "one␊two␉three␍"
    assert inert("one\ntwo\tthree\r", lines=True) == "one\ntwo\tthree␍"


def test_json_spells_c1_and_bidi_controls_as_escapes_and_parses_back_to_the_same_string():
    text = dumps_json({"name": HOSTILE})
    assert json.loads(text) == {"name": HOSTILE}
    assert not any(0x7F <= ord(ch) <= 0x9F or ch == "\u202e" or ord(ch) < 0x20 and ch != "\n" for ch in text)


def test_notices_errors_and_hints_are_inert_and_markup_is_never_parsed():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Output("table", stdout=Tty(), stderr=Tty(), color=True)
    out.note(f"created {HOSTILE}")
    out.warn("[bold red]not bold[/bold red] [/oops]")
    out.error({"message": HOSTILE, "hint": f"ask {HOSTILE}", "request_id": "req_\x1b[2J"})
    text = out.stderr.getvalue()
    assert "\x1b]" not in text and "\x1b[2J" not in text and "\x9b" not in text and "\x07" not in text
    assert "[bold red]not bold[/bold red] [/oops]" in text
    assert "error: Evil ␛]0;pwned␛\\" in text and "hint: ask Evil" in text and "req_␛[2J" in text


def test_every_table_and_detail_view_shows_a_hostile_connection_inert(tty, hostile):
    env = hostile.env
    for args in (["connections", "list"], ["connections", "list", "-o", "wide"],
                 ["connections", "status", "--all", "--fail-on", "none"],
                 ["connections", "get", hostile.connection], ["syncs", "status", "--all", "--fail-on", "none"],
                 ["connections", "metadata", hostile.connection]):
        screen = tty(*args, columns=100, env=env)
        assert_inert(screen)
        assert "Evil ␛]0;pwned␛\\" in screen.text, args
    wide = tty("connections", "list", "-o", "wide", columns=100, env=env)
    assert VISIBLE in wide.text and "\x1b]8;" not in wide.raw  # the link markup is text, not a link


def test_hints_for_a_hostile_connection_are_inert(tty, hostile):
    screen = tty("connections", "status", hostile.reauth, hostile.connection, columns=120, env=hostile.env)
    assert_inert(screen, code=3)
    hint = [line for line in screen.lines if line.startswith(hostile.reauth)]
    assert hint and "Evil ␛]0;pwned␛\\" in hint[0]


def test_purchase_order_views_show_hostile_fields_inert(tty, hostile):
    env = hostile.env
    order = hostile.order
    detail = tty("po", "get", order["key"], "-c", hostile.healthy, "--lines", columns=120, env=env)
    assert_inert(detail)
    assert "Purchase order" in detail.lines[0] and VISIBLE in detail.text
    listing = tty("po", "list", "-c", hostile.healthy, "-o", "wide", columns=120, env=env)
    assert_inert(listing)
    lines = tty("po", "lines", order["key"], "-c", hostile.healthy, columns=120, env=env)
    assert_inert(lines)
    assert "Evil ␛]0;pwned" in lines.text


def test_doctor_and_its_support_summary_are_inert(tty, hostile):
    screen = tty("connections", "doctor", hostile.reauth, columns=100, env=hostile.env)
    assert_inert(screen, code=3)
    summary = screen.text[screen.text.index("--- support summary"):]
    assert "Evil ␛]0;pwned␛\\" in summary
    # every line of the summary is one of its own, whatever the name holds
    assert all(line.startswith(("---", "Connection:", "Checked:", "Health:", "Affected", "  ", "Conclusion:"))
               for line in summary.splitlines())


def test_machine_formats_keep_the_exact_data(cli, hostile):
    args = ("connections", "get", hostile.connection)
    assert cli(*args, "-o", "json", env=hostile.env).json()["name"] == HOSTILE
    assert json.loads(cli(*args, "-o", "ndjson", env=hostile.env).stdout)["name"] == HOSTILE
    assert yaml.safe_load(cli(*args, "-o", "yaml", env=hostile.env).stdout)["name"] == HOSTILE
    rows = list(csv.DictReader(io.StringIO(cli(*args, "-o", "csv", env=hostile.env).stdout)))
    assert rows[0]["name"] == HOSTILE


def hostile_server():
    async def fail(request):
        return JSONResponse({"message": HOSTILE, "code": "\x1b]52;c;cm0gLXJmIH4=\x07"}, status_code=500,
                            headers={"X-Request-Id": "req_\x1b[2J"})

    return Starlette(routes=[Route("/{path:path}", fail, methods=["GET", "POST"])])


def test_a_hostile_servers_error_message_is_inert_on_a_terminal_and_exact_in_json(tty, cli, serve):
    server = serve(hostile_server())
    env = {"MAKINI_BASE_URL": server.base_url, "MAKINI_TOKEN": "t0k", "MAKINI_RETRY_MAX_ATTEMPTS": "1"}
    screen = tty("api", "GET", "/api/erp/vendors", columns=100, env=env)
    assert_inert(screen, code=1)
    assert "error: Evil ␛]0;pwned␛\\" in screen.text and VISIBLE in screen.text
    piped = cli("api", "GET", "/api/erp/vendors", "-o", "json", env=env)
    assert piped.code == 1 and json.loads(piped.stderr)["error"]["message"] == HOSTILE


def test_log_views_show_hostile_entries_inert(tty, hostile):
    from makini_cli.connections.errorlog import ConnectionLog
    from makini_cli.webhooks.deliverylog import DeliveryLog

    ConnectionLog().append(hostile.connection, {"time": "2026-12-01T07:00:00Z", "operation": HOSTILE,
                                                "status": 500, "code": "server_error", "message": HOSTILE,
                                                "request_id": "req_1"})
    DeliveryLog().append(source="listen", url="http://127.0.0.1/\x1b]0;x\x07", event=HOSTILE,
                         status_code=401, duration_ms=1.5, error=HOSTILE)
    for args in (["connections", "errors", hostile.connection], ["webhooks", "logs"]):
        screen = tty(*args, columns=120, env=hostile.env)
        assert_inert(screen)
        assert "Evil ␛]0;pwned" in screen.text, args


def test_listener_lines_on_stderr_are_inert(makini_process):
    proc = makini_process("webhooks", "listen", "--port", "0")
    url = proc.stderr_until(r"^listening on (http://127\.0\.0\.1:\d+/) ").group(1)
    body = json.dumps({"event": "purchase-orders.inserted", "body": [HOSTILE]})
    assert httpx.post(url, content=body, timeout=10).status_code == 200
    assert httpx.post(url, content=json.dumps({"event": HOSTILE, "body": []}), timeout=10).status_code >= 200
    line = proc.stderr_until(r"purchase-orders\.inserted").string
    assert "Evil ␛]0;pwned␛\\" in line and "\x1b" not in line and "\x9b" not in line
    assert json.loads(proc.stdout_line())["body"] == [HOSTILE]  # stdout keeps the exact data
    assert proc.stop(signal.SIGTERM) == 0
    assert not any("\x1b" in line or "\x07" in line for line in proc.stderr_lines)
