"""The command line's pandas without Arrow, unless a command reads Parquet.

pandas 3 imports pyarrow whenever it is installed (the Streamlit app needs it), only to store text
columns. A report command (``python -m analysis report``) reads the database and writes Excel, Word,
PDF or CSV: Arrow there costs about 45 MB of shared libraries and 0.1 s to import, and its memory
pool keeps some 25 MB more of a 5,000-response report (peak RSS 220 MB with it, 150 MB without;
``benchmarks/report_workbook.py``). :func:`start_without_arrow` makes ``import pyarrow`` fail before
pandas is first imported, so pandas takes its documented fallback: the ``str`` dtype with Python
storage (``StringDtype("python", na_value=nan)``), with the same values, missing values and order;
the tests run the commands both ways and compare the files. Only ``estimate`` on a ``.parquet``
file needs Arrow; that command line keeps it. Nothing changes once pandas is imported (a library
caller, the tests in one process, the app).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

#: set to ``1`` to keep Arrow on the command line (e.g. to compare the two)
KEEP_ARROW_VARIABLE = "TCM_SURVEY_ARROW"


def reads_parquet(argv: Sequence[str]) -> bool:
    """Whether the command line ``argv`` (without the program name) names a Parquet file anywhere."""
    return any(str(arg).lower().endswith(".parquet") for arg in argv)


def start_without_arrow(argv: Sequence[str], environ: dict[str, str] | None = None) -> bool:
    """Before pandas is imported, hide pyarrow from this process (``sys.modules["pyarrow"] = None``)
    unless ``argv`` reads Parquet or ``TCM_SURVEY_ARROW=1``; whether it did. Nothing when pandas or
    pyarrow is already imported."""
    from os import environ as process_environ

    environ = process_environ if environ is None else environ
    if environ.get(KEEP_ARROW_VARIABLE) == "1" or reads_parquet(argv):
        return False
    if "pandas" in sys.modules or "pyarrow" in sys.modules:
        return False
    sys.modules["pyarrow"] = None  # type: ignore[assignment] # import pyarrow now raises ImportError
    return True
