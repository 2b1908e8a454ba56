"""What a person meets at a terminal: Ctrl-C or Ctrl-D at a confirmation prompt is an interruption
(exit 130, nothing changed); `reconnect --open` never starts a console browser and writes only
the URL to stdout; and not being logged in is "log in" (exit 4), not a complaint about an
option that was never given."""

from __future__ import annotations

import fcntl
import json
import os
import select
import stat
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


class Terminal:
    """makini on a pseudo-terminal that is its controlling terminal, so ^C is a real SIGINT and
    ^D a real end of file, as when a person presses them."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.main, child = os.openpty()
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("MAKINI_") or k == "MAKINI_CONFIG_DIR"}
        full_env.update(env, COLUMNS="200", NO_COLOR="1")

        def controlling_terminal():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([sys.executable, "-m", "makini_cli", *args], stdin=child, stdout=child,
                                     stderr=child, env=full_env, preexec_fn=controlling_terminal)
        os.close(child)
        self.screen = b""

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.screen:
            assert time.monotonic() < deadline, f"no {text!r} on the screen: {self.screen!r}"
            self._read(0.2)

    def press(self, keys: bytes) -> None:
        os.write(self.main, keys)

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        while self._read(0.1):
            pass
        os.close(self.main)
        return self.proc.wait(timeout=5), self.screen.decode(errors="replace")

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.main], [], [], wait)
        if not ready:
            return False
        try:
            data = os.read(self.main, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.screen += data
        return bool(data)


@pytest.mark.parametrize("key", [b"\x03", b"\x04"], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_or_ctrl_d_at_the_confirmation_prompt_exits_130_and_changes_nothing(sbx, cli, key):
    target = sbx.ids["healthy"]
    term = Terminal(["connections", "disconnect", target], sbx.env)
    term.wait_for("Disconnect 1 connection?")
    term.press(key)
    code, screen = term.finish()
    assert code == 130, screen
    assert "Cancelled: nothing was changed." in screen
    assert "aborted" not in screen and "error" not in screen
    r = cli("connections", "get", target, env=sbx.env)
    assert r.code == 0 and r.json()["id"] == target  # still there


def test_ctrl_c_at_the_secret_prompt_of_auth_login_exits_130(config_dir):
    term = Terminal(["auth", "login", "--client-id", "abc"], {"MAKINI_CONFIG_DIR": str(config_dir)})
    term.wait_for("Client secret")
    term.press(b"\x03")
    code, screen = term.finish()
    assert code == 130, screen
    assert "aborted" not in screen and "error" not in screen
    assert not (config_dir / "credentials.toml").exists()


# --- reconnect --open ---------------------------------------------------------------------------

CONSOLE_BROWSERS = ("lynx", "w3m", "links", "elinks", "www-browser", "x-www-browser", "xdg-open")


def fake_programs(tmp_path: Path, names, log: Path) -> Path:
    """Programs that log their arguments and, like a console browser, paint the screen on stdout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in names:
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\necho \"{name} $*\" >> '{log}'\nprintf '\\033[?1049h\\033[2Jscreen of {name}\\n'\n")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return bin_dir


def reconnect_env(sbx, bin_dir: Path, **extra: str) -> dict[str, str]:
    return {**sbx.env, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "DISPLAY": "",
            "WAYLAND_DISPLAY": "", "BROWSER": "", **extra}


def test_reconnect_open_without_a_display_starts_no_console_browser(sbx, run_cli, tmp_path):
    log = tmp_path / "launched.log"
    bin_dir = fake_programs(tmp_path, CONSOLE_BROWSERS, log)
    r = run_cli("connections", "reconnect", sbx.ids["needs_reauth"], "--open", env=reconnect_env(sbx, bin_dir))
    assert r.code == 0, r
    assert r.stdout.startswith("https://link.makini.io/") and r.stdout.count("\n") == 1  # the URL, only
    assert "\x1b" not in r.stdout + r.stderr
    assert not log.exists(), log.read_text()
    assert "could not open a browser (no graphical display, and $BROWSER is not set)" in r.stderr


def test_reconnect_open_honours_browser_and_keeps_its_output_off_stdout(sbx, run_cli, tmp_path):
    log = tmp_path / "launched.log"
    bin_dir = fake_programs(tmp_path, [*CONSOLE_BROWSERS, "my-browser"], log)
    env = reconnect_env(sbx, bin_dir, BROWSER=f"does-not-exist{os.pathsep}my-browser --new-tab %s")
    r = run_cli("connections", "reconnect", sbx.ids["needs_reauth"], "--open", env=env)
    assert r.code == 0, r
    url = r.stdout.strip()
    assert r.stdout == url + "\n" and url.startswith("https://link.makini.io/")
    assert log.read_text() == f"my-browser --new-tab {url}\n"  # once, with the URL, nothing else ran
    assert "screen of my-browser" in r.stderr and "could not open" not in r.stderr


def test_reconnect_open_with_a_display_uses_the_desktop_opener_once(sbx, run_cli, tmp_path):
    log = tmp_path / "launched.log"
    bin_dir = fake_programs(tmp_path, CONSOLE_BROWSERS, log)
    r = run_cli("connections", "reconnect", sbx.ids["needs_reauth"], "--open", env=reconnect_env(sbx, bin_dir, DISPLAY=":0"))
    assert r.code == 0, r
    url = r.stdout.strip()
    assert r.stdout == url + "\n"
    deadline = time.monotonic() + 30  # the opener is started detached: wait for its log line
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert log.read_text() == f"xdg-open {url}\n"


# --- not logged in ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["connections", "status"], ["connections", "status", "--all"],
                                  ["syncs", "status"], ["connections", "status", "0900"]])
def test_status_when_not_logged_in_says_log_in_and_exits_4(cli, args):
    r = cli(*args)
    assert r.code == 4 and r.stdout == ""
    err = json.loads(r.stderr)["error"]
    assert err["code"] == "auth_failed"
    assert err["message"].startswith("not logged in") and "--all" not in err["message"]
    assert "makini auth login" in err["hint"]


def test_status_usage_mistakes_still_come_first_when_not_logged_in(cli):
    r = cli("connections", "status", "--all", "0900")
    assert r.code == 2 and "not both" in json.loads(r.stderr)["error"]["message"]
