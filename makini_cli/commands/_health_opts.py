"""Options shared by `connections status` and `syncs status` (one health check, two views)."""

from __future__ import annotations

import typer


def ids_arg():
    return typer.Argument(None, help="Connection ids; - reads ids from stdin. Default: the profile's "
                          "connection, else every connection.")


def all_opt():
    return typer.Option(False, "--all", "-a", help="Every connection of the application.")


def concurrency_opt():
    return typer.Option(20, "--concurrency", "-j", min=1, max=200, help="Connections checked at once.")


def fail_on_opt():
    return typer.Option(None, "--fail-on", help="States that make the exit code 3, comma-separated; "
                        "`none` never fails. Default: every state but healthy and syncing.")


def stale_after_opt():
    return typer.Option(None, "--stale-after", help="Count a finished sync older than this (6h, 2d) as error.")


def force_opt():
    return typer.Option(False, "--force", help="Call connections whose circuit breaker is open.")
