"""`makini config`: read and change settings in config.toml, per profile."""

from __future__ import annotations

import typer

from ._common import ctx, examples

app = typer.Typer(help="Read and change settings (precedence: flag > environment > profile > default).",
                  no_args_is_help=True)


@app.command("list", help="Every setting of the current profile, its value and where it came from." + examples(
    "makini config list", "makini --profile staging config list -o json"))
def list_settings() -> None:
    from ..config import KEYS, display_url

    c = ctx()
    rows = [{"key": k, "value": display_url(v.value) if k == "base_url" else v.value, "source": v.source, "env": KEYS[k][0], "description": KEYS[k][3]}
            for k, v in c.settings.values.items()]
    c.output.emit(rows)


@app.command("get", help="Print one setting's resolved value (empty when unset)." + examples(
    "makini config get base_url"))
def get(key: str = typer.Argument(..., help="Setting name; see `makini config list`.")) -> None:
    from ..api.errors import UsageError
    from ..config import KEYS

    c = ctx()
    if key not in KEYS:
        raise UsageError(f"unknown setting {key!r}", hint=f"known settings: {', '.join(KEYS)}")
    value = c.settings.get(key)
    if key == "base_url":
        from ..config import display_url

        value = display_url(value)
    if c.output.explicit:
        c.output.emit({"key": key, "value": value, "source": c.settings.values[key].source})
    else:
        typer.echo("" if value is None else value)


@app.command("set", help="Save a setting in the current profile (config.toml, written atomically)." + examples(
    "makini config set base_url https://api.makini.io",
    "makini --profile staging config set connection 09000207611898",
    "makini config set output json"))
def set_(key: str = typer.Argument(...), value: str = typer.Argument(...)) -> None:
    from ..config import ConfigFile, coerce

    c = ctx()
    coerced = coerce(key, value, "value")
    config = ConfigFile()
    config.set(c.profile, key, coerced)
    config.save()
    c.output.note(f"{key} = {coerced} saved in profile {c.profile} ({config.path})")


@app.command("unset", help="Remove a setting from the current profile." + examples("makini config unset connection"))
def unset(key: str = typer.Argument(...)) -> None:
    from ..config import ConfigFile, coerce

    c = ctx()
    coerce(key, None, "value")  # validates the key name
    config = ConfigFile()
    if config.unset(c.profile, key):
        config.save()
        c.output.note(f"{key} removed from profile {c.profile}")
    else:
        c.output.note(f"{key} was not set in profile {c.profile}")


@app.command("use", help="Make a profile the default one." + examples("makini config use staging"))
def use(profile: str = typer.Argument(...)) -> None:
    from ..config import ConfigFile

    config = ConfigFile()
    config.data["default_profile"] = profile
    config.save()
    ctx().output.note(f"default profile is now {profile}")


@app.command("path", help="Print where makini keeps its files." + examples("makini config path", "cat \"$(makini config path)\""))
def path(
    all_: bool = typer.Option(False, "--all", help="Every location: config, credentials, state, data, logs."),
) -> None:
    from .. import paths

    c = ctx()
    if not all_:
        typer.echo(str(paths.config_file()))
        return
    c.output.emit({"config": str(paths.config_file()), "credentials": str(paths.credentials_file()),
                   "state": str(paths.state_dir()), "data": str(paths.data_dir()), "logs": str(paths.log_dir()),
                   "sandbox_db": str(paths.sandbox_db())})


@app.command("profiles", help="List the profiles in config.toml (and the built-in `sandbox`)." + examples(
    "makini config profiles"))
def profiles() -> None:
    from ..config import SANDBOX_PROFILE, ConfigFile

    c = ctx()
    config = ConfigFile()
    names = dict.fromkeys([*config.profiles(), SANDBOX_PROFILE])
    default = config.default_profile() or "default"
    rows = [{"profile": n, "default": n == default, "current": n == c.profile,
             "base_url": config.profile(n).get("base_url") or ("embedded sandbox" if n == SANDBOX_PROFILE else None)}
            for n in names]
    c.output.emit(rows)
