"""The per-invocation context: global options, and settings, credentials, output and the API
client built lazily from them. Commands get it with `current()`; tests swap its parts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from . import config

if TYPE_CHECKING:
    from .api.client import MakiniClient
    from .credentials import CredentialStore, TokenCache
    from .output import Output

T = TypeVar("T")


class GlobalOptions:
    """The global options of one invocation (plain class: dataclasses cost start-up time)."""

    def __init__(self, profile: str | None = None, sandbox: bool = False, output: str | None = None,
                 query: str | None = None, base_url: str | None = None, timeout: float | None = None,
                 debug: bool = False, no_color: bool = False, insecure: bool = False,
                 columns: list[str] | None = None, csv_safe: bool = False, command: str | None = None) -> None:
        self.profile = profile
        self.sandbox = sandbox
        self.output = output
        self.query = query
        self.base_url = base_url
        self.timeout = timeout
        self.debug = debug
        self.no_color = no_color
        self.insecure = insecure
        self.columns = columns
        self.csv_safe = csv_safe
        self.command = command  # "connections status": the command this invocation runs


class AppContext:
    def __init__(self, opts: GlobalOptions | None = None) -> None:
        self.opts = opts or GlobalOptions()
        self.embedded_app: Any = None

    # --- settings and secrets ---------------------------------------------
    @cached_property
    def settings(self) -> config.Settings:
        flags = {"base_url": self.opts.base_url, "timeout": self.opts.timeout, "output": self.opts.output}
        return config.resolve(flags, profile_flag=self.opts.profile, sandbox=self.opts.sandbox)

    @cached_property
    def output(self) -> Output:
        import os
        import sys

        from .output import Output
        from . import envvars
        from .output.formats import takes

        # -o is checked by the root callback; MAKINI_OUTPUT and a profile's `output` are defaults:
        # the environment's applies everywhere, a profile's on a terminal only (a pipe gets JSON),
        # and either gives way where the command cannot draw it (`wide`, `openmetrics`).
        fmt, explicit = self.opts.output, self.opts.output is not None
        if fmt is None:
            try:
                setting = self.settings.values.get("output")
            except Exception:  # noqa: BLE001 - a broken config must still be reportable
                setting = None
            if setting and (setting.source == "env" or _isatty(sys.stdout)) \
                    and takes(setting.value, self.opts.command):
                fmt, explicit = setting.value, setting.source == "env"
        color = not (self.opts.no_color or os.environ.get("NO_COLOR"))
        # read leniently here: a bad value is reported by the settings check, through this output
        csv_safe = self.opts.csv_safe or (envvars.raw("MAKINI_CSV_SAFE") or "").strip().lower() in envvars.TRUE
        return Output(fmt, query=self.opts.query, color=color, explicit=explicit,
                      columns=self.opts.columns, csv_safe=csv_safe)

    @cached_property
    def credentials(self) -> CredentialStore:
        if self.settings.get("credential_store") == "keyring":
            # only then: importing keyring and finding its backend costs start-up time
            from .keyring_store import KeyringCredentialStore

            return KeyringCredentialStore(warn=self.output.warn)
        from .credentials import CredentialStore

        return CredentialStore(warn=self.output.warn)

    @property
    def profile(self) -> str:
        return self.settings.profile

    @property
    def is_sandbox_profile(self) -> bool:
        return self.settings.profile == config.SANDBOX_PROFILE

    def get_embedded_app(self) -> Any:
        if self.embedded_app is None:
            from . import paths
            from .sandbox.embedded import get_app

            self.embedded_app = get_app(paths.sandbox_db())
        return self.embedded_app

    def app_credentials(self) -> tuple[config.Value, Any]:
        """(client id, client secret) with their sources; the sandbox profile brings its own."""
        from .credentials import Secret

        client_id = self.settings.values["client_id"]
        seed_id = seed_secret = None
        if self.is_sandbox_profile:
            if self.settings.embedded:
                state = self.get_embedded_app().state.sandbox
                seed_id, seed_secret = state.client_id, state.client_secret
            else:
                from .sandbox.seed import sandbox_credentials

                seed_id, seed_secret = sandbox_credentials()
        if not client_id and seed_id:
            client_id = config.Value(seed_id, "sandbox")
        secret: Secret = self.credentials.client_secret(self.profile, seed_secret)
        return client_id, secret

    def token_cache(self) -> TokenCache:
        from .credentials import TokenCache

        client_id, _ = self.app_credentials()
        scope = f"{self.profile}|{self.settings.base_url}|{client_id.value or ''}"
        return TokenCache(scope, warn=self.output.warn)

    # --- the API client ------------------------------------------------------
    def make_client(self, *, timeout: float | None = None, retry: Any = None) -> MakiniClient:
        from .api.auth import Auth
        from .api.client import MakiniClient
        from .api.http import Http

        settings = self.settings
        app = self.get_embedded_app() if settings.embedded else None
        base_url = "http://sandbox.makini.invalid" if app is not None else settings.base_url
        trace = self._trace if self.opts.debug else None
        http = Http(base_url, timeout=timeout or float(settings.get("timeout") or 30.0), app=app,
                    retry=retry or _retry_from_env(), trace=trace, insecure=self.opts.insecure,
                    max_response_mb=settings.get("max_response_mb"))
        client_id, secret = self.app_credentials()
        static = self.credentials.connection_token(self.profile)
        auth = Auth(http, client_id=client_id.value, client_secret=secret.value,
                    static_token=static.value, cache=self.token_cache())
        client = MakiniClient(http, auth, default_connection=settings.get("connection"))
        if app is not None:
            from .sandbox.embedded import drain

            # Webhook first attempts are sent before the command exits (retries need a served sandbox).
            client.after_close.append(lambda: drain(app))
        # Every client, whatever the command, gets the circuit breaker and the per-connection
        # error log (imported here, not at start-up: only commands that call the API pay for them).
        from .connections import breaker, errorlog

        breaker.install(self, client)
        errorlog.install(self, client)
        for hook in _client_hooks:
            hook(self, client)
        return client

    def run(self, work: Callable[[MakiniClient], Awaitable[T]], **client_kw: Any) -> T:
        """Run one async unit of work with a client, at the command's edge."""
        import asyncio

        async def main() -> T:
            client = self.make_client(**client_kw)
            try:
                return await work(client)
            finally:
                await client.aclose()

        return asyncio.run(main())

    def _trace(self, line: str) -> None:
        import sys

        from .output.untrusted import inert

        sys.stderr.write(f"[debug] {inert(line)}\n")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _retry_from_env() -> Any:
    """MAKINI_RETRY_MAX_ATTEMPTS / MAKINI_RETRY_MAX_WAIT (seconds) lower the retry bounds (tests,
    impatient scripts); None (the defaults: 5 attempts, 60 s) when neither is set."""
    from . import envvars

    if not envvars.raw("MAKINI_RETRY_MAX_ATTEMPTS") and not envvars.raw("MAKINI_RETRY_MAX_WAIT"):
        return None
    from .api.http import RetryPolicy

    policy = RetryPolicy()
    policy.max_attempts = envvars.integer("MAKINI_RETRY_MAX_ATTEMPTS", policy.max_attempts, minimum=1)
    policy.max_total_wait = envvars.number("MAKINI_RETRY_MAX_WAIT", policy.max_total_wait, minimum=0.0)
    return policy


# Features register hooks that decorate every client (circuit breaker, per-connection error log).
_client_hooks: list[Callable[[AppContext, Any], None]] = []


def add_client_hook(hook: Callable[[AppContext, Any], None]) -> None:
    if hook not in _client_hooks:
        _client_hooks.append(hook)


_current: AppContext | None = None


def current() -> AppContext:
    global _current
    if _current is None:
        _current = AppContext()
    return _current


def set_current(ctx: AppContext | None) -> None:
    """Start a new invocation's context (also forgets which loose files were warned about)."""
    import sys

    global _current
    _current = ctx
    creds = sys.modules.get(f"{__package__}.credentials")
    if creds is not None:
        creds._warned.clear()
