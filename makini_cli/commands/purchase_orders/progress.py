"""Progress of `po export` and `po list --all`: a bar on a terminal's stderr, and, for an export
of several connections, which connection is slow and which was skipped, said when it happens.

`Watch` keeps the per-connection facts (orders so far, when the last page came, done, failed);
`Bar` draws them with Rich; `Quiet` says the same things as plain stderr lines for logs.
Imported inside the commands only: it pulls in Rich (the bar) lazily."""

from __future__ import annotations

import time
from typing import Any, Callable

from ...export import Progress

SLOW_AFTER = 10.0  # seconds without a page before a connection is called slow (--slow-after)


class Watch(Progress):
    """Counts per source, and the hooks the export engine calls."""

    def __init__(self, *, labels: bool, slow_after: float = SLOW_AFTER,
                 say: Callable[[str], None] | None = None, warn: Callable[[str], None] | None = None) -> None:
        self.labels = labels  # several connections: name them
        self.slow_after = slow_after
        self.say = say or (lambda text: None)
        self.warn = warn or (lambda text: None)
        self.started = time.monotonic()
        self.sources: dict[str, dict[str, Any]] = {}
        self.skipped: dict[str, str] = {}
        self.total = 0

    def _src(self, source: str) -> dict[str, Any]:
        return self.sources.setdefault(source, {"orders": 0, "last": self.started, "done": False,
                                                "slow_said": False})

    # --- what the engine reports -----------------------------------------------------------
    def add_total(self, n: int) -> None:
        self.total += n

    def source_start(self, source: str) -> None:
        self._src(source)["last"] = time.monotonic()

    def source_page(self, source: str, n: int) -> None:
        st = self._src(source)
        st["orders"] += n
        st["last"] = time.monotonic()

    def source_done(self, source: str) -> None:
        self._src(source)["done"] = True

    def source_failed(self, source: str, exc: Any) -> None:
        self._src(source)["done"] = True
        message = getattr(exc, "message", None) or str(exc)
        self.skipped[source] = message
        self.warn(f"connection {source} skipped: {message}")

    # --- the slow one -----------------------------------------------------------------------
    def slowest(self) -> tuple[str, float, int] | None:
        """(source, seconds since its last page, orders so far) of the unfinished source that
        has waited longest, if it has waited past `slow_after`."""
        now = time.monotonic()
        waiting = [(now - st["last"], source, st["orders"]) for source, st in self.sources.items()
                   if not st["done"]]
        if not waiting:
            return None
        idle, source, orders = max(waiting)
        return (source, idle, orders) if idle >= self.slow_after else None

    def check_slow(self) -> None:
        """Say once per connection that it is slow (called every second or so)."""
        if not self.labels:
            return
        now = time.monotonic()
        for source, st in self.sources.items():
            idle = now - st["last"]
            if not st["done"] and not st["slow_said"] and idle >= self.slow_after:
                st["slow_said"] = True
                self.say(f"connection {source} is slow: no page for {idle:.0f}s "
                         f"({st['orders']:,} orders so far); the others go on")


class Quiet(Watch):
    def __enter__(self) -> Quiet:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


class Bar(Watch):
    """count/total (meta.total, summed over connections), rate, ETA, and the slow connection."""

    def __init__(self, what: str = "exporting", **kw: Any) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress as RichBar, TextColumn, TimeElapsedColumn, \
            TimeRemainingColumn
        from rich.text import Text

        from ...output import inert
        from .._common import ctx
        from .._progress import count_column, rate_column

        watch = self

        class SlowColumn(TextColumn):
            def render(self, task: Any) -> Text:
                slow = watch.slowest() if watch.labels else None
                return Text(f"waiting on {inert(slow[0])} ({slow[1]:.0f}s)" if slow else "", style="yellow")

        # no markup, no emoji codes (ids and server messages are made inert too); a live bar
        # needs Rich's own terminal detection, which NO_COLOR must not turn off
        output = ctx().output
        console = Console(file=output.stderr, no_color=not output.color, markup=False, emoji=False,
                          highlight=False)
        super().__init__(say=lambda text: console.print(Text(inert(text), style="yellow")),
                         warn=lambda text: console.print(Text(f"warning: {inert(text)}", style="yellow")), **kw)
        self.bar = RichBar(TextColumn(what), BarColumn(), count_column(), rate_column(),
                           TextColumn("eta"), TimeRemainingColumn(), TimeElapsedColumn(), SlowColumn(""),
                           console=console, transient=True)
        self.task = self.bar.add_task(what, total=None)

    def __enter__(self) -> Bar:
        self.bar.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.bar.stop()

    def add_total(self, n: int) -> None:
        super().add_total(n)
        self.bar.update(self.task, total=self.total)

    def advance(self, n: int) -> None:
        self.bar.advance(self.task, n)

    def check_slow(self) -> None:
        return None  # the bar's own column shows the slow connection, live
