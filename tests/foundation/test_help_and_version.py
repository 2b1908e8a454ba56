"""Conventions gh, aws and stripe users expect: `makini --version`/`makini version` with the
Python version and platform, help topics, group listings of whole sentences, one placeholder style."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import typer

from makini_cli.app import register

PACKAGE = Path(__file__).resolve().parents[2] / "makini_cli"


def test_version_names_python_and_platform_without_typer_or_the_platform_module():
    code = ("import sys\nfrom makini_cli.main import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(' '.join(m for m in ('typer', 'platform', 'httpx', 'rich') if m in sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    v = sys.version_info
    assert proc.stdout == f"makini 0.1.0 (Python {v.major}.{v.minor}.{v.micro}, {sys.platform})\n"
    assert proc.stderr == ""  # none of them was imported


def test_version_command_prints_the_same_facts_as_data(cli):
    r = cli("version")
    assert r.code == 0
    assert r.json() == {"makini": "0.1.0", "python": ".".join(map(str, sys.version_info[:3])),
                        "platform": sys.platform}
    r = cli("version", "-o", "table")
    assert r.code == 0 and r.stdout.startswith("makini 0.1.0 (Python ")


def test_help_lists_the_topics(cli):
    r = cli("help")
    assert r.code == 0
    for topic in ("environment", "exit-codes", "formatting"):
        assert re.search(rf"^  {topic} +\S", r.stdout, re.M), r.stdout


def test_help_environment_names_every_variable_the_code_reads_and_the_precedence(cli):
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r"\bMAKINI_[A-Z_]+\b", path.read_text()))
    used.discard("MAKINI_COMPLETE")  # part of _MAKINI_COMPLETE, the completion scripts' own
    r = cli("help", "environment")
    assert r.code == 0
    missing = sorted(v for v in used if v not in r.stdout)
    assert not missing, f"not in `makini help environment`: {missing}"
    assert "flag wins over an environment variable, which wins over the" in " ".join(r.stdout.split())
    assert "NO_COLOR" in r.stdout and "HTTPS_PROXY" in r.stdout


def test_help_exit_codes_agrees_with_the_codes_makini_uses(cli):
    from makini_cli import exitcodes

    r = cli("help", "exit-codes")
    assert r.code == 0
    for code in (exitcodes.OK, exitcodes.ERROR, exitcodes.USAGE, exitcodes.CHECK_FAILED, exitcodes.AUTH,
                 exitcodes.INTERRUPTED, 124, 141):
        assert re.search(rf"^  {code} +\S", r.stdout, re.M), code


def test_help_formatting_names_each_format_and_the_options(cli):
    r = cli("help", "formatting")
    assert r.code == 0
    for fmt in ("table", "wide", "json", "ndjson", "csv", "yaml", "openmetrics"):
        assert re.search(rf"^  {fmt} +\S", r.stdout, re.M), fmt
    assert "taken by: connections status, watch; syncs status" in r.stdout  # from the registry
    assert "--query" in r.stdout and "--columns" in r.stdout and "-O/--output-file" in r.stdout


def test_help_for_a_command_is_its_help_and_an_unknown_topic_suggests_one(cli):
    assert cli("help", "po", "export").stdout == cli("po", "export", "--help").stdout
    r = cli("help", "enviroment")
    assert r.code == 2 and "did you mean 'environment'?" in r.stderr


def _commands():
    root = typer.main.get_command(register(full=True))

    def walk(cmd, path):
        for name, sub in getattr(cmd, "commands", {}).items():
            if sub.hidden:
                continue
            yield from walk(sub, [*path, name]) if hasattr(sub, "commands") else [([*path, name], sub, cmd)]
    return root, list(walk(root, []))


def test_group_listings_show_whole_one_line_sentences():
    _root, commands = _commands()
    for path, cmd, _group in commands:
        summary = cmd.get_short_help_str(limit=45)
        assert summary.endswith(".") and not summary.endswith("..."), (path, summary)
        assert len(summary) <= 66, (path, summary, len(summary))  # one line beside the names


def test_usage_placeholders_are_one_style(cli):
    _root, commands = _commands()
    for path, _cmd, _group in commands:
        r = cli(*path, "--help")
        assert r.code == 0, path
        usage = r.stdout.splitlines()[0]
        assert not re.search(r"[{}]|<\w", usage), usage
        args = usage.split("[OPTIONS]", 1)[-1].split()
        assert all(re.fullmatch(r"\[?[A-Z][A-Z_|=-]*\]?(\.\.\.)?", a) for a in args), usage
        options = r.stdout.split("Options:", 1)[-1]
        assert not re.search(r"<(str|int|float|text|integer)", options), (path, options)
