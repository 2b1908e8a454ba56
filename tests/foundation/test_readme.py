"""The README's examples name real commands and real options, and its two set-up commands are
the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from makini_cli.app import register

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
GLOBAL = {"--profile", "-p", "--sandbox", "--output", "-o", "--query", "-q", "--columns", "--csv-safe",
          "--base-url", "--timeout",
          "--debug", "--no-color", "--insecure", "--version", "--help", "-h"}


def example_lines() -> list[str]:
    lines = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        joined = block.replace("\\\n", " ")
        lines += [line[2:] for line in joined.splitlines() if line.startswith("$ makini ")]
    return lines


def test_the_readme_has_examples():
    assert len(example_lines()) > 40


def test_every_readme_example_names_a_real_command_and_real_options():
    root = typer.main.get_command(register(full=True))
    problems = []
    for line in example_lines():
        words = line.split("#")[0].replace("[", " ").replace("]", " ").replace("|", " ").split()[1:]
        command, path = root, ["makini"]
        options = set(GLOBAL)
        for word in words:
            if word.startswith("-"):
                continue
            sub = getattr(command, "commands", {}).get(word)
            if sub is None:
                break
            command, path = sub, path + [word]
        if hasattr(command, "commands") and command is not root and not isinstance(command, typer.core.TyperCommand):
            if not any(w in ("--help", "-h") for w in words):
                problems.append(f"{line!r}: `{' '.join(path)}` is a group, not a command")
                continue
        for param in getattr(command, "params", []):
            options.update(param.opts)
            options.update(param.secondary_opts)
        for word in words:
            name = word.split("=", 1)[0]
            if name.startswith("-") and name != "-" and name not in options:
                problems.append(f"{line!r}: `{' '.join(path)}` has no option {name}")
    assert not problems, "\n".join(problems)


def test_ci_reads_the_two_setup_commands_from_the_readme():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert blocks[0].startswith("pip install . && makini --sandbox ")
    assert blocks[1].startswith("pip install '.[test]' && python -m pytest")
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "README.md" in ci
