"""History, notices, output files and progress for the fleet commands (`connections status`,
`syncs status`, `connections watch`): the parts of commands/_health.py that are not options."""

from __future__ import annotations

from ._common import ctx

NOTIFY_WAIT = 10.0  # seconds a status run waits after its checks to deliver notices


def open_history(no_history: bool):
    """The history of this profile and base URL, or None with --no-history."""
    if no_history:
        return None
    from ..connections.history import History, path_for

    c = ctx()
    return History(path_for(c.profile, c.settings.base_url))


def make_notifier(url: str | None, secret_file: str | None, *, no_history: bool):
    from ..errors import UsageError

    if secret_file and not url:
        raise UsageError("--notify-secret-file signs the notices of --notify URL: give --notify too")
    if not url:
        return None
    if no_history:
        raise UsageError("--notify sends transitions, which need the history: drop --no-history")
    if not url.startswith(("http://", "https://")):
        raise UsageError("--notify: expected an http:// or https:// URL", hint="e.g. a Slack or Teams incoming webhook URL")
    import httpx

    from ..connections.notifier import Notifier, masked
    from ..urls import is_loopback

    try:
        host = httpx.URL(url).host
    except httpx.InvalidURL:
        raise UsageError(f"--notify: not a valid URL: {masked(url)}") from None
    if url.startswith("http://") and not is_loopback(host):
        ctx().output.warn(f"--notify {masked(url)} is plain http: notices cross the network unencrypted")
    secret = None
    if secret_file:
        from ._common import read_input

        secret = read_input(secret_file, "--notify-secret-file").strip()
        if not secret:
            raise UsageError(f"--notify-secret-file: {secret_file} is empty")
    return Notifier(url, secret=secret)


def notable(row: dict, fail_states: frozenset[str]) -> bool:
    """Worth a chat message: into or out of a --fail-on state, and a fleet broken on its first
    check; not healthy ↔ syncing (every sync would post twice) nor a healthy first sight."""
    return row["health"] in fail_states or row.get("previous") in fail_states


def notice_for(row: dict, entry, fail_states: frozenset[str]) -> dict:
    from ..connections.notifier import notice

    return notice(row, previous=entry.previous, previous_since=entry.previous_since, at=entry.since,
                  failing=row["health"] in fail_states, profile=ctx().profile)


def write_output_file(path: str, render) -> None:
    """Run `render()` with stdout going to FILE, written atomically (a textfile collector never
    reads half a file). A new file is 0644 less the umask; an existing file keeps its mode."""
    import io
    import os
    import stat
    from pathlib import Path

    from ..errors import UsageError
    from ..fsutil import atomic_write_text

    target = Path(path)
    if not path:
        raise UsageError("-O/--output-file needs a file name")
    if not target.parent.is_dir():
        raise UsageError(f"-O {path}: no such folder {target.parent}")
    if target.is_dir():
        raise UsageError(f"-O {path} is a folder")
    out = ctx().output
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o644 & ~umask
    saved = out.stdout, out.stdout_tty, out.format
    out.stdout, out.stdout_tty = io.StringIO(), False
    if not out.explicit and out.format == "table":
        out.format = "json"  # a file is read by programs, like a pipe
    try:
        render()
        text = out.stdout.getvalue()
    finally:
        out.stdout, out.stdout_tty, out.format = saved
    atomic_write_text(target, text, perms=mode)


def record_checks(history, rows: list[dict], blind: frozenset[str], *, required: bool) -> dict:
    """Record the round; annotate the rows. A history that cannot be written stops a run that
    needs it (--changes, --notify); otherwise it is a warning and the check still counts."""
    if history is None:
        return {}
    from ..connections import monitor
    from ..connections.history import HistoryError

    try:
        with history:
            entries = history.record(monitor.observations(rows, blind))
    except HistoryError as exc:
        if required:
            raise
        ctx().output.warn(f"not recorded in the history: {exc.message}")
        return {}
    monitor.annotate(rows, entries)
    return entries


def deliver_notices(notifier, changed: list[dict], entries: dict, fail_states: frozenset[str]) -> None:
    import asyncio

    from ..connections.notifier import masked

    if not changed:
        return

    async def deliver() -> list[str]:
        for row in changed:
            notifier.send(notice_for(row, entries[row["id"]], fail_states))
        return await notifier.drain(NOTIFY_WAIT)

    undelivered = asyncio.run(deliver())
    out = ctx().output
    for line in undelivered:
        out.warn(f"notice not delivered to {masked(notifier.url)}: {line}")


def change_columns():
    from ..output import Column, relative_time

    return [Column("id", "ID"), Column("name", "NAME"), Column("system", "SYSTEM"),
            Column("previous", "FROM"), Column("health", "TO"),
            Column("previous_since", "FROM SINCE", fmt=relative_time), Column("reason", "REASON")]


class ProgressBar:
    """A transient progress bar on stderr (terminals only) while many connections are checked."""

    def __init__(self, output) -> None:
        self.output = output
        self.bar = None
        self.task = None

    def start(self, total: int) -> None:
        if total < 2:
            return
        # rich only when a bar is drawn (a terminal, two connections or more)
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from ._progress import count_column

        # Rich's own terminal detection: NO_COLOR must not stop a live bar
        console = Console(file=self.output.stderr, no_color=not self.output.color, markup=False,
                          emoji=False, highlight=False)
        self.bar = Progress(TextColumn("checking"), BarColumn(), count_column(), TimeElapsedColumn(),
                            console=console, transient=True)
        self.bar.start()
        self.task = self.bar.add_task("check", total=total)

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
