"""`makini connections platforms`: the systems Makini connects to, with the slugs `create` takes."""

from __future__ import annotations

from .._common import ctx, examples

HELP = ("List the systems Makini connects to: the slug `connections create --provider` takes, "
        "the name, the kind (ERP, EAM, CMMS, WMS), the tier and the credits a connection costs."
        + examples("makini connections platforms",
                   "makini connections platforms -o json --query \"[?kind=='CMMS'].slug\""))


def platforms() -> None:
    from ...api import connections as api
    from ...connections.platforms import rows
    from ...output import Column

    c = ctx()
    found = c.run(api.platforms)
    c.output.emit(rows(found), columns=[Column("slug", "SLUG"), Column("name", "NAME"), Column("kind", "KIND"),
                                        Column("tier", "TIER"), Column("credits", "CREDITS", justify="right")])
