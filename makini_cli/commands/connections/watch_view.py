"""What `connections watch` shows: on a terminal a live table (Rich Live) redrawn each round,
with the connections that changed highlighted and the time of the last round; piped, one NDJSON
line per transition (and per round with --heartbeat). Imported when watch runs, not at start-up."""

from __future__ import annotations

import json
import time
from typing import Any

from ...connections import health
from ...connections.monitor import Round
from ...output import human_age, jsonable

COLOUR = {"healthy": "green", "syncing": "cyan", "needs_reauth": "yellow", "inactive": "dim",
          "circuit_open": "magenta", "degraded": "yellow", "stale": "yellow", "stuck": "yellow"}


def inert(value: Any, limit: int = 200) -> str:
    """Server text for a person's screen (the output layer's `inert`: control characters shown,
    never obeyed), bounded in length for a live table cell."""
    from ...output import inert as visible

    s = visible("" if value is None else value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def event(row: dict[str, Any], r: Round, fail_states: frozenset[str]) -> dict[str, Any]:
    entry = r.entries[row["id"]]
    return {"event": "transition", "round": r.number, "id": row["id"], "name": row.get("name"),
            "system": row.get("system"), "previous": entry.previous, "state": row["health"],
            "since": row.get("since"), "previous_since": row.get("previous_since"),
            "failing": row["health"] in fail_states, "reason": row.get("reason"), "hint": row.get("hint"),
            "sync_status": row.get("sync_status"), "last_sync": row.get("last_sync")}


class EventStream:
    """NDJSON on stdout: a line per transition, a heartbeat per round with --heartbeat."""

    def __init__(self, stream, *, heartbeat: bool, fail_states: frozenset[str]) -> None:
        self.stream, self.heartbeat, self.fail_states = stream, heartbeat, fail_states

    def _line(self, data: dict[str, Any]) -> None:
        self.stream.write(json.dumps(jsonable(data), ensure_ascii=False, separators=(",", ":")) + "\n")

    def round(self, r: Round) -> None:
        for row in r.changes:
            self._line(event(row, r, self.fail_states))
        if self.heartbeat:
            from ...connections.checker import counts
            from ...timeutil import format_rfc3339

            self._line({"event": "heartbeat", "round": r.number, "at": format_rfc3339(r.started),
                        "connections": len(r.rows), "seconds": round(r.seconds, 3),
                        "changes": len(r.changes), "counts": counts(r.rows)})
        self.stream.flush()


class LiveTable:
    """A Rich Live table on the terminal, redrawn after every round."""

    def __init__(self, output, *, interval: float, fail_states: frozenset[str]) -> None:
        from rich.console import Console
        from rich.live import Live

        self.output, self.interval, self.fail_states = output, interval, fail_states
        # no markup or emoji codes; Rich's own terminal detection (NO_COLOR must not stop Live)
        console = Console(file=output.stdout, no_color=not output.color, markup=False, emoji=False,
                          highlight=False)
        self.live = Live(console=console, auto_refresh=False, redirect_stdout=False, redirect_stderr=False)

    def __enter__(self) -> LiveTable:
        self.live.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.live.stop()

    def round(self, r: Round) -> None:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        changed = {row["id"] for row in r.changes if not r.baseline(row)}
        clock = time.strftime("%H:%M:%S", time.localtime(r.started))
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, title_justify="left",
                      title=Text(f"round {r.number} at {clock}: {len(r.rows)} connections checked in "
                                 f"{r.seconds:.1f}s, {len(changed)} changed", style="bold"),
                      caption=Text(f"next round in {human_age(self.interval).removesuffix(' ago')}; "
                                   "Ctrl-C stops", style="dim"), caption_justify="left")
        # One line per connection, widths set here: ids, states and times are never cut; the
        # name and the reason share what is left, shrinking with …; below 100 columns the
        # previous state gives way (the highlight still says what changed).
        width = self.live.console.width
        id_width = max([2] + [len(inert(row["id"])) for row in r.rows])
        fixed = {"ID": id_width, "HEALTH": 12, "SINCE": 8} | ({"WAS": 12} if width >= 100 else {})
        titles = ["ID", "NAME", "HEALTH", "SINCE"] + (["WAS"] if "WAS" in fixed else []) + ["REASON"]
        rest = max(16, width - sum(fixed.values()) - 3 * len(titles))  # padding and divider per column
        name_width = min(32, max(6, rest * 2 // 5))
        widths = {**fixed, "NAME": name_width, "REASON": rest - name_width}
        for title in titles:
            table.add_column(title, no_wrap=True, overflow="ellipsis", width=widths[title])
        order = sorted(r.rows, key=lambda row: (row["id"] not in changed, health.RANK.get(row["health"], 0),
                                                str(row.get("name") or "").casefold(), row["id"]))
        for row in order:
            state = row["health"]
            since = human_age(time.time() - _unix(row.get("since"))) if row.get("since") else ""
            cells = [Text(inert(row["id"])), Text(inert(row.get("name"), 60)),
                     Text(state, style=COLOUR.get(state, "bold red")), Text(since)]
            if "WAS" in titles:
                cells.append(Text((row.get("previous") or "") if row["id"] in changed else ""))
            cells.append(Text(inert(row.get("reason"), 200)))
            table.add_row(*cells, style="reverse" if row["id"] in changed else None)
        self.live.update(table, refresh=True)


def _unix(value: Any) -> float:
    from ...output import parse_time

    dt = parse_time(value)
    return dt.timestamp() if dt else time.time()
