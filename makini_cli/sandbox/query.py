"""Laravel-style list queries as SQL: `filter[field]=v`, `filter[field:op]=v`, `filterMatch`,
`sort[field]=1|0`, `page`, `per_page`, and the paginator's `{data, links, meta}` body.

Filtering and sorting run in SQLite over real columns; pages are LIMIT/OFFSET, so memory per
request depends on the page size, never on the table size. Default order is insertion order
(`seq`), and every sort ends with `seq` as a tiebreaker, so pages never overlap or skip.
"""

from __future__ import annotations

from ..timeutil import format_rfc3339, parse_rfc3339

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from .errors import validation
from .store import SCALE, qi

DEFAULT_PER_PAGE = 15   # Laravel's default page size
MAX_PER_PAGE = 1000
# Pages past this are a 422 like a bad per_page: OFFSET is a 64-bit integer in SQLite, and
# `page=99999999999999999999` must not overflow it (it was a 500 OverflowError).
MAX_PAGE = 2**31 - 1
INT64 = 2**63 - 1
OPS = {"eq": "=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=", "contains": "LIKE",
       "startsWith": "LIKE",
       # The spec's own filter examples spell it `lted` (oas3_*.json, every list operation's
       # description); accepted as an alias of `lteq`.
       "lted": "<="}
_FILTER = re.compile(r"^filter\[([A-Za-z0-9_.]+)(?::([A-Za-z]+))?\]$")
_SORT = re.compile(r"^sort\[([A-Za-z0-9_.]+)\]$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class ListQuery:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    where: list[str] = field(default_factory=list)
    args: list = field(default_factory=list)
    match_any: bool = False
    order: list[str] = field(default_factory=list)

    def sql_where(self, base: str, base_args: list) -> tuple[str, list]:
        sql, args = base, list(base_args)
        if self.where:
            joiner = " OR " if self.match_any else " AND "
            sql += " AND (" + joiner.join(self.where) + ")"
            args += self.args
        return sql, args

    def sql_order(self) -> str:
        return " ORDER BY " + ", ".join(self.order + ["seq"])


def _int_param(params, name: str, default: int, low: int, high: int | None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise validation(name, f"The {name} field must be an integer.") from None
    if value < low or (high is not None and value > high):
        rng = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise validation(name, f"The {name} field must be {rng}.")
    return value


def _timestamp(name: str, value: str) -> str:
    """Normalise a date or ISO timestamp filter value to the stored form."""
    text = value.strip()
    if _DATE.match(text):
        text += "T00:00:00Z"
    try:
        dt = parse_rfc3339(text, naive_is_utc=True)
        return format_rfc3339(dt)
    except (ValueError, OverflowError):  # year 1 with a positive offset overflows into year 0
        raise validation(f"filter.{name}", f"Filter value for '{name}' must be a date "
                         "(YYYY-MM-DD) or an ISO 8601 timestamp.") from None


def _condition(name: str, kind: str, column: str, op: str, value: str) -> tuple[str, list]:
    if op in ("contains", "startsWith"):
        escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%" if op == "contains" else f"{escaped}%"
        return f"{column} LIKE ? ESCAPE '\\'", [pattern]
    sql_op = OPS[op]
    if kind == "d":
        try:
            number = Decimal(value.strip())
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise validation(f"filter.{name}",
                             f"Filter value for '{name}' must be a decimal number.") from None
        # The shadow column is value x 10^6 in 64 bits: clamp, so a huge bound compares as
        # beyond every stored value instead of overflowing SQLite's integer.
        scaled = max(-INT64, min(INT64, int(number.scaleb(SCALE))))
        return f"{qi(name + '__n')} {sql_op} ?", [scaled]
    if kind == "i":
        text = value.strip()
        if not re.fullmatch(r"-?\d{1,18}", text):
            raise validation(f"filter.{name}", f"Filter value for '{name}' must be an integer.")
        return f"{column} {sql_op} ?", [int(text)]
    if kind == "b":
        low = value.strip().lower()
        if low not in ("true", "false", "1", "0"):
            raise validation(f"filter.{name}", f"Filter value for '{name}' must be true or false.")
        return f"{column} {sql_op} ?", [1 if low in ("true", "1") else 0]
    if kind == "t":
        stamp = _timestamp(name, value)
        if op == "eq" and _DATE.match(value.strip()):  # a date means that whole day
            try:
                nxt = format_rfc3339(parse_rfc3339(value, date_ok=True) + timedelta(days=1))
            except OverflowError:  # 9999-12-31: the day runs to the end of time
                return f"{column} >= ?", [stamp]
            return f"({column} >= ? AND {column} < ?)", [stamp, nxt]
        return f"{column} {sql_op} ?", [stamp]
    return f"{column} {sql_op} ?", [value]


def parse_list(params, fields: dict[str, tuple[str, str]], *,
               default_per_page: int = DEFAULT_PER_PAGE) -> ListQuery:
    """Validate and translate list parameters. `fields`: name -> (SQL column, type)."""
    q = ListQuery()
    q.page = _int_param(params, "page", 1, 1, MAX_PAGE)
    q.per_page = _int_param(params, "per_page", default_per_page, 1, MAX_PER_PAGE)
    match = params.get("filterMatch", "all")
    if match not in ("all", "any"):
        raise validation("filterMatch", "The filterMatch field must be 'all' or 'any'.")
    q.match_any = match == "any"
    known = ", ".join(sorted(fields))
    for key, value in params.multi_items():
        if key.startswith("filter") and key != "filterMatch":
            m = _FILTER.match(key)
            if not m:
                raise validation(key, f"Malformed filter parameter '{key}': use "
                                 "filter[field]=value or filter[field:op]=value.")
            name, op = m.group(1), m.group(2) or "eq"
            if name not in fields:
                raise validation(f"filter.{name}", f"Unknown filter field '{name}'. "
                                 f"Filterable fields: {known}.")
            if op not in OPS:
                raise validation(f"filter.{name}", f"Unknown filter operator '{op}' on '{name}'. "
                                 "Use one of: contains, startsWith, gt, gteq, lt, lteq.")
            column, kind = fields[name]
            sql, args = _condition(name, kind, column, op, value)
            q.where.append(sql)
            q.args += args
        elif key.startswith("sort"):
            m = _SORT.match(key)
            if not m:
                raise validation(key, f"Malformed sort parameter '{key}': use sort[field]=1 "
                                 "(descending) or sort[field]=0 (ascending).")
            name = m.group(1)
            if name not in fields:
                raise validation(f"sort.{name}", f"Unknown sort field '{name}'. "
                                 f"Sortable fields: {known}.")
            if value not in ("0", "1"):
                raise validation(f"sort.{name}", f"Sort value for '{name}' must be 1 (descending)"
                                 " or 0 (ascending).")
            column, kind = fields[name]
            if kind == "d":
                column = qi(name + "__n")
            q.order.append(f"{column} {'DESC' if value == '1' else 'ASC'}")
    return q


def page_body(request, data: list, total: int, q: ListQuery) -> dict:
    """Laravel's LengthAwarePaginator JSON. `from`/`to` are null on an empty page, as Laravel
    sends (the spec types them `number` without `nullable`)."""
    path = str(request.url.replace(query="", fragment=""))
    last = max(1, math.ceil(total / q.per_page))
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]

    def link(page: int) -> str:
        return f"{path}?{urlencode(kept + [('page', str(page))])}"

    first_item = (q.page - 1) * q.per_page + 1
    return {
        "data": data,
        "links": {"first": link(1), "last": link(last),
                  "prev": link(q.page - 1) if q.page > 1 else None,
                  "next": link(q.page + 1) if q.page < last else None},
        "meta": {"current_page": q.page, "from": first_item if data else None,
                 "last_page": last, "path": path, "per_page": q.per_page,
                 "to": first_item + len(data) - 1 if data else None, "total": total},
    }
