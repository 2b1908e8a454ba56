"""`-o openmetrics`: status rows as OpenMetrics text (https://openmetrics.io), for Prometheus
scrapes (`watch --metrics-port`) and node_exporter's textfile collector (`-O FILE`).

Gauges only, labelled by id, name and system: node_exporter reads the Prometheus text format,
which takes this exposition as is (`# UNIT` and `# EOF` are comments there). Label values are
escaped as the format requires (backslash, double quote, line feed); names are bounded.
"""

from __future__ import annotations

from typing import Any

from . import health

CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"
TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # for scrapers that ask for the old format
LABEL_MAX = 200

FAMILIES = (
    ("makini_connection_up", None, "1 when the connection is healthy or syncing, 0 otherwise."),
    ("makini_connection_state", None, "1 for the connection's health state (label state), 0 for the others."),
    ("makini_connection_last_sync_timestamp_seconds", "seconds", "Unix time of the connection's last sync."),
    ("makini_connection_check_duration_seconds", "seconds", "How long this connection's check took."),
)


def escape(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) > LABEL_MAX:
        text = text[: LABEL_MAX - 1] + "…"
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def _timestamp(value: Any) -> float | None:
    from ..output import parse_time

    dt = parse_time(value)
    return dt.timestamp() if dt is not None else None


def render(rows: list[dict[str, Any]]) -> str:
    labels = [f'id="{escape(r["id"])}",name="{escape(r.get("name"))}",system="{escape(r.get("system"))}"'
              for r in rows]
    out: list[str] = []
    for name, unit, help_text in FAMILIES:
        out.append(f"# TYPE {name} gauge")
        if unit:
            out.append(f"# UNIT {name} {unit}")
        out.append(f"# HELP {name} {help_text}")
        for row, label in zip(rows, labels):
            if name == "makini_connection_up":
                out.append(f"{name}{{{label}}} {1 if row['health'] in health.OK_STATES else 0}")
            elif name == "makini_connection_state":
                out.extend(f'{name}{{{label},state="{s}"}} {1 if row["health"] == s else 0}' for s in health.STATES)
            elif name == "makini_connection_last_sync_timestamp_seconds":
                ts = _timestamp(row.get("last_sync"))
                if ts is not None:  # unknown: no sample rather than a made-up time
                    out.append(f"{name}{{{label}}} {_number(ts)}")
            else:
                out.append(f"{name}{{{label}}} {_number(row.get('check_seconds') or 0.0)}")
    out.append("# EOF")
    return "\n".join(out) + "\n"
