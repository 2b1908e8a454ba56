"""Options shared by `po list`, `po lines` and `po export`: filters, sorting and matching."""

from __future__ import annotations

import typer

FILTER_HELP = "field=value or field:op=value (op: contains, startsWith, gt, gteq, lt, lteq). Repeatable."


def status_option():
    return typer.Option(None, "--status", help="Status key, code, subCode or name (see `po statuses`).")


def vendor_option():
    return typer.Option(None, "--vendor", help="Vendor key, code or name.")


def since_option():
    return typer.Option(None, "--since", help="Ordered on/after: 2025-01-31, an ISO time, or 7d back.")


def until_option():
    return typer.Option(None, "--until", help="Ordered on/before (a date includes that whole day).")


def updated_since_option():
    return typer.Option(None, "--updated-since", help="Updated on/after (date, ISO time or 12h back).")


def filter_option():
    return typer.Option(None, "--filter", "-f", help=FILTER_HELP)


def match_option():
    return typer.Option(None, "--match", help="all (default) or any: how the filters combine.")


def sort_option():
    return typer.Option(None, "--sort", help="field, field:asc or field:desc. Repeatable.")


def mapping_option():  # issue 7
    return typer.Option(None, "--mapping", metavar="FILE",
                        help="Your own columns from a mapping file (TOML; see `makini mappings --help`).")
