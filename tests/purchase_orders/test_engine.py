"""The export engine on its own: pages in order under prefetch, a bounded number in flight, no
request past the end, the row-transform hook, and the progress it reports."""

from __future__ import annotations

import asyncio
import io
import json

from makini_cli.export import Plan, Progress, Source, StreamSink, run
from makini_cli.export.fetch import ordered_pages


class Pages:
    """A Laravel-shaped list of `total` records; later pages answer sooner, to shuffle arrival."""

    def __init__(self, total: int, per_page: int) -> None:
        self.total, self.per_page = total, per_page
        self.asked: list[int] = []
        self.inflight = self.peak = 0

    async def __call__(self, page: int) -> dict:
        self.asked.append(page)
        self.inflight += 1
        self.peak = max(self.peak, self.inflight)
        await asyncio.sleep(0.001 * (10 - page % 10))
        self.inflight -= 1
        last = max(1, -(-self.total // self.per_page))
        start = (page - 1) * self.per_page
        data = [{"key": str(n), "totalNetValue": f"{n}.10", "lineItems": [{"key": f"{n}-1"}]}
                for n in range(start, min(start + self.per_page, self.total))]
        return {"data": data, "meta": {"current_page": page, "last_page": last, "total": self.total}}


def collect(fetch, depth):
    async def go():
        return [(p, [i["key"] for i in got.items]) async for p, got in ordered_pages(fetch, depth=depth)]
    return asyncio.run(go())


def test_pages_come_in_order_with_at_most_depth_ahead_and_none_past_the_end():
    fetch = Pages(95, 10)
    pages = collect(fetch, depth=4)
    assert [p for p, _ in pages] == list(range(1, 11))
    assert [k for _, keys in pages for k in keys] == [str(n) for n in range(95)]
    assert sorted(fetch.asked) == list(range(1, 11))  # each page once, nothing beyond page 10
    assert fetch.peak <= 5  # the page being waited for + 4 ahead


def test_without_prefetch_depth_one_still_overlaps_one_page():
    fetch = Pages(30, 10)
    assert [p for p, _ in collect(fetch, depth=1)] == [1, 2, 3]
    assert fetch.peak <= 2


def test_an_empty_list_is_one_request():
    fetch = Pages(0, 10)
    assert collect(fetch, depth=3) == [(1, [])]
    assert fetch.asked == [1]


class Counting(Progress):
    def __init__(self) -> None:
        self.total = self.done = 0

    def add_total(self, n: int) -> None:
        self.total += n

    def advance(self, n: int) -> None:
        self.done += n


def test_the_transform_hook_shapes_rows_and_progress_counts_orders():
    out = io.StringIO()
    progress = Counting()

    def transform(order):  # e.g. a mapping file: rename, drop, or explode
        if order["key"] == "3":
            return None
        return {"id": order["key"], "net": order["totalNetValue"]}

    plan = Plan([Source("a", Pages(12, 5))], format="csv", transform=transform, transform_id="m1",
                columns=["id", "net"])
    result = asyncio.run(run(plan, StreamSink(out), progress))
    lines = out.getvalue().splitlines()
    assert lines[0] == "id,net" and lines[1] == "0,0.10" and "3,3.10" not in lines
    assert len(lines) == 1 + 11
    assert (result.orders, result.rows) == (12, 11)
    assert (progress.total, progress.done) == (12, 12)


def test_ndjson_with_a_transform_returning_several_rows():
    out = io.StringIO()
    plan = Plan([Source("a", Pages(3, 2))],
                transform=lambda o: [{"order": o["key"], "line": li["key"]} for li in o["lineItems"]])
    asyncio.run(run(plan, StreamSink(out)))
    assert [json.loads(x) for x in out.getvalue().splitlines()] == [
        {"order": str(n), "line": f"{n}-1"} for n in range(3)]


def test_the_progress_bar_counts_against_the_servers_total_with_thousands_separators():
    from rich.console import Console

    from makini_cli.commands.purchase_orders.progress import Bar

    bar = Bar(labels=False)
    bar.add_total(40_000)
    bar.add_total(2_500)
    bar.advance(12_345)
    task = bar.bar.tasks[0]
    assert (task.completed, task.total) == (12_345, 42_500)
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(bar.bar.get_renderable())
    assert "12,345/42,500" in console.export_text()


def test_records_written_unchanged_keep_the_servers_exact_text():
    from makini_cli.export.rawpage import split

    page = split(b'{"data": [{"key": "1", "price": 12.50, "qty": 1e2, "name": "W\\u00fcrth"},'
                 b' {"key": "2", "price": "0.10"}], "meta": {"last_page": 1, "total": 2}}')
    assert page.raws == ['{"key": "1", "price": 12.50, "qty": 1e2, "name": "W\\u00fcrth"}',
                         '{"key": "2", "price": "0.10"}']
    assert str(page.items[0]["price"]) == "12.50" and page.body["meta"]["total"] == 2

    async def fetch(n):
        return b'{"data":[{"key":"1","price":12.50}],"links":{"next":null},"meta":{"last_page":1,"total":1}}'

    out = io.StringIO()
    asyncio.run(run(Plan([Source("a", fetch)]), StreamSink(out)))
    assert out.getvalue() == '{"key":"1","price":12.50}\n'  # a JSON number keeps its digits


def test_a_pretty_printed_page_still_gives_one_record_per_line_and_connections_are_spliced():
    async def pretty(n):
        return json.dumps({"data": [{"key": "1", "v": "2.50"}, {"key": "2", "v": "3"}],
                           "meta": {"last_page": 1, "total": 2}}, indent=2).encode()

    async def compact(n):
        return b'{"data":[{"key":"9","v":"1.0"}],"meta":{"last_page":1,"total":1}}'

    out = io.StringIO()
    asyncio.run(run(Plan([Source("a", pretty, label="A"), Source("b", compact, label="B")]),
                    StreamSink(out)))
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert sorted(rows, key=lambda r: r["key"]) == [
        {"connection": "A", "key": "1", "v": "2.50"}, {"connection": "A", "key": "2", "v": "3"},
        {"connection": "B", "key": "9", "v": "1.0"}]


def test_a_page_that_is_not_a_list_page_is_a_server_error():
    import pytest

    from makini_cli.errors import ServerError

    async def broken(n):
        return b'{"data": [{"key": "1"}'

    with pytest.raises(ServerError):
        asyncio.run(run(Plan([Source("a", broken)]), StreamSink(io.StringIO())))
