"""Shell completion: what TAB offers, for bash, zsh, fish and PowerShell alike.

The scripts in completions/ call back into `makini` (`_MAKINI_COMPLETE=complete_bash …`); the
handler then builds every group and hands the command tree to `prepare`, which

- puts the global options on every command too, so that they complete, and parse, after the
  command (`makini connections list -o js<TAB>`), as `argv.hoist_globals` accepts them there;
- gives each parameter its values by its name: connection ids for `-c`/`--connection` and every
  connection id argument, the formats for `-o`, entity names for the mapping commands, event
  names, settings, profiles, domains, shells and help topics.

Connection ids come from the API (`GET /api/system/connections`, with the profile, `--sandbox`
or `--base-url` typed on the line), cached for five minutes in the state folder so a TAB is
quick, and from the token cache when the API cannot be asked. Nothing here may print: stderr
is the user's terminal in the middle of a command line."""

from __future__ import annotations

import contextlib
import io
import json
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

CACHE_TTL = 300.0  # seconds a fetched connection list is reused
FAILED_TTL = 60.0  # seconds before a failed fetch is tried again
FETCH_TIMEOUT = 3.0  # a TAB must not hang on a slow network

# parameter name -> what completes it (see `_completers`)
CONNECTION_PARAMS = ("connection", "connection_id", "connection_ids", "ids", "connections")
ENTITY_PARAMS = ("entity",)


def prepare(root: Any) -> None:
    """Extend the command tree built for this completion run (it is thrown away afterwards)."""
    shared = [p for p in root.params if p.name != "version"]
    completers = _completers()
    for param in root.params:
        _attach(param, completers, group=None)
    for path, command in _leaves(root):
        own = {name for p in command.params for name in (*p.opts, *p.secondary_opts)}
        command.params.extend(p for p in shared if not own & {*p.opts, *p.secondary_opts})
        for param in command.params:
            _attach(param, completers, group=path[0] if path else None)


def _leaves(command: Any, path: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    subs = getattr(command, "commands", None)
    if subs is None:
        yield path, command
        return
    for name, sub in subs.items():
        yield from _leaves(sub, (*path, name))


def _attach(param: Any, completers: dict[str, Callable], group: str | None) -> None:
    name = param.name or ""
    if name in ("output", "format") and param.param_type_name == "option":
        param._custom_shell_complete = completers["format"]
    elif name in CONNECTION_PARAMS:
        param._custom_shell_complete = completers["connection"]
    elif name in ENTITY_PARAMS and group in ("field-mappings", "mappings"):
        param._custom_shell_complete = completers["entity"]
    elif name in completers and param._custom_shell_complete is None:
        param._custom_shell_complete = completers[name]
    elif group == "webhooks" and name in ("event", "sample"):
        param._custom_shell_complete = completers["event"]
    elif group == "config" and name == "key":
        param._custom_shell_complete = completers["setting"]
    elif group == "config" and name == "profile" and param.param_type_name == "argument":
        param._custom_shell_complete = completers["profile"]


def _item(value: str, help_text: str | None = None) -> Any:
    # Typer's own CompletionItem: a value and the help zsh and fish show beside it
    from typer._click.shell_completion import CompletionItem

    return CompletionItem(value, help=help_text)


def _choices(values: Callable[[], Iterable[tuple[str, str | None]]]) -> Callable:
    def complete(ctx: Any, param: Any, incomplete: str) -> list[Any]:
        return [_item(v, h) for v, h in values() if v.startswith(incomplete)]
    return complete


def _completers() -> dict[str, Callable]:
    def formats():
        from .output.formats import FORMATS

        return [(f, None) for f in FORMATS]

    def entities():
        from .mappings.model import entity_names

        return [(e, None) for e in entity_names()]

    def events():
        from .webhooks import catalog

        return [(e.name, None) for e in catalog.EVENTS]

    def settings():
        from .config import KEYS

        return [(k, v[3]) for k, v in KEYS.items()]

    def profiles():
        from .config import SANDBOX_PROFILE, ConfigFile

        try:
            names = list(ConfigFile().profiles())
        except Exception:  # noqa: BLE001 - a broken config.toml completes nothing
            names = []
        return [(p, None) for p in dict.fromkeys([*names, SANDBOX_PROFILE])]

    def topics():
        from .commands.help_topics import SUMMARIES

        return list(SUMMARIES.items())

    return {
        "format": _choices(formats),
        "connection": complete_connections,
        "entity": _choices(entities),
        "event": _choices(events),
        "setting": _choices(settings),
        "profile": _choices(profiles),
        "domain": _choices(lambda: [("erp", None), ("eam", None), ("wms", None)]),
        "shell": _choices(lambda: [(s, None) for s in ("bash", "zsh", "fish", "powershell")]),
        "topic": _choices(topics),
        "store": _choices(lambda: [("file", "credentials.toml, 0600"), ("keyring", "the OS keyring")]),
        "retry_schedule": _choices(lambda: [("fast", None), ("makini", None)]),
        "encoding": _choices(lambda: [("hex", None), ("base64", None)]),
        "match": _choices(lambda: [("all", None), ("any", None)]),
    }


# --- connection ids -------------------------------------------------------------------------
def complete_connections(ctx: Any, param: Any, incomplete: str) -> list[Any]:
    """Connection ids (with the customer's name beside them where the shell shows it)."""
    try:
        known = connections_for(_globals(ctx))
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        known = {}
    if not known:
        from .credentials import cached_connection_ids

        known = dict.fromkeys(cached_connection_ids())
    if param.name == "connection" and "all" not in known and getattr(param, "multiple", False):
        known = {"all": "every connection", **known}  # po export -c all
    return [_item(cid, inert(name)) for cid, name in known.items()
            if _SAFE_ID.fullmatch(cid) and cid.startswith(incomplete)]


# What the API sends is data, and the zsh script `eval`s what completion prints: ids must look
# like ids, and a customer's name is cut down to characters no shell gives a meaning to.
_SAFE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_UNSAFE = re.compile(r"[^\w .,&+#@/-]")


def inert(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(_UNSAFE.sub("?", str(text)).split())[:60] or None


def _globals(ctx: Any) -> dict[str, Any]:
    """--profile, --sandbox and --base-url as typed on the line, before or after the command."""
    found: dict[str, Any] = {}
    while ctx is not None:
        for key in ("profile", "sandbox", "base_url"):
            value = ctx.params.get(key)
            if value not in (None, False) and key not in found:
                found[key] = value
        ctx = ctx.parent
    return found


def connections_for(opts: dict[str, Any]) -> dict[str, str | None]:
    """id -> name of the profile's connections: from the cache if fresh, else from the API
    (asked at most once a minute when it fails, and never without credentials)."""
    from .context import AppContext, GlobalOptions

    with contextlib.redirect_stderr(io.StringIO()):  # no warning may reach the terminal
        c = AppContext(GlobalOptions(profile=opts.get("profile"), sandbox=bool(opts.get("sandbox")),
                                     base_url=opts.get("base_url"), output="json"))
        scope = f"{c.profile}|{c.settings.base_url}"
        cache = _read_cache()
        entry = cache.get(scope)
        if isinstance(entry, dict):
            age = time.time() - float(entry.get("at", 0))
            if age < (FAILED_TTL if entry.get("failed") else CACHE_TTL):
                return dict(entry.get("connections") or {})
        client_id, secret = c.app_credentials()
        if not (client_id and secret):
            return {}  # the admin list needs application credentials
        from .api import connections as api
        from .api.http import RetryPolicy
        from .errors import MakiniError

        try:
            found = c.run(api.list_connections, timeout=FETCH_TIMEOUT,
                          retry=RetryPolicy(max_attempts=1, max_total_wait=0.0))
        except MakiniError:
            cache[scope] = {"at": time.time(), "failed": True, "connections": {}}
            _write_cache(cache)
            return {}
        known = {conn.id: conn.name for conn in found if conn.id}
        cache[scope] = {"at": time.time(), "connections": known}
        _write_cache(cache)
        return known


def _cache_path():
    from .paths import state_dir

    return state_dir() / "completion-connections.json"


def _read_cache() -> dict[str, Any]:
    try:
        data = json.loads(_cache_path().read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_cache(data: dict[str, Any]) -> None:
    from .fsutil import atomic_write_text

    with contextlib.suppress(OSError):
        atomic_write_text(_cache_path(), json.dumps(data), perms=0o600)
