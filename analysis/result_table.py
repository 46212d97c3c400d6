"""The result table of proportions, means and totals: its columns, and which interval fills them.

Where a row has a threshold its ``ci_low``/``ci_high`` are the verdict's interval (see
:mod:`analysis.verdict`); every row also carries the two-sided ``level`` interval in
``two_sided_low``/``two_sided_high``. Values that do not exist are ``<NA>`` (nullable dtypes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["EXTRA_COLUMNS", "RESULT_COLUMNS", "result_frame"]

#: The contract columns (DESIGN.md), followed by the explanatory ones. Where a row has a threshold,
#: ``ci_low``/``ci_high`` are the verdict's interval: the one-sided ``level`` bounds (``bounds`` is
#: ``"one-sided"``, ``coverage`` = 2 level - 1); elsewhere the two-sided ``level`` interval
#: (``coverage`` = level). ``two_sided_low``/``two_sided_high`` always hold the two-sided ``level``
#: interval, a second, differently labelled interval.
RESULT_COLUMNS = ("var", "domain", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df", "threshold", "verdict")
EXTRA_COLUMNS = ("point_reaches", "more_responses", "missing", "ci_method", "level", "bounds", "coverage",
                 "two_sided_low", "two_sided_high", "note")


def result_frame(b, lo, hi, note, thr, verdict, reach, more, method, level, bounds=None) -> pd.DataFrame:
    """The result table of a batch ``b`` (:class:`analysis.domain_sums.Batch`: ``vars``, ``labels``, and
    per variable and domain ``n``, ``estimate``, ``variance``, ``deff``, ``missing``; ``df`` per domain).

    ``lo``/``hi``/``note``: the two-sided ``level`` interval; ``bounds`` = (``lower_bound``,
    ``upper_bound``, notes): the one-sided ``level`` bounds (R's and scipy's ``alternative="greater"``
    and ``"less"``), which become ``ci_low``/``ci_high`` of the rows with a threshold.
    """
    k, D = b.estimate.shape
    has = b.n > 0
    se = np.sqrt(b.variance)
    judged = np.repeat(~np.isnan(thr), D)
    two_lo, two_hi = np.asarray(lo, dtype=np.float64).ravel(), np.asarray(hi, dtype=np.float64).ravel()
    if bounds is not None and judged.any():
        lower_bound, upper_bound, bound_note = bounds
        lo = np.where(judged, lower_bound, two_lo)
        hi = np.where(judged, upper_bound, two_hi)
        note = np.where(judged, bound_note, np.asarray(note, dtype=object).ravel())
    rows = {
        "var": pd.array(np.repeat(b.vars, D).tolist(), dtype="string"),
        "domain": pd.Series(list(b.labels) * k, dtype=object),
        "n": pd.array(b.n.ravel().astype(np.int64), dtype="Int64"),
        "estimate": _nullable(b.estimate.ravel(), has.ravel()),
        "se": _nullable(se.ravel(), has.ravel()),
        "ci_low": _nullable(lo.ravel(), has.ravel()),
        "ci_high": _nullable(hi.ravel(), has.ravel()),
        "deff": _nullable(b.deff.ravel(), has.ravel()),
        "df": pd.array(np.tile(b.df, k).astype(np.int64), dtype="Int64"),
        "threshold": _nullable(np.repeat(thr, D), np.ones(k * D, dtype=bool)),
        "verdict": pd.array(list(verdict.ravel()), dtype="string"),
        "point_reaches": pd.array(list(reach.ravel()), dtype="boolean"),
        "more_responses": pd.array(list(more.ravel()), dtype="Int64"),
        "missing": pd.array(b.missing.ravel().astype(np.int64), dtype="Int64"),
        "ci_method": pd.array([method] * (k * D), dtype="string"),
        "level": np.full(k * D, level),
        "bounds": pd.array(np.where(judged & (bounds is not None), "one-sided", "two-sided").tolist(), dtype="string"),
        "coverage": np.where(judged & (bounds is not None), 2 * level - 1, level),
        "two_sided_low": _nullable(two_lo, has.ravel()),
        "two_sided_high": _nullable(two_hi, has.ravel()),
        "note": pd.array(_notes(np.asarray(note, dtype=object).ravel(), b.deff_note.ravel()), dtype="string"),
    }
    return pd.DataFrame(rows)


def _notes(a: np.ndarray, b: np.ndarray) -> list:
    out = []
    for x, y in zip(a, b):
        parts = [s for s in (x, y) if s]
        out.append("; ".join(parts) if parts else None)
    return out


def _nullable(values: np.ndarray, keep: np.ndarray) -> pd.arrays.FloatingArray:
    values = np.asarray(values, dtype=np.float64)
    mask = ~keep | np.isnan(values)
    return pd.arrays.FloatingArray(np.where(mask, 0.0, values), mask)
