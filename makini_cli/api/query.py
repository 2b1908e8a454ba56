"""Query parameters in the spec's grammar: filter[field], filter[field:op], filterMatch, sort[field].

`sort[field]=1` is descending and `=0` ascending (Makini's convention, the reverse of what one
might guess): the mapping lives only here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import UsageError

OPS = ("eq", "contains", "startsWith", "gt", "gteq", "lt", "lteq")
_OPS_LOWER = {op.lower(): op for op in OPS}
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    value: str

    def param(self) -> tuple[str, str]:
        key = f"filter[{self.field}]" if self.op == "eq" else f"filter[{self.field}:{self.op}]"
        return key, self.value


def parse_filter(expr: str) -> Filter:
    """'field=value' or 'field:op=value' (op one of the spec's operators, any case)."""
    if "=" not in expr:
        raise UsageError(f"bad filter {expr!r}: expected field=value or field:op=value",
                         hint=f"operators: {', '.join(OPS[1:])}; e.g. --filter 'orderNo:startsWith=PO-'")
    left, value = expr.split("=", 1)
    field, _, op = left.partition(":")
    field, op = field.strip(), (op.strip() or "eq")
    if not _FIELD.match(field):
        raise UsageError(f"bad filter {expr!r}: {field!r} is not a field name")
    canonical = _OPS_LOWER.get(op.lower())
    if canonical is None:
        raise UsageError(f"bad filter {expr!r}: unknown operator {op!r}",
                         hint=f"operators: {', '.join(OPS[1:])} (or none, for equality)")
    return Filter(field, canonical, value)


def parse_sort(expr: str) -> tuple[str, bool]:
    """'field', 'field:asc' or 'field:desc' (also a leading '-' for descending) -> (field, descending)."""
    expr = expr.strip()
    descending = False
    if expr.startswith("-"):
        expr, descending = expr[1:], True
    field, _, direction = expr.partition(":")
    direction = direction.lower() or ("desc" if descending else "asc")
    if direction not in ("asc", "desc") or not _FIELD.match(field):
        raise UsageError(f"bad sort {expr!r}: expected field, field:asc or field:desc")
    return field, direction == "desc"


def build(filters: list[Filter] | None = None, *, match: str | None = None,
          sort: list[tuple[str, bool]] | None = None) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = [f.param() for f in filters or []]
    if match:
        if match not in ("all", "any"):
            raise UsageError(f"bad --match {match!r}: expected all or any")
        if filters:
            params.append(("filterMatch", match))
    for field, descending in sort or []:
        params.append((f"sort[{field}]", "1" if descending else "0"))
    return params
