"""`makini completion SHELL`: print the completion script (also committed under completions/)."""

from __future__ import annotations

import typer

from ._common import examples


SHELLS = ("bash", "zsh", "fish", "powershell")
COMPLETE_VAR = "_MAKINI_COMPLETE"


def script(shell: str) -> str:
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name="makini", complete_var=COMPLETE_VAR, shell=shell) + "\n"


HELP = ("Print the completion script for a shell." + examples(
    "makini completion bash > ~/.local/share/bash-completion/completions/makini",
    "makini completion zsh > \"${fpath[1]}/_makini\"",
    "makini completion fish > ~/.config/fish/completions/makini.fish",
    "makini completion powershell >> $PROFILE"))


def command(shell: str = typer.Argument(..., help="bash, zsh, fish or powershell.")) -> None:
    from ..errors import UsageError

    if shell not in SHELLS:
        raise UsageError(f"unsupported shell {shell!r}", hint=f"one of {', '.join(SHELLS)}")
    typer.echo(script(shell), nl=False)
