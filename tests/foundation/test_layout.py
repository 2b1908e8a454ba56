"""The layout ARCHITECTURE.md describes: no import circles, each group a package that registers
its verbs explicitly, and no command paying for httpx's own command-line client."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures_sandbox import served_sandbox  # noqa: F401 - a fixture

PACKAGE = Path(__file__).resolve().parents[2] / "makini_cli"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def import_graph() -> dict[str, set[str]]:
    """Module -> the makini_cli modules it imports, at module level or inside functions alike."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                submodules = {f"{target}.{a.name}" for a in node.names} & modules.keys()
                edges.update(submodules)  # `from . import status` imports that module
                if target in modules and len(submodules) < len(node.names):
                    edges.add(target)  # and names from the package itself
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == GREY:
                return stack[stack.index(nxt):] + [nxt]
            if colour[nxt] == WHITE and (found := visit(nxt)):
                return found
        stack.pop()
        colour[node] = BLACK
        return None

    for start in sorted(graph):
        if colour[start] == WHITE and (found := visit(start)):
            return found
    return None


def test_the_import_graph_of_makini_cli_has_no_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_api_layer_knows_no_typer_or_rich_and_no_command():
    for name, path in _modules().items():
        if not name.startswith("makini_cli.api"):
            continue
        text = path.read_text(encoding="utf-8")
        for forbidden in ("import typer", "from typer", "import rich", "from rich", "from ..commands", "makini_cli.commands"):
            assert forbidden not in text, f"{name} mentions {forbidden!r}"


def test_every_group_is_a_package_that_registers_its_verbs_explicitly():
    from makini_cli.app import GROUPS

    commands = PACKAGE / "commands"
    for module, name, _aliases, _summary in GROUPS:
        if module in ("api", "completion", "help", "version"):  # single commands, not groups
            assert (commands / f"{module}.py").is_file()
            continue
        init = commands / module / "__init__.py"
        assert init.is_file(), f"`makini {name}` should live in commands/{module}/"
        text = init.read_text(encoding="utf-8")
        assert "app.command(" in text and "@app.command" not in text
    for path in commands.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "noqa: E402,F401" not in text, f"{path} registers commands by import side effect"


def test_an_api_command_imports_neither_the_httpx_cli_nor_click_nor_pygments(served_sandbox, tmp_path):  # noqa: F811
    out = tmp_path / "modules.json"
    wrapper = (
        "import atexit, json, os, sys\n"
        "atexit.register(lambda: open(os.environ['MODULES_OUT'], 'w').write(json.dumps("
        "{k: v is not None for k, v in sys.modules.items()})))\n"
        "sys.argv = ['makini'] + sys.argv[1:]\n"
        "from makini_cli.main import main\n"
        "main()\n")
    env = dict(os.environ, MAKINI_BASE_URL=served_sandbox.base_url,
               MAKINI_CLIENT_ID=served_sandbox.client_id, MAKINI_CLIENT_SECRET=served_sandbox.client_secret, MODULES_OUT=str(out))
    proc = subprocess.run([sys.executable, "-c", wrapper, "connections", "list", "-o", "json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)  # it did make the request
    loaded = {name for name, real in json.loads(out.read_text()).items() if real}
    assert "httpx" in loaded
    assert not {"httpx._main", "click", "pygments"} & loaded, sorted({"httpx._main", "click", "pygments"} & loaded)
