"""Global options may follow the subcommand, unless the subcommand has an option of that name."""

from __future__ import annotations

import typer

from makini_cli.argv import hoist_globals


def build():
    app = typer.Typer()
    sub = typer.Typer()

    @app.callback()
    def main(output: str = typer.Option(None, "-o", "--output"), debug: bool = typer.Option(False, "--debug")):
        pass

    @sub.command("list")
    def list_(connection: str = typer.Option(None, "-c")):
        pass

    @sub.command("export")
    def export(output: str = typer.Option(None, "--output")):
        pass

    app.add_typer(sub, name="po")
    return typer.main.get_command(app)


def test_globals_after_the_command_move_in_front():
    assert hoist_globals(build(), ["po", "list", "-c", "X", "-o", "json", "--debug"]) == \
        ["-o", "json", "--debug", "po", "list", "-c", "X"]


def test_a_subcommands_own_option_of_the_same_name_stays():
    assert hoist_globals(build(), ["po", "export", "--output", "f.csv", "-o", "csv"]) == \
        ["-o", "csv", "po", "export", "--output", "f.csv"]


def test_arguments_after_double_dash_are_untouched():
    assert hoist_globals(build(), ["po", "list", "--", "-o", "json"]) == ["po", "list", "--", "-o", "json"]
