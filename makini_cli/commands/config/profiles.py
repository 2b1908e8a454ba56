"""`makini config profiles`: the profiles in config.toml."""

from __future__ import annotations

from .._common import ctx, examples


HELP = ("List the profiles in config.toml (and the built-in `sandbox`)." + examples(
        "makini config profiles"))


def profiles() -> None:
    from ...config import SANDBOX_PROFILE, ConfigFile

    c = ctx()
    config = ConfigFile()
    names = dict.fromkeys([*config.profiles(), SANDBOX_PROFILE])
    default = config.default_profile() or "default"
    rows = [{"profile": n, "default": n == default, "current": n == c.profile,
             "base_url": config.profile(n).get("base_url") or ("embedded sandbox" if n == SANDBOX_PROFILE else None)}
            for n in names]
    c.output.emit(rows)
