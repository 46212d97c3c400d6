"""Worker threads for the form's requests: one queue, and nothing the event loop waits on.

A form's request does CPU work under the GIL and waits on the store (the group commit's write
lock, SQLite's fsync), so it runs in a worker thread, not on the event loop. ``asyncio``'s
``run_in_executor`` with a ``ThreadPoolExecutor`` makes a ``concurrent.futures.Future`` per call
(a condition variable and its lock), takes the executor's shutdown locks and its idle semaphore,
and chains the future to an asyncio one under that condition. Each of those locks is shared with
the workers: when the event loop thread finds one held, it lets go of the GIL and waits for it
again behind busy workers, up to a switch interval (5 ms) per wait, while every connection's
reading and writing waits with it. Here the loop only puts the call on a ``queue.SimpleQueue``
(no lock it can wait on) and a worker hands the result back with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _settle(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    if future.cancelled():  # the request went away (client disconnected): nothing to hand over
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class Workers:
    """``await workers.run(func, *args)``: ``func(*args)`` in one of ``count`` daemon threads (started
    on first use), in a copy of the caller's context; its result or exception comes back to the
    awaiting coroutine."""

    def __init__(self, count: int, name: str) -> None:
        self.count = count
        self.name = name
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._started = False
        self._start_lock = threading.Lock()

    def _start(self) -> None:
        with self._start_lock:
            if self._started:
                return
            for number in range(self.count):
                threading.Thread(target=self._work, name=f"{self.name}-{number}", daemon=True).start()
            self._started = True

    def _work(self) -> None:
        while True:
            loop, future, context, func, args = self._queue.get()
            result, error = None, None
            try:
                result = context.run(func, *args)
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine, raised there
                error = exc
            try:
                loop.call_soon_threadsafe(_settle, future, result, error)
            except RuntimeError:  # the loop has closed (the server stopped): nobody awaits it
                pass
            del loop, future, context, func, args, result, error

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        if not self._started:
            self._start()
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put((loop, future, contextvars.copy_context(), func, args))
        return await future


__all__ = ["Workers"]
