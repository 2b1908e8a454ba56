"""`makini connections status` (the check itself is shared with `syncs status`: commands/_health.py)."""

from __future__ import annotations

from .._common import examples
from .._health import status_command

EXIT_HELP = ("Exit codes: 0 all healthy or syncing (or none of the --fail-on states), 3 some connection is in a "
             "--fail-on state (with --changes: some connection newly entered one), 4 the application "
             "credentials (or the only token) were refused, 1 other errors.")

HELP = ("Health of connections, each read with its own token from "
        "/api/integrations/current and classified: healthy, syncing, degraded (--deep: some entity types "
        "fail), stuck (--stuck-after), stale (--stale-after), needs_reauth, error, unreachable, inactive or "
        "circuit_open, with the reason and a hint (needs_reauth: the Makini Link URL to send the customer). "
        "Checked concurrently (--concurrency in flight). On a terminal worst first, with one summary line "
        "on stderr; piped, JSON in id order.\n\n"
        "Each check is recorded in a local history (per profile and base URL; MAKINI_HISTORY_DAYS, default "
        "90) unless --no-history: --changes shows only what changed since the last check (a cron job alerts "
        "once per incident), --notify posts each transition to a webhook, and `connections history` "
        "reports on it. -o openmetrics prints Prometheus metrics (with -O FILE for node_exporter's textfile "
        "collector).\n\n" + EXIT_HELP + examples(
            "makini connections status --all",
            "makini connections status --all --problems --sort age",
            "makini connections list -o json | jq -r '.[].id' | makini connections status -",
            "makini connections status --all --fail-on needs_reauth --fail-on unreachable -o json",
            "makini connections status --all --stale-after 6h --stuck-after 2h --deep --summary",
            "makini connections status --all --changes --notify https://hooks.slack.com/services/…",
            "makini connections status --all -o openmetrics -O /var/lib/node_exporter/textfile/makini.prom"))


def status_columns():
    from ...output import Column, relative_time, styled

    colour = {"healthy": "green", "syncing": "cyan", "needs_reauth": "yellow", "inactive": "dim",
              "circuit_open": "magenta", "degraded": "yellow", "stale": "yellow", "stuck": "yellow"}
    # too narrow a terminal leaves out SYSTEM first, then SYNC, LAST SYNC, NAME, REASON
    return [Column("id", "ID", priority=100), Column("name", "NAME", kind="text", priority=60),
            Column("system", "SYSTEM", kind="text", priority=20),
            Column("health", "HEALTH", fmt=styled(lambda v: colour.get(v, "bold red")), priority=90),
            Column("sync_status", "SYNC", priority=30),
            Column("last_sync", "LAST SYNC", fmt=relative_time, priority=40),
            Column("reason", "REASON", kind="text", priority=70)]


status = status_command(status_columns)
