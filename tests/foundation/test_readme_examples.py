"""Every example in the README runs, against the embedded sandbox.

The convention (documented in the README's Development section too):

- In a ```console block, each `$ …` line is an example (a `\\` at the end of a line continues
  it). The block is one session: its examples run in order, in a fresh sandbox and a fresh
  folder that holds the files the examples name (see FILES), with `MAKINI_PROFILE=sandbox`.
- In a ```sh block, each paragraph (lines between blank lines) is one recipe, run by bash.
  The first two ```sh blocks are CI's own set-up commands: CI runs them, this test does not.
- An example that cannot run here — it serves until stopped, needs a real host or a terminal,
  or would recurse (the test suite, pip) — carries `# not run: REASON`: at the end of the line
  in a console block, or as a line of its own in a recipe. It is skipped, with that reason.
- An example passes when it exits 0 or 3 (3: a check that found a problem, e.g. the sandbox's
  unhealthy connections) and prints no traceback. Recipes run with `set -o pipefail`, so a
  makini that fails inside a pipeline fails the recipe; 141 (a reader such as `head` that
  stopped early) counts as success there.

Examples without shell syntax run in-process (`cli`); the others through bash, with `makini` on
PATH and `$ID`, `$CLIENT_ID`, `$SECRET`, `$SIG` set (see `environment`)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()
BIN = Path(sys.executable).parent
NOT_RUN = re.compile(r"#\s*not run:\s*(.+)$", re.M)
SHELL_SYNTAX = re.compile(r"[|<>;&`$]")
CONNECTION = "00000100433001"  # the sandbox's healthy SAP connection (seed 42)
WEBHOOK_SECRET = "whsec_readme_examples"
BODY = b'{"event":"assets.updated","body":["00000651188876"]}'

FILES = {
    "creds.json": '{"username": "integration", "password": "not-a-real-one"}\n',
    "po.json": '{"orderNo": "README-1", "title": "From the README", "vendorKey": "20000100000005"}\n',
    "patch.json": '{"notes": "updated by a README example"}\n',
    "secret.txt": WEBHOOK_SECRET + "\n",
    "body.json": BODY.decode(),
    "churned.txt": "00000909667765\n00001000925300\n",
}


@dataclass
class Example:
    text: str
    skip: str | None = None


@dataclass
class Block:
    name: str
    kind: str  # console | sh
    examples: list[Example] = field(default_factory=list)


def blocks() -> list[Block]:
    out: list[Block] = []
    heading = "README"
    sh_seen = 0
    for match in re.finditer(r"^(#{2,3} [^\n]+)$|^```(console|sh)\n(.*?)^```", README, re.S | re.M):
        if match.group(1):
            heading = match.group(1).lstrip("# ").strip()
            continue
        kind, body = match.group(2), match.group(3)
        if kind == "sh":
            sh_seen += 1
            if sh_seen <= 2:
                continue  # CI's two set-up commands: CI runs them
        block = Block(f"{heading} ({kind} {len([b for b in out if b.name.startswith(heading)]) + 1})", kind)
        if kind == "console":
            for line in body.replace("\\\n", " ").splitlines():
                if line.startswith("$ "):
                    found = NOT_RUN.search(line)
                    block.examples.append(Example(line[2:], found.group(1).strip() if found else None))
        else:
            for para in re.split(r"\n\s*\n", body.strip()):
                found = NOT_RUN.search(para)
                block.examples.append(Example(para, found.group(1).strip() if found else None))
        out.append(block)
    return out


BLOCKS = blocks()


def test_the_readme_has_examples_and_each_skip_says_why():
    examples = [e for b in BLOCKS for e in b.examples]
    assert len(examples) > 60
    assert all(e.skip for e in examples if "not run" in e.text)
    assert sum(1 for e in examples if e.skip) < len(examples) / 5  # skipping is the exception


@pytest.fixture(scope="session")
def seeded_sandbox(tmp_path_factory) -> Path:
    """One seeded embedded-sandbox database, copied for each block (seeding takes a while)."""
    from makini_cli.sandbox.app import create_app

    path = tmp_path_factory.mktemp("readme-sandbox") / "sandbox.sqlite3"
    app = create_app(path)
    app.state.sandbox.db.commit()
    return path


def environment(home: Path) -> dict[str, str]:
    from makini_cli.sandbox.seed import sandbox_credentials
    from makini_cli.webhooks.signing import sign

    client_id, secret = sandbox_credentials(42)
    return {"MAKINI_CONFIG_DIR": str(home), "MAKINI_PROFILE": "sandbox", "ID": CONNECTION,
            "CLIENT_ID": client_id, "SECRET": secret, "SIG": sign(BODY, WEBHOOK_SECRET),
            "MAKINI_WEBHOOK_SECRET": WEBHOOK_SECRET,
            # a connection that fails says so at once, instead of after the real backoff
            "MAKINI_RETRY_MAX_ATTEMPTS": "1"}


def prepare(workdir: Path, home: Path, seeded: Path, cli) -> None:
    (home / "data").mkdir(parents=True)
    with sqlite3.connect(seeded) as src, sqlite3.connect(home / "data" / "sandbox.sqlite3") as dst:
        src.backup(dst)
    for name, text in FILES.items():
        (workdir / name).write_text(text)
    env = {"MAKINI_CONFIG_DIR": str(home), "MAKINI_PROFILE": "sandbox"}
    token = cli("connections", "token", CONNECTION, env=env)
    assert token.code == 0, token
    (workdir / "connection-token.txt").write_text(token.stdout)
    template = cli("mappings", "template", "purchase-orders", env=env)
    assert template.code == 0, template
    (workdir / "map.toml").write_text(template.stdout)
    (workdir / "old.toml").write_text(template.stdout)
    (workdir / "new.toml").write_text(template.stdout.replace("[columns.orderNo]", "[columns.order_number]", 1))


def run_one(example: Example, kind: str, cli, env: dict[str, str], workdir: Path) -> str | None:
    """None when the example worked, else what went wrong."""
    line = example.text
    if kind == "console" and not SHELL_SYNTAX.search(line.split(" #")[0]):
        args = shlex.split(line, comments=True)
        assert args[0] == "makini", line
        r = cli(*args[1:], env=env)
        code, out, err = r.code, r.stdout, r.stderr
    else:
        script = ("set -o pipefail\n" if kind == "sh" else "") + line
        proc = subprocess.run(["bash", "-c", script], cwd=workdir, capture_output=True, text=True, timeout=120,
                              env={**os.environ, **env, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"})
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    if "Traceback (most recent call last)" in out + err:
        return f"{line!r}: printed a traceback:\n{err[-2000:]}"
    if code not in ((0, 3, 141) if kind == "sh" else (0, 3)):
        return f"{line!r}: exit {code}\nstdout: {out[-800:]}\nstderr: {err[-1500:]}"
    return None


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_every_readme_example_runs_against_the_sandbox(block, cli, tmp_path, monkeypatch, seeded_sandbox):
    if not shutil.which("bash"):
        pytest.skip("bash is not installed")
    if block.kind == "sh" and not shutil.which("jq"):
        pytest.skip("the recipes use jq, which is not installed")
    workdir, home = tmp_path / "work", tmp_path / "home"
    workdir.mkdir()
    prepare(workdir, home, seeded_sandbox, cli)
    monkeypatch.chdir(workdir)
    env = environment(home)
    problems, skipped = [], []
    for example in block.examples:
        if example.skip:
            skipped.append(f"{example.text.splitlines()[-1]!r}: {example.skip}")
            continue
        problem = run_one(example, block.kind, cli, env, workdir)
        if problem:
            problems.append(problem)
    assert not problems, "\n\n".join(problems)
    if skipped and len(skipped) == len(block.examples):
        pytest.skip("; ".join(skipped))
