"""The root command: global options and the resource groups. Nothing else lives here."""

from __future__ import annotations

import importlib

import typer

from . import __version__, exitcodes
from .context import AppContext, GlobalOptions, set_current

HELP = ("The command-line tool for the Makini unified industrial API.\n\n"
        "Check connection health, disconnect churned customers, read and export purchase orders, "
        "test webhook endpoints, and see how each system fills the unified model. "
        "`makini --sandbox …` runs against an embedded local Makini with no account and no network. "
        "Global options may also follow the command (`makini connections list -o json`).\n\n"
        + exitcodes.HELP_TEXT)

app = typer.Typer(
    name="makini",
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    # Plain help: Rich-formatted help imports Rich and markdown-it, tripling `makini --help` time.
    rich_markup_mode=None,
)

# (module under makini_cli.commands, group name, aliases, one-line help)
GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("auth", "auth", ()),
    ("config_cmd", "config", ()),
    ("connections", "connections", ("conn",)),
    ("syncs", "syncs", ()),
    ("purchase_orders", "purchase-orders", ("po",)),
    ("webhooks", "webhooks", ()),
    ("mappings", "field-mappings", ("mappings",)),
    ("sandbox", "sandbox", ()),
    ("api_cmd", "api", ()),
    ("completion", "completion", ()),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"makini {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    profile: str = typer.Option(None, "--profile", "-p", help="Profile from config.toml (env MAKINI_PROFILE)."),
    sandbox: bool = typer.Option(False, "--sandbox", help="Use the embedded local sandbox (the `sandbox` profile)."),
    output: str = typer.Option(None, "--output", "-o", metavar="FORMAT",
                               help="table|json|ndjson|csv|yaml. Default: table on a terminal, json when piped."),
    query: str = typer.Option(None, "--query", "-q", help="JMESPath expression applied to the JSON form."),
    base_url: str = typer.Option(None, "--base-url", help="API base URL (env MAKINI_BASE_URL)."),
    timeout: float = typer.Option(None, "--timeout", help="Request timeout in seconds (env MAKINI_TIMEOUT)."),
    debug: bool = typer.Option(False, "--debug", help="Trace HTTP on stderr (Authorization redacted)."),
    no_color: bool = typer.Option(False, "--no-color", help="No colour (env NO_COLOR)."),
    insecure: bool = typer.Option(False, "--insecure", help="Allow tokens over plain http to a non-loopback host."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    if output is not None and output not in ("table", "json", "ndjson", "csv", "yaml"):
        raise typer.BadParameter("expected table, json, ndjson, csv or yaml", param_hint="'--output'")
    set_current(AppContext(GlobalOptions(
        profile=profile, sandbox=sandbox, output=output, query=query, base_url=base_url,
        timeout=timeout, debug=debug, no_color=no_color, insecure=insecure)))


def register(only: str | None = None) -> typer.Typer:
    """Attach the command groups. With `only`, just that group: building every group's click
    command costs start-up time, and a run needs only the group it invokes (root help and shell
    completion register all)."""
    for module_name, name, aliases in GROUPS:
        if only is not None and only != name and only not in aliases:
            continue
        try:
            module = importlib.import_module(f".commands.{module_name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.commands.{module_name}":
                continue  # a group not built yet
            raise
        if hasattr(module, "app"):
            module.app.rich_markup_mode = None  # see the root app
            app.add_typer(module.app, name=name)
            for alias in aliases:
                app.add_typer(module.app, name=alias, hidden=True)
        else:  # a single command (`makini api …`): a group would stop parsing options after its first argument
            app.command(name, help=module.HELP)(module.command)
    return app


def group_names() -> set[str]:
    return {n for _m, name, aliases in GROUPS for n in (name, *aliases)}
