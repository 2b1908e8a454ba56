"""`makini syncs status`: the health check of `connections status` (commands/_health.py), sync columns first."""

from __future__ import annotations

from .._common import examples
from .._health import status_command

HELP = ("Sync status, last sync time and age, and the health classification of "
        "connections: the same check and options as `connections status`, sync columns first "
        "(stale: a finished sync older than --stale-after; stuck: a sync in progress for longer than "
        "--stuck-after).\n\n"
        "Exit codes: 0 all healthy or syncing, 3 some connection in a --fail-on state, 4 credentials "
        "refused." + examples(
            "makini syncs status --all",
            "makini syncs status 09000207611898 -o json",
            "makini syncs status --all --stale-after 12h --stuck-after 3h --fail-on stale,stuck",
            "makini syncs status --all --sort age --summary"))


def sync_columns():
    from ...output import Column, relative_time

    return [Column("id", "ID", priority=100), Column("name", "NAME", kind="text", priority=50),
            Column("sync_status", "SYNC", priority=90), Column("last_sync", "LAST SYNC", fmt=relative_time, priority=80),
            Column("health", "HEALTH", priority=70), Column("reason", "REASON", kind="text", priority=60)]


status = status_command(sync_columns)
