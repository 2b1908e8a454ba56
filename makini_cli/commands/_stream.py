"""Async pages, read by a synchronous writer: `po list --all` writes each order as it arrives
(NDJSON, CSV, a JSON array) instead of holding 50,000 of them before the first line.

The output module writes from plain iterators; the API layer is async. `batches` runs the API
calls on an event loop in a worker thread and hands what they yield (pages) to the caller through
a queue of `depth` items: the next pages are fetched and parsed while the current one is written,
memory holds a few pages whatever the count, and a reader that stops early (`| head -1`, Ctrl-C)
cancels the calls and closes the client at once. Errors are raised in the caller's thread, so
the one handler reports them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any


def batches(c: Any, start: Callable[[Any], Awaitable[AsyncIterator[Any]]], *, depth: int = 2,
            **client_kw: Any) -> Iterator[Any]:
    """Each item of the async iterator that `start(client)` returns, in order. `start` may make
    calls first (lookups); the client is made, and closed, in the worker."""
    import asyncio
    import contextlib
    import queue
    import threading

    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    loop = asyncio.new_event_loop()
    running: dict[str, asyncio.Task] = {}

    async def put(message: tuple[str, Any]) -> None:
        while not stop.is_set():  # a bounded wait, so a reader that left cannot strand us
            try:
                await asyncio.to_thread(handoff.put, message, True, 0.2)
                return
            except queue.Full:
                continue
        raise asyncio.CancelledError

    async def produce() -> None:
        client = c.make_client(**client_kw)
        try:
            stream = await start(client)
            try:
                async for item in stream:
                    await put(("item", item))
            finally:
                if hasattr(stream, "aclose"):
                    await stream.aclose()
            await put(("done", None))
        except asyncio.CancelledError:
            pass
        except BaseException as exc:  # noqa: BLE001 - raised again in the reader's thread
            with contextlib.suppress(asyncio.CancelledError):  # the reader may have gone meanwhile
                await put(("error", exc))
        finally:
            with contextlib.suppress(asyncio.CancelledError):
                await client.aclose()

    def work() -> None:
        running["task"] = loop.create_task(produce())
        # Nothing may escape this thread: it would be printed, traceback and all, on stderr.
        # Errors travel through the queue; a cancellation is the reader's own doing.
        with contextlib.suppress(BaseException):
            loop.run_until_complete(running["task"])
        with contextlib.suppress(BaseException):
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())

    worker = threading.Thread(target=work, name="makini-pages", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == "item":
                yield value
            elif kind == "done":
                return
            else:
                raise value
    finally:
        stop.set()
        task = running.get("task")
        if task is not None and not task.done():
            loop.call_soon_threadsafe(task.cancel)
        while worker.is_alive():
            try:  # make room for a put in flight, then let the worker finish closing
                handoff.get(timeout=0.05)
            except queue.Empty:
                pass
        loop.close()


def primed(items: Iterator[Any]) -> Iterator[Any]:
    """`items` with its first one already fetched: a failure before the first item is raised
    here, before a writer has printed anything (a `[` with no records and an error after it)."""
    import itertools

    try:
        first = next(items)
    except StopIteration:
        return iter(())
    return itertools.chain([first], items)
