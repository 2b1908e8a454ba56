"""`makini help [TOPIC]`: help topics, like `gh help environment` (the texts are in help_topics.py);
`makini help COMMAND …` shows that command's --help."""

from __future__ import annotations

import typer

from ._common import examples

HELP = ("Show a help topic (environment, exit-codes, formatting), or list them."
        + examples("makini help", "makini help environment", "makini help exit-codes",
                   "makini help formatting", "makini help connections status"))


def command(topic: list[str] = typer.Argument(None, metavar="[TOPIC]",
                                              help="environment, exit-codes or formatting; or a command.")) -> None:
    from ..errors import UsageError
    from .help_topics import TOPICS, topic_list, topic_text

    words = list(topic or [])
    if not words:
        typer.echo(topic_list())
        return
    name = words[0]
    if name in TOPICS and len(words) == 1:
        typer.echo(topic_text(name))
        return
    from ..app import group_names, register

    if name in group_names():  # `makini help po export` is `makini po export --help`
        root = typer.main.get_command(register(only=name))
        root.main(args=[*words, "--help"], prog_name="makini", standalone_mode=False)
        return
    import difflib

    close = difflib.get_close_matches(name, [*TOPICS, *sorted(group_names())], n=1)
    raise UsageError(f"no help topic {name!r}",
                     hint=(f"did you mean {close[0]!r}? " if close else "") + "`makini help` lists the topics")
