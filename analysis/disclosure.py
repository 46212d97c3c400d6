"""Small cells of staff results are not shown: with one or two staff in a township, its quiz or
policy-awareness rate would be their personal result.

:func:`suppress_small_cells` blanks every result of a domain row (a township) that has between 1
and ``MIN_CELL - 1`` responses: estimate, standard error, interval, design effect, verdict and
what follows from them; the count ``n`` stays (how many answered is not a result) and ``note``
says why. The county-wide row is never blanked (a campaign has far more staff than that).
"""

from __future__ import annotations

import pandas as pd

MIN_CELL = 3
SUPPRESSED_NOTE = "suppressed: fewer than 3 responses"
RESULT_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "two_sided_low", "two_sided_high", "deff", "verdict",
                  "point_reaches", "more_responses")


def suppress_small_cells(estimates: pd.DataFrame, min_cell: int = MIN_CELL) -> pd.DataFrame:
    """A copy of ``estimates`` with the results of domain rows under ``min_cell`` responses blanked."""
    if "domain" not in estimates.columns or not len(estimates):
        return estimates
    n = pd.to_numeric(estimates["n"], errors="coerce").fillna(0).to_numpy()
    small = (n > 0) & (n < min_cell) & estimates["domain"].notna().to_numpy()
    if not small.any():
        return estimates
    out = estimates.copy()
    for column in (*RESULT_COLUMNS, "note"):
        if column not in out.columns:
            continue
        dtype = out[column].dtype
        if not isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind != "f":
            out[column] = out[column].astype(object)  # e.g. numpy bool: cannot hold a missing value
        missing = float("nan") if dtype.kind == "f" and not isinstance(dtype, pd.api.extensions.ExtensionDtype) else pd.NA
        out.loc[small, column] = SUPPRESSED_NOTE if column == "note" else missing
    return out
