"""The server's start: templates compiled and the started heap frozen out of the collector's reach."""

from __future__ import annotations

import asyncio
import gc
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.web import startup


def test_the_lifespan_compiles_the_templates_and_freezes_the_heap(monkeypatch) -> None:
    from app.web.views import environment

    environment.cache_clear()
    gc.unfreeze()
    try:
        async def start() -> int:
            async with startup.lifespan(None):
                return gc.get_freeze_count()

        with ThreadPoolExecutor(1) as pool:  # a loop of its own (a browser test may have left this thread's running)
            assert pool.submit(asyncio.run, start()).result() > 1000  # every object alive at start (pytest's and the app's)
        env = environment()

        def no_reading(*args: object) -> None:
            raise AssertionError("a template was read again after the start")

        monkeypatch.setattr(env.loader, "get_source", no_reading)
        for name in ("base.html", "section.html", "thanks.html", "intro.html", "_reply.html"):
            env.get_template(name)  # compiled at start: no file read
        with pytest.raises(AssertionError, match="read again"):
            env.get_template("no-such-page.html")
    finally:
        gc.unfreeze()
        environment.cache_clear()
