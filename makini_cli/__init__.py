"""makini: the command-line tool for the Makini unified industrial API."""

import sys

__version__ = "0.1.0"

# `import httpx` also imports httpx's own command-line client (httpx/_main.py: click, pygments and
# parts of rich) whenever click is installed, and uvicorn installs it: ~50 ms on every command
# that calls the API. httpx falls back to a stub when that import fails, so make it fail.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)

# pydantic looks for plugins when it builds its first model, reading every installed package's
# entry points (importlib.metadata: ~15 ms per API command). makini uses no pydantic plugin.
if "pydantic" not in sys.modules and "pydantic.plugin._loader" not in sys.modules:
    import types

    _no_plugins = types.ModuleType("pydantic.plugin._loader")
    _no_plugins.get_plugins = lambda: ()  # type: ignore[attr-defined]
    sys.modules["pydantic.plugin._loader"] = _no_plugins
    del types, _no_plugins
