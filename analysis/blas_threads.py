"""The report command's linear algebra on one thread.

numpy and scipy each load an OpenBLAS that starts a thread per core; after each call its threads
wait for more work by spinning. The report command (``python -m analysis report``) makes many
small calls on a few thousand rows, where a second thread gains nothing: on a 2-core machine the
spinning took about 0.2 s of CPU of the other core (0.7 s of CPU for 0.5 s of imports), the core
the forest plots are drawn on (:class:`analysis.report.forest.PlotDrawer`) and other users need.
:func:`start_single_threaded_blas` sets ``OPENBLAS_NUM_THREADS=1`` before numpy is first imported,
for the report command only and only when none of OpenBLAS's thread variables is set (a choice
made there stands). ``estimate`` on a large file keeps every thread.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping, Sequence

#: what OpenBLAS reads, in its order; any of them set: left as it is
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
SINGLE_THREAD_COMMANDS = frozenset({"report"})


def start_single_threaded_blas(argv: Sequence[str], environ: MutableMapping[str, str] | None = None) -> bool:
    """Before numpy is imported, ``OPENBLAS_NUM_THREADS=1`` when ``argv`` (without the program name)
    runs a command of :data:`SINGLE_THREAD_COMMANDS` and no variable of :data:`THREAD_VARIABLES` is
    set; whether it did. Nothing once numpy is imported (its OpenBLAS has started)."""
    environ = os.environ if environ is None else environ
    if not argv or argv[0] not in SINGLE_THREAD_COMMANDS or "numpy" in sys.modules:
        return False
    if any(environ.get(name) for name in THREAD_VARIABLES):
        return False
    environ["OPENBLAS_NUM_THREADS"] = "1"
    return True
