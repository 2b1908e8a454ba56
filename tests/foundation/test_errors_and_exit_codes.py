"""Error bodies are parsed leniently and mapped to stable codes and exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from makini_cli import exitcodes
from makini_cli import errors
from makini_cli.api import errors as api_errors


@pytest.mark.parametrize("status,cls,exit_code", [
    (400, errors.ValidationFailed, 2), (401, errors.AuthFailed, 4), (403, errors.PermissionDenied, 4),
    (404, errors.NotFound, 1), (422, errors.ValidationFailed, 2), (429, errors.RateLimited, 1),
    (500, errors.ServerError, 1), (503, errors.ServerError, 1),
])
def test_status_maps_to_error_class_and_exit_code(status, cls, exit_code):
    err = api_errors.error_for_status(status, {"message": "m", "code": "C", "request_id": "rid"},
                                  request_id=None, retry_after=None, method="GET", path="/x")
    assert type(err) is cls
    assert (err.message, err.makini_code, err.request_id) == ("m", "C", "rid")
    assert exitcodes.for_error(err) == exit_code


@pytest.mark.parametrize("body,message,code", [
    ({"error": "bad thing"}, "bad thing", None),
    ({"error": {"message": "nested", "code": "X"}}, "nested", "X"),
    ({"errors": {"orderNo": ["is required"]}}, "orderNo: is required", None),
    ({"errors": [{"field": "a", "message": "b"}]}, "a: b", None),
    ({"type": "RATE_LIMIT_EXCEEDED"}, None, "RATE_LIMIT_EXCEEDED"),
    ("not a dict", None, None),
    (None, None, None),
])
def test_error_bodies_are_parsed_leniently(body, message, code):
    got_message, got_code, _rid, _fields = api_errors.parse_error_body(body)
    assert (got_message, got_code) == (message, code)


def test_header_request_id_wins_and_a_message_is_always_there():
    err = api_errors.error_for_status(502, None, request_id="hdr", retry_after=3.0, method="GET", path="/api/x")
    assert err.request_id == "hdr" and "502" in err.message and err.retry_after == 3.0


def test_usage_errors_exit_2_with_one_line_and_a_hint(cli):
    r = cli("config", "get")
    assert r.code == 2
    r = cli("config", "nosuch")
    assert r.code == 2 and "Traceback" not in r.stderr


def test_unknown_command_exits_2(cli):
    r = cli("frobnicate")
    assert r.code == 2 and "frobnicate" in r.stderr


def test_version_is_fast_path_and_exit_0():
    proc = subprocess.run([sys.executable, "-m", "makini_cli", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("makini ")


def test_help_lists_exit_codes():
    proc = subprocess.run([sys.executable, "-m", "makini_cli", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "130 interrupted" in " ".join(proc.stdout.split())


def test_interrupt_exits_130_quietly(config_dir):
    """Ctrl-C while waiting on a server that never answers: exit 130, no traceback."""
    import os
    import signal
    import socket
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    port = server.getsockname()[1]
    env = dict(os.environ, MAKINI_CLIENT_ID="id", MAKINI_CLIENT_SECRET="secret")
    proc = subprocess.Popen([sys.executable, "-m", "makini_cli", "--base-url", f"http://127.0.0.1:{port}",
                             "api", "GET", "/api/system/client"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        conn, _ = server.accept()  # the request has been sent: makini is now waiting
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
        server.close()
    assert proc.returncode == 130
    assert "Traceback" not in err
    conn.close()
