"""The root command: global options and the resource groups. Nothing else lives here."""

from __future__ import annotations

import importlib

import typer

from . import exitcodes
from .context import AppContext, GlobalOptions, set_current

HELP = ("The command-line tool for the Makini unified industrial API.\n\n"
        "Check connection health, disconnect churned customers, read and export purchase orders, "
        "test webhook endpoints, and see how each system fills the unified model. "
        "`makini --sandbox …` runs against an embedded local Makini with no account and no network. "
        "Global options may also follow the command (`makini connections list -o json`).\n\n"
        + exitcodes.HELP_TEXT)

# (module under makini_cli.commands, group name, aliases, one-line summary for `makini --help`)
GROUPS: list[tuple[str, str, tuple[str, ...], str]] = [
    ("auth", "auth", (), "Log in, show credentials and their sources, print tokens."),
    ("config", "config", (), "Read and change settings and profiles."),
    ("connections", "connections", ("conn",), "List, check, diagnose, disconnect and reconnect."),
    ("syncs", "syncs", (), "Sync status, and wait for a sync to finish."),
    ("purchase_orders", "purchase-orders", ("po",), "List, get, create, update and export orders."),
    ("webhooks", "webhooks", (), "Test endpoints; receive, verify, sign, replay."),
    ("field_mappings", "field-mappings", ("mappings",), "The unified model, fill rates, mapping files."),
    ("sandbox", "sandbox", (), "Serve, inspect and reset the local sandbox."),
    ("api", "api", (), "Send a raw request to the Makini API."),
    ("completion", "completion", (), "Print a shell completion script."),
    ("help", "help", (), "Help topics: environment, exit codes, formatting."),
    ("version", "version", (), "Print the version, the Python version and the platform."),
]


def _version(value: bool) -> None:
    if value:
        from .version import version_line

        typer.echo(version_line())
        raise typer.Exit()


def _complete_format(incomplete: str) -> list[str]:
    from .output.formats import complete

    return complete(incomplete)


OUTPUT_HELP = ("table|wide|json|ndjson|csv|yaml|openmetrics (any case). Default: table on a terminal, "
               "json when piped (a profile's `output` applies on a terminal only). wide: every column; "
               "openmetrics: connections status, syncs status.")


def main(
    ctx: typer.Context,
    profile: str = typer.Option(None, "--profile", "-p", metavar="NAME", help="Profile from config.toml (env MAKINI_PROFILE)."),
    sandbox: bool = typer.Option(False, "--sandbox", help="Use the embedded local sandbox (the `sandbox` profile)."),
    output: str = typer.Option(None, "--output", "-o", metavar="FORMAT", autocompletion=_complete_format,
                               help=OUTPUT_HELP),
    query: str = typer.Option(None, "--query", "-q", metavar="EXPR", help="JMESPath expression applied to the JSON form."),
    columns: str = typer.Option(None, "--columns", metavar="FIELDS",
                                help="Fields to show, comma-separated (table and CSV columns, keys of JSON rows)."),
    csv_safe: bool = typer.Option(False, "--csv-safe", help="CSV for spreadsheets: cells starting with = + - @ "
                                  "TAB or CR get a leading ' (env MAKINI_CSV_SAFE=1)."),
    base_url: str = typer.Option(None, "--base-url", metavar="URL", help="API base URL (env MAKINI_BASE_URL)."),
    timeout: float = typer.Option(None, "--timeout", metavar="SECONDS", help="Deadline in seconds for each HTTP request as a whole (env MAKINI_TIMEOUT)."),
    debug: bool = typer.Option(False, "--debug", help="Trace HTTP on stderr (Authorization redacted)."),
    no_color: bool = typer.Option(False, "--no-color", help="No colour (env NO_COLOR)."),
    insecure: bool = typer.Option(False, "--insecure", help="Allow tokens over plain http to a non-loopback host."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version, the Python version and the platform."),
) -> None:
    # the command path ("connections status") comes from the handler, which resolved it
    command = ctx.obj.get("command") if isinstance(ctx.obj, dict) else None
    if output is not None:
        from .output import formats

        output = formats.normalise(output)
        formats.check(output, command)
    fields = None
    if columns is not None:
        fields = [f.strip() for f in columns.split(",") if f.strip()]
        if not fields:
            from .errors import UsageError

            raise UsageError("--columns needs field names", hint="e.g. --columns id,name,health")
    set_current(AppContext(GlobalOptions(
        profile=profile, sandbox=sandbox, output=output, query=query, base_url=base_url,
        timeout=timeout, debug=debug, no_color=no_color, insecure=insecure, columns=fields,
        csv_safe=csv_safe, command=command)))


def new_app() -> typer.Typer:
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
    app.callback()(main)
    return app


def register(only: str | None = None, *, full: bool = False) -> typer.Typer:
    """Attach the command groups. Building every group's commands costs start-up time, and a
    run needs only the group it invokes: `only` builds that one; with neither `only` nor `full`
    (root help, an unknown command) each group is a stub holding its summary; `full` builds all
    (shell completion). Each call builds a new root app."""
    app = new_app()
    for module_name, name, aliases, summary in GROUPS:
        if only is not None and only != name and only not in aliases:
            continue
        if only is None and not full:
            app.add_typer(typer.Typer(help=summary, rich_markup_mode=None), name=name)
            continue
        try:
            module = importlib.import_module(f".commands.{module_name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.commands.{module_name}":
                continue  # a group not built yet
            raise
        from . import helpfmt

        if hasattr(module, "app"):
            module.app.rich_markup_mode = None  # see the root app
            _polish(module.app, name)
            app.add_typer(module.app, name=name)
            for alias in aliases:
                app.add_typer(module.app, name=alias, hidden=True)
        else:  # a single command (`makini api …`): a group would stop parsing options after its first argument
            app.command(name, help=module.HELP, short_help=summary, cls=helpfmt.Command)(module.command)
    return app


def canonical_path(path: list[str]) -> str | None:
    """"conn status" -> "connections status": the group under its own name, None for no command."""
    if not path:
        return None
    names = {n: name for _m, name, aliases, _s in GROUPS for n in (name, *aliases)}
    return " ".join([names.get(path[0], path[0]), *path[1:]])


def _polish(group: typer.Typer, name: str) -> None:
    """Every verb gets a one-line summary that is a whole sentence, and the placeholders of
    makini_cli/helpfmt.py (Typer would cut the help at 45 characters and write `{key}`)."""
    from typer.core import TyperCommand

    from . import helpfmt
    from .commands.summaries import SUMMARIES

    for info in group.registered_commands:
        if info.cls is None or info.cls is TyperCommand:  # Typer fills in its own class
            info.cls = helpfmt.Command
        if info.short_help is None:
            verb = info.name or ""
            info.short_help = SUMMARIES.get(f"{name} {verb}") or helpfmt.first_sentence(info.help)


def group_names() -> set[str]:
    return {n for _m, name, aliases, _s in GROUPS for n in (name, *aliases)}
