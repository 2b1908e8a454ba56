"""`makini syncs status`: the health check of `connections status` (commands/_health.py), sync columns first."""

from __future__ import annotations

from .._common import examples
from .._health import all_opt, concurrency_opt, fail_on_opt, force_opt, health_run, ids_arg, stale_after_opt

HELP = ("Sync status, last sync time and age, and the health classification of "
        "connections (the same check as `connections status`, sync columns first).\n\n"
        "Exit codes: 0 all healthy or syncing, 3 some connection in a --fail-on state, 4 credentials "
        "refused." + examples(
            "makini syncs status --all",
            "makini syncs status 09000207611898 -o json",
            "makini syncs status --all --stale-after 12h --fail-on error"))


def sync_columns():
    from ...output import Column, relative_time

    return [Column("id", "ID", priority=100), Column("name", "NAME", kind="text", priority=50),
            Column("sync_status", "SYNC", priority=90), Column("last_sync", "LAST SYNC", fmt=relative_time, priority=80),
            Column("health", "HEALTH", priority=70), Column("reason", "REASON", kind="text", priority=60)]


def status(
    ids: list[str] = ids_arg(),
    all_: bool = all_opt(),
    concurrency: int = concurrency_opt(),
    fail_on: str = fail_on_opt(),
    stale_after: str = stale_after_opt(),
    force: bool = force_opt(),
) -> None:
    health_run(ids, all_=all_, concurrency=concurrency, fail_on=fail_on, stale_after=stale_after,
               force=force, columns=sync_columns())
