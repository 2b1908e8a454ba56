"""Query builders speak the spec's grammar; the page iterator handles every edge."""

from __future__ import annotations

import asyncio

import pytest

from makini_cli.api import pagination, query
from makini_cli.errors import UsageError


def test_filters_and_sort_become_spec_parameters():
    params = query.build([query.parse_filter("statusKey=approved"), query.parse_filter("orderNo:startswith=PO-"),
                          query.parse_filter("totalNetValue:gteq=100.50")], match="any",
                         sort=[query.parse_sort("orderDate:desc"), query.parse_sort("orderNo")])
    assert params == [("filter[statusKey]", "approved"), ("filter[orderNo:startsWith]", "PO-"),
                      ("filter[totalNetValue:gteq]", "100.50"), ("filterMatch", "any"),
                      ("sort[orderDate]", "1"), ("sort[orderNo]", "0")]


@pytest.mark.parametrize("expr", ["novalue", "a:like=1", "bad field=1", "=x"])
def test_bad_filters_are_usage_errors(expr):
    with pytest.raises(UsageError):
        query.parse_filter(expr)


def test_filter_value_may_contain_equals_signs():
    assert query.parse_filter("notes:contains=a=b").value == "a=b"


def make_pages(sizes, *, with_meta=True, per_page=3):
    calls = []

    async def fetch(page):
        calls.append(page)
        data = list(range(sum(sizes[:page - 1]), sum(sizes[:page])))
        body = {"data": data, "links": {"next": f"?page={page + 1}" if page < len(sizes) else None}}
        if with_meta:
            body["meta"] = {"current_page": page, "last_page": max(1, len(sizes)), "per_page": per_page}
        return body

    return fetch, calls


def collect(fetch, **kw):
    async def go():
        return [x async for x in pagination.items(fetch, **kw)]

    return asyncio.run(go())


@pytest.mark.parametrize("sizes", [[0], [2], [3, 3, 1], [3, 3, 3]])
@pytest.mark.parametrize("with_meta", [True, False])
def test_pages_yield_every_item_once_in_order(sizes, with_meta):
    fetch, calls = make_pages(sizes, with_meta=with_meta)
    assert collect(fetch) == list(range(sum(sizes)))
    assert calls == list(range(1, max(1, len(sizes)) + 1))


def test_limit_stops_early_and_cancels_the_prefetch():
    fetch, calls = make_pages([3, 3, 3])
    assert collect(fetch, limit=4) == [0, 1, 2, 3]
    assert max(calls) <= 3


def test_a_page_without_data_is_a_server_error():
    async def fetch(page):
        return {"oops": True}

    from makini_cli.errors import ServerError

    with pytest.raises(ServerError):
        collect(fetch)
