"""`makini completion SHELL`: print the completion script (also committed under completions/)."""

from __future__ import annotations

import typer

from ._common import examples


SHELLS = ("bash", "zsh", "fish", "powershell")
COMPLETE_VAR = "_MAKINI_COMPLETE"


ZSH_REGISTER = "compdef _makini_completion makini"
# Typer's zsh script only registers itself, which is right when it is sourced. Autoloaded from
# fpath (`_makini` in ~/.zfunc) the file is the body of `_makini`, run at the first TAB: it must
# then complete at once, and bind `makini` to `_makini_completion` for the TABs after.
ZSH_EITHER_WAY = """compdef _makini_completion makini
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _makini_completion "$@"   # autoloaded from fpath: this TAB completes too
fi"""


def script(shell: str) -> str:
    from typer._completion_shared import get_completion_script

    text = get_completion_script(prog_name="makini", complete_var=COMPLETE_VAR, shell=shell)
    if shell == "zsh" and text.rstrip().endswith(ZSH_REGISTER):
        text = text.rstrip()[: -len(ZSH_REGISTER)] + ZSH_EITHER_WAY
    return text + "\n"


HELP = ("Print the completion script for a shell: commands, options, formats, connection ids "
        "(from the API, cached a few minutes), entities and topics complete with TAB. Install it "
        "as below, then open a new shell (the README says more for each shell)." + examples(
    "makini completion bash > ~/.local/share/bash-completion/completions/makini",
    "source <(makini completion bash)          # in ~/.bashrc, without bash-completion",
    "makini completion zsh > ~/.zfunc/_makini  # with fpath=(~/.zfunc $fpath) before compinit",
    "makini completion fish > ~/.config/fish/completions/makini.fish",
    "makini completion powershell >> $PROFILE"))


def command(shell: str = typer.Argument(..., help="bash, zsh, fish or powershell.")) -> None:
    from ..errors import UsageError

    if shell not in SHELLS:
        raise UsageError(f"unsupported shell {shell!r}", hint=f"one of {', '.join(SHELLS)}")
    typer.echo(script(shell), nl=False)
