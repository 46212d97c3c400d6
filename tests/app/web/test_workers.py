"""The form's worker threads: results, exceptions and context variables come back to the caller."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.web.workers import Workers

WHO = contextvars.ContextVar("who", default="nobody")


def run_loop(coroutine):  # noqa: ANN001, ANN201 - a coroutine in, its result out
    """``asyncio.run`` in a thread of its own (a browser test may have left this thread's loop running)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_results_exceptions_and_context_come_back_from_a_worker_thread() -> None:
    workers = Workers(3, "test-form")
    loop_thread: list[int] = []

    def job(value: int) -> tuple[int, str, bool]:
        return value * 2, WHO.get(), threading.get_ident() not in loop_thread

    def broken() -> None:
        raise LookupError("no such form")

    async def main() -> list:
        loop_thread.append(threading.get_ident())
        WHO.set("caller")
        results = await asyncio.gather(*(workers.run(job, i) for i in range(50)))
        with pytest.raises(LookupError, match="no such form"):
            await workers.run(broken)
        return results

    results = run_loop(main())
    assert results == [(2 * i, "caller", True) for i in range(50)]
    assert sorted(t.name for t in threading.enumerate() if t.name.startswith("test-form-")) == [f"test-form-{i}" for i in range(3)]


def test_a_cancelled_wait_does_not_break_the_workers() -> None:
    workers = Workers(1, "test-cancel")
    release = threading.Event()

    async def main() -> int:
        waiting = asyncio.ensure_future(workers.run(release.wait, 5))
        await asyncio.sleep(0.05)
        waiting.cancel()  # the client went away while its request was in a worker
        release.set()
        return await workers.run(lambda: 7)

    assert run_loop(main()) == 7
