"""`makini auth`: log in with application credentials or a single connection token, see status, print tokens."""

from __future__ import annotations

import typer

from . import login, logout, status, token

app = typer.Typer(help="Log in, see where credentials come from, print tokens for scripts.",
                  no_args_is_help=True)

app.command("login", help=login.HELP)(login.login)
app.command("status", help=status.HELP)(status.status)
app.command("logout", help=logout.HELP)(logout.logout)
app.command("token", help=token.HELP)(token.token)
