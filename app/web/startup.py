"""The server process's start (``st.App``'s lifespan): the form's templates compiled, then the
objects of the started server moved out of the garbage collector's reach.

CPython's cyclic collector looks at every tracked object of a generation when it collects it. A
started Streamlit server holds some 140,000 of them (Streamlit, Starlette, Jinja, SQLAlchemy,
this app), nearly all alive until the process ends, and each full collection walked them all:
45-70 ms with the GIL held, during which no request moved (in a burst of submits it added its
whole length to every answer in flight). ``gc.freeze()`` after one ``gc.collect()`` puts them in
the permanent generation: they are still freed by reference counting, and a full collection
then walks only what was made since (a collection of the youngest generations is unchanged).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any


def warm_up() -> None:
    """Compile the form's page templates now, not on the first respondent's request."""
    from app.web.views import environment

    env = environment()
    for name in env.list_templates():
        if name.endswith(".html"):
            env.get_template(name)


def settle_heap() -> None:
    """Collect once, then freeze what survives (module doc)."""
    gc.collect()
    gc.freeze()


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """``st.App(lifespan=...)`` (``app``: the st.App): warm up and settle the heap before the first request."""
    warm_up()
    settle_heap()
    yield None


__all__ = ["lifespan", "settle_heap", "warm_up"]
