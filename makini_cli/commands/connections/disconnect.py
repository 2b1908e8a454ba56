"""`makini connections disconnect`."""

from __future__ import annotations

import typer

from .._common import complete_connection_ids, confirm, ctx, examples
from .._health import read_ids

CONSEQUENCES = (
    "Disconnecting a connection:\n"
    "  - its token stops working at once (every call made with it gets HTTP 401);\n"
    "  - its scheduled syncs and workflows stop;\n"
    "  - its credits return to the pool;\n"
    "  - the history already synced is kept;\n"
    "  - reconnecting the same system later creates a NEW connection with a new id and token\n"
    "    (`makini connections reconnect ID` prints the Makini Link URL).")


def _plan_line(conn) -> str:
    from ...output import inert  # one line per connection, whatever its name holds

    credits = conn.credits
    extra = f", {credits} credit{'s' if credits != 1 else ''}" if isinstance(credits, int) else ""
    return inert(f"  {conn.id}  {conn.name or '?'} ({conn.integration_name or '?'}, {conn.status or '?'}{extra})")


HELP = ("Disconnect connections. Says first what will happen (once per run, whatever the number of "
        "ids; --quiet leaves it out), asks on a terminal, and refuses off a terminal without --yes. "
        "Each id is reported; the cached token is removed. An id this machine already disconnected "
        "is reported as already disconnected and counts as done, so a script can simply run again. "
        "Exit codes: 0 all disconnected or already disconnected (or --dry-run with every id known), "
        "1 some id unknown or failed, 2 refused (no --yes off a terminal), 4 credentials refused.\n\n"
        + CONSEQUENCES + examples(
            "makini connections disconnect 09000207611898",
            "makini connections disconnect 09000207611898 00010012345678 --dry-run",
            "makini connections list --status inactive -o json | jq -r '.[].id' | makini connections disconnect - --yes --quiet"))


def disconnect(
    ids: list[str] = typer.Argument(..., help="Connection ids; - reads ids from stdin.",
                                    autocompletion=complete_connection_ids),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask (needed off a terminal)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would happen; change nothing (wins over --yes)."),
    quiet: bool = typer.Option(False, "--quiet", help="Leave out what disconnecting does (scripts that know)."),
) -> None:
    from ...api import connections as api
    from ...connections.breaker import Breaker
    from ...connections.ledger import Ledger
    from ...errors import MakiniError, NotFound, UsageError
    from ...output import Column
    from ...timeutil import format_rfc3339

    c = ctx()
    targets = list(dict.fromkeys(read_ids(ids)))
    if not targets:
        raise UsageError("no connection ids given")

    async def lookup(client):
        return await api.find_connections(client, targets)

    found = c.run(lookup)
    ledger = Ledger(c.token_cache().scope)
    gone = {cid: found[cid] for cid in targets if cid in found and _disconnected(found[cid])}
    earlier = {cid: ledger.get(cid) for cid in targets if cid not in found}
    earlier = {cid: entry for cid, entry in earlier.items() if entry is not None}
    unknown = [cid for cid in targets if cid not in found and cid not in earlier]
    known = [cid for cid in targets if cid in found and cid not in gone]
    columns = [Column("id", "ID", priority=100), Column("name", "NAME", kind="text", priority=60),
               Column("system", "SYSTEM", kind="text", priority=40), Column("result", "RESULT", priority=90),
               Column("message", "MESSAGE", kind="text", priority=50)]
    fixed_rows = {cid: {"id": cid, "name": None, "system": None, "result": "not_found",
                        "message": "no such connection in this application"} for cid in unknown}
    for cid, entry in earlier.items():
        fixed_rows[cid] = {"id": cid, "name": entry.get("name"), "system": entry.get("system"),
                           "result": "already_disconnected",
                           "message": f"already disconnected (at {entry.get('at')}, from this machine)"}
    for cid, conn in gone.items():
        fixed_rows[cid] = {"id": cid, "name": conn.name, "system": conn.integration_name,
                           "result": "already_disconnected", "message": "already disconnected"}
    if not known and unknown and not (earlier or gone):
        if len(unknown) == 1:
            raise NotFound(f"no connection {unknown[0]!r} in this application",
                           hint="list them with `makini connections list`", connection=unknown[0])
        raise NotFound(f"none of these connections exist: {', '.join(unknown)}",
                       hint="list them with `makini connections list`")

    if known:
        plan = "\n".join(_plan_line(found[cid]) for cid in known)
        reasons = {"not_found": "not found", "already_disconnected": "already disconnected"}
        skipped = "".join(f"\n  {cid}  {reasons[fixed_rows[cid]['result']]}: skipped"
                          for cid in targets if cid in fixed_rows)
        verb = "Would disconnect" if dry_run else "About to disconnect"
        banner = "" if quiet else f"{CONSEQUENCES}\n\n"
        c.output.note(f"{banner}{verb} {len(known)} connection{'s' if len(known) != 1 else ''}:\n{plan}{skipped}")
    if dry_run:
        rows = [fixed_rows.get(cid) or {"id": cid, "name": found[cid].name, "system": found[cid].integration_name,
                                        "result": "would_disconnect", "message": None} for cid in targets]
        c.output.emit(rows, columns=columns)
        if unknown:
            raise typer.Exit(1)
        return
    if known:
        confirm(f"Disconnect {len(known)} connection{'s' if len(known) != 1 else ''}?", yes=yes,
                action="disconnect connections")

    async def work(client):
        done = {}
        for cid in known:  # one at a time, in the order given: each outcome is reported on its own
            conn = found[cid]
            row = {"id": cid, "name": conn.name, "system": conn.integration_name}
            try:
                await api.disconnect(client, cid)
                row.update(result="disconnected", message=None)
                Breaker().reset(cid)
            except MakiniError as exc:
                row.update(result="failed", message=exc.message + (f" (request id {exc.request_id})"
                                                                    if exc.request_id else "")
                           + (f"; {exc.hint}" if exc.uncertain else ""))
            done[cid] = row
        return done

    done = c.run(work) if known else {}
    at = format_rfc3339()
    ledger.record({cid: {"at": at, "name": row["name"], "system": row["system"]}
                   for cid, row in done.items() if row["result"] == "disconnected"})
    rows = [fixed_rows.get(cid) or done[cid] for cid in targets]
    c.output.emit(rows, columns=columns)
    ok = sum(r["result"] == "disconnected" for r in rows)
    already = sum(r["result"] == "already_disconnected" for r in rows)
    c.output.info(f"{ok} of {len(rows)} disconnected" + (f", {already} already disconnected." if already else "."))
    if ok + already != len(rows):
        raise typer.Exit(1)


def _disconnected(conn) -> bool:
    """A listed connection whose status says it is gone (should Makini keep listing them)."""
    return (conn.status or "").strip().lower() == "disconnected"
