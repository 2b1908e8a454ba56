"""`makini connections status` (the check itself is shared with `syncs status`: commands/_health.py)."""

from __future__ import annotations

from .._common import examples
from .._health import all_opt, concurrency_opt, fail_on_opt, force_opt, health_run, ids_arg, stale_after_opt

EXIT_HELP = ("Exit codes: 0 all healthy or syncing (or none of the --fail-on states), 3 some connection is in a "
             "--fail-on state, 4 the application credentials (or the only token) were refused, 1 other errors.")

HELP = ("Health of connections, each read with its own token from "
        "/api/integrations/current and classified: healthy, syncing, needs_reauth, error, unreachable, "
        "inactive or circuit_open, with the reason and a hint (needs_reauth: the Makini Link URL to send "
        "the customer). Checked concurrently (--concurrency in flight). One summary line on stderr on a "
        "terminal.\n\n" + EXIT_HELP + examples(
            "makini connections status --all",
            "makini connections status 09000207611898 00010012345678",
            "makini connections list -o json | jq -r '.[].id' | makini connections status -",
            "makini connections status --all --fail-on needs_reauth,unreachable -o json",
            "makini connections status --all --stale-after 6h --query \"[?health!='healthy'].id\""))


def status_columns():
    from ...output import Column, relative_time, styled

    colour = {"healthy": "green", "syncing": "cyan", "needs_reauth": "yellow", "inactive": "dim",
              "circuit_open": "magenta"}
    # too narrow a terminal leaves out SYSTEM first, then SYNC, LAST SYNC, NAME, REASON
    return [Column("id", "ID", priority=100), Column("name", "NAME", kind="text", priority=60),
            Column("system", "SYSTEM", kind="text", priority=20),
            Column("health", "HEALTH", fmt=styled(lambda v: colour.get(v, "bold red")), priority=90),
            Column("sync_status", "SYNC", priority=30),
            Column("last_sync", "LAST SYNC", fmt=relative_time, priority=40),
            Column("reason", "REASON", kind="text", priority=70)]


def status(
    ids: list[str] = ids_arg(),
    all_: bool = all_opt(),
    concurrency: int = concurrency_opt(),
    fail_on: str = fail_on_opt(),
    stale_after: str = stale_after_opt(),
    force: bool = force_opt(),
) -> None:
    health_run(ids, all_=all_, concurrency=concurrency, fail_on=fail_on, stale_after=stale_after,
               force=force, columns=status_columns())
