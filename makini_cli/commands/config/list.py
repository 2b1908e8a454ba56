"""`makini config list`: every setting, its value and its source."""

from __future__ import annotations

from .._common import ctx, examples


HELP = ("Every setting of the current profile, its value and where it came from." + examples(
        "makini config list", "makini --profile staging config list -o json"))


def list_settings() -> None:
    from ...config import KEYS, display_url

    c = ctx()
    rows = [{"key": k, "value": display_url(v.value) if k == "base_url" else v.value, "source": v.source, "env": KEYS[k][0], "description": KEYS[k][3]}
            for k, v in c.settings.values.items()]
    c.output.emit(rows)
