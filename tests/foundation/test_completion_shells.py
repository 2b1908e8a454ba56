"""Completion in real shells: bash, zsh and fish run in tmux with the committed scripts sourced,
keys are typed, TAB is pressed, and the line on the screen is read back. A shell (or tmux) that
is not installed is skipped with the reason; CI machines may lack zsh and fish.

The ids complete from the embedded sandbox's API, as a user's would from Makini's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

BASH_COMPLETION = Path("/usr/share/bash-completion/bash_completion")

# name -> (executable, argv, setup typed at the prompt, which cases). "source" variants run every
# case; the others install the script the way the README says and check that it loads.
SHELLS = {
    "bash": ("bash", ["bash", "--norc", "--noprofile"],
             ["PS1='$ '", "source <(makini completion bash)"], "all"),
    "bash-completion": ("bash", ["bash", "--norc", "--noprofile"],
                        ["PS1='$ '", "mkdir -p $XDG_DATA_HOME/bash-completion/completions",
                         "makini completion bash > $XDG_DATA_HOME/bash-completion/completions/makini",
                         f"source {BASH_COMPLETION}"], "install"),
    "zsh": ("zsh", ["zsh", "-f"],
            ["PROMPT='$ '", "autoload -Uz compinit && compinit -u", "source <(makini completion zsh)"], "all"),
    "zsh-fpath": ("zsh", ["zsh", "-f"],
                  ["PROMPT='$ '", "mkdir -p ~/.zfunc && makini completion zsh > ~/.zfunc/_makini",
                   "fpath=(~/.zfunc $fpath)", "autoload -Uz compinit && compinit -u"], "install"),
    "fish": ("fish", ["fish", "--no-config"],
             ["function fish_prompt; echo -n '$ '; end", "set -g fish_autosuggestion_enabled 0",
              "makini completion fish | source"], "all"),
    "fish-autoload": ("fish", ["fish"],
                      ["function fish_prompt; echo -n '$ '; end", "set -g fish_autosuggestion_enabled 0",
                       "mkdir -p ~/.config/fish/completions",
                       "makini completion fish > ~/.config/fish/completions/makini.fish"], "install"),
}

# (typed, what the line must read after one TAB)
CASES = [
    ("makini conn", "makini connections"),                                   # a group
    ("makini connections list -o js", "makini connections list -o json"),    # -o after the command: formats
    ("makini connections list --sa", "makini connections list --sandbox"),    # a global option after the command
    ("makini --sandbox connections status 0000029", "makini --sandbox connections status 00000297333035"),
    ("makini connections doctor --sandbox 0000067", "makini connections doctor --sandbox 00000675398145"),
    ("makini --sandbox po export -c 0000043", "makini --sandbox po export -c 00000431924971"),
    ("makini --sandbox syncs wait 0000050", "makini --sandbox syncs wait 00000503315726"),
    ("makini --sandbox connections disconnect 0000090", "makini --sandbox connections disconnect 00000909667765"),
    ("makini mappings show purchase-orders.l", "makini mappings show purchase-orders.line-items"),
    ("makini help exit", "makini help exit-codes"),
]
INSTALL_CASES = [CASES[0], CASES[3]]


class Pane:
    """One shell in a detached tmux session of its own (its own server socket)."""

    def __init__(self, tmp: Path, argv: list[str], env: dict[str, str]) -> None:
        self.socket = str(tmp / f"tmux-{uuid.uuid4().hex[:8]}.sock")
        launch = " ".join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv])
        self.tmux("new-session", "-d", "-s", "t", "-x", "200", "-y", "40", launch)

    def tmux(self, *args: str) -> str:
        proc = subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, timeout=20)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def line(self) -> str:
        lines = [li.rstrip() for li in self.tmux("capture-pane", "-p", "-t", "t").splitlines() if li.strip()]
        return lines[-1] if lines else ""

    def run(self, command: str) -> None:
        marker = f"ok-{uuid.uuid4().hex[:6]}"
        self.send(f"{command}; echo {marker}", "Enter")
        self.wait(lambda: marker in self.tmux("capture-pane", "-p", "-t", "t").split("echo")[-1], command)

    def wait(self, ready, what: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.1)
        raise AssertionError(f"{what}: the screen shows {self.tmux('capture-pane', '-p', '-t', 't')!r}")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=20)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed (apt-get install tmux)")
    if not (BIN / "makini").exists():
        pytest.skip(f"no makini executable beside {sys.executable} (pip install -e .)")
    path = tmp_path_factory.mktemp("shell-home")
    # the embedded sandbox's database, made once here rather than inside the first TAB
    env = dict(os.environ, MAKINI_CONFIG_DIR=str(path / "makini"))
    subprocess.run([str(BIN / "makini"), "--sandbox", "connections", "list", "-o", "json"],
                   env=env, capture_output=True, check=True, timeout=120)
    return path


@pytest.mark.parametrize("variant", list(SHELLS))
def test_tab_completes_commands_options_formats_ids_and_entities(variant, home, tmp_path):
    shell, argv, setup, which = SHELLS[variant]
    if not shutil.which(shell):
        pytest.skip(f"{shell} is not installed (apt-get install {shell})")
    if variant == "bash-completion" and not BASH_COMPLETION.exists():
        pytest.skip("the bash-completion package is not installed (apt-get install bash-completion)")
    user = tmp_path / "home"  # each shell its own home: an installed script must not leak into the next
    user.mkdir()
    env = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(user), "TERM": "xterm-256color",
           "LANG": "C.UTF-8", "MAKINI_CONFIG_DIR": str(home / "makini"),
           "XDG_CONFIG_HOME": str(user / ".config"), "XDG_DATA_HOME": str(user / ".local" / "share")}
    pane = Pane(tmp_path, argv, env)
    try:
        pane.wait(lambda: pane.line() != "", f"{variant} started")
        for command in setup:
            pane.run(command)
        failures = []
        for typed, expected in (CASES if which == "all" else INSTALL_CASES):
            pane.send("C-u")
            pane.send("-l", typed)
            pane.send("Tab")
            try:
                pane.wait(lambda: pane.line().endswith(expected), f"{variant}: {typed!r}<TAB>", timeout=15)
            except AssertionError:
                failures.append(f"{typed!r}<TAB> showed {pane.line()!r}, expected {expected!r}")
        pane.send("C-u")
        assert not failures, "\n".join(failures)
    finally:
        pane.close()
