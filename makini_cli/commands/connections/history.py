"""`makini connections history`: what the local history says about each connection's states."""

from __future__ import annotations

import typer

from .._common import ctx, examples
from .._health import read_ids

HELP = ("Connection states over time, from the local history that `connections status` and "
        "`connections watch` record (per profile and base URL; no API call). Per connection: the share "
        "of time in each state, the number of incidents (stretches outside healthy and syncing), the "
        "longest outage and the last transition; on a terminal a timeline with one cell per hour (up to "
        "3 days) or per day, coloured by the worst state seen in it. JSON when piped (-o csv flattens "
        "the shares). The time between two checks counts as the state seen at the first." + examples(
            "makini connections history",
            "makini connections history 09000207611898 --since 24h",
            "makini connections history --since 30d --bucket day -o csv > uptime.csv",
            "makini connections history -o json --query \"[?incidents > `0`].id\""))

CODES = {"healthy": ".", "syncing": "s", "degraded": "d", "stuck": "k", "stale": "o", "needs_reauth": "r",
         "error": "E", "unreachable": "U", "inactive": "i", "circuit_open": "c"}


def history(
    ids: list[str] = typer.Argument(None, help="Connection ids (- reads them from stdin). Default: every "
                                    "connection in the history."),
    since: str = typer.Option("7d", "--since", metavar="DURATION", help="How far back (24h, 7d, 30d)."),
    bucket: str = typer.Option(None, "--bucket", metavar="hour|day", help="Timeline cell size. Default: hour "
                               "up to 3 days, else day."),
) -> None:
    import time

    from ...connections import timeline
    from ...connections.history import History, path_for
    from ...errors import UsageError
    from ...output import Column
    from ...timeutil import format_rfc3339, parse_duration

    c = ctx()
    window = parse_duration(since, "--since")
    if window <= 0:
        raise UsageError("--since must be longer than 0s")
    if bucket is not None and bucket not in timeline.BUCKETS:
        raise UsageError(f"--bucket: expected hour or day, not {bucket!r}")
    wanted = read_ids(ids) or None
    end = time.time()
    start = end - window
    size = timeline.bucket_for(window, bucket)
    if (window / timeline.BUCKETS[size]) > 1000:
        raise UsageError(f"--since {since} with --bucket {size} makes more than 1000 cells", hint="use --bucket day")
    path = path_for(c.profile, c.settings.base_url)
    with History(path) as store:
        currents = store.connections(wanted)
        rows = [timeline.report(cur, store.transitions(cur["id"], start), start=start, end=end, bucket=size)
                for cur in currents]
    if wanted:
        missing = [i for i in wanted if i not in {r["id"] for r in rows}]
        if missing:
            c.output.warn(f"no history for {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}: "
                          "run `makini connections status` to start one")
    if not rows and not wanted:
        c.output.info(f"no history yet for profile {c.profile!r} at {c.settings.base_url}: "
                      "`makini connections status` records one")
    for row in rows:  # the machine form: RFC 3339 times
        for key in ("since", "last_check"):
            row[key] = format_rfc3339(row[key])
        if row["last_transition"]:
            row["last_transition"]["at"] = format_rfc3339(row["last_transition"]["at"])
        row["timeline"]["start"] = format_rfc3339(row["timeline"]["start"])
    fmt = c.output.format
    if fmt == "csv":
        flat = [_flat(r) for r in rows]
        c.output.emit(flat, columns=[Column(k) for k in (flat[0] if flat else _flat_keys())])
        return
    if fmt == "table":
        c.output.emit([_shown(row) for row in rows], columns=_columns(size, c.output.color))
        if rows and c.output.stderr_tty:
            _legend(c.output, size)
        return
    c.output.emit(rows)


def _flat_keys() -> list[str]:
    from ...connections import health

    return ["id", "name", "system", "state", "since", "last_check", "uptime", "incidents",
            "longest_outage_seconds", "last_transition_from", "last_transition_to", "last_transition_at",
            "covered_seconds"] + [f"share_{s}" for s in health.STATES]


def _flat(row: dict) -> dict:
    from ...connections import health

    last = row["last_transition"] or {}
    out = {k: row.get(k) for k in ("id", "name", "system", "state", "since", "last_check", "uptime", "incidents",
                                   "longest_outage_seconds")}
    out.update(last_transition_from=last.get("from"), last_transition_to=last.get("to"),
               last_transition_at=last.get("at"), covered_seconds=row["covered_seconds"])
    out.update({f"share_{s}": row["share"].get(s, 0.0) for s in health.STATES})
    return out


def _shown(row: dict) -> dict:
    """A table row: the figures as a person reads them (the timeline as letters; a terminal
    draws them as coloured cells)."""
    from ...output import human_age

    last = row["last_transition"]
    longest = row["longest_outage_seconds"]
    return {"id": row["id"], "name": row.get("name"), "state": row["state"],
            "up": "-" if row["uptime"] is None else f"{row['uptime'] * 100:.1f}%",
            "incidents": row["incidents"], "longest": human_age(longest).removesuffix(" ago") if longest else "-",
            "last_change": f"{last['from']} → {last['to']}" if last else "", "last_change_at": last and last["at"],
            "cells": "".join(CODES.get(s, "?") if s else "-" for s in row["timeline"]["cells"]),
            "_cells": row["timeline"]["cells"]}


def _legend(output, size: str) -> None:
    """What the cells mean, on stderr: coloured blocks, or the letters when colour is off."""
    from rich.text import Text

    from .watch_view import COLOUR

    text = Text(f"timeline: one cell per {size}, oldest left; ", style="dim")
    for state, code in CODES.items():
        text.append("█" if output.color else code, style=COLOUR.get(state, "bold red") if output.color else "")
        text.append(f" {state}  ", style="dim")
    text.append(("·" if output.color else "-") + " no check", style="dim")
    output.console(output.stderr).print(text)


def _columns(size: str, color: bool):
    from ...output import Column, relative_time, styled

    from .watch_view import COLOUR

    def cells(value, row):
        from rich.text import Text

        if not color:  # the letters of the legend: blocks without colour would all look alike
            return Text(value)
        text = Text()
        for state in row["_cells"]:
            text.append("█" if state else "·", style=COLOUR.get(state, "bold red") if state else "dim")
        return text

    colour = styled(lambda v: COLOUR.get(v, "bold red"))
    return [Column("id", "ID"), Column("name", "NAME"), Column("state", "NOW", fmt=colour),
            Column("up", "UP", justify="right"), Column("incidents", "INCIDENTS", justify="right"),
            Column("longest", "LONGEST OUTAGE"), Column("last_change", "LAST CHANGE"),
            Column("last_change_at", "AT", fmt=relative_time), Column("cells", f"TIMELINE (per {size})", fmt=cells)]
