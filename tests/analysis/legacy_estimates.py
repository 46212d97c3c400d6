"""The previous estimator code (analysis/estimates.py before the fused engine), frozen as the
reference that tests/analysis/test_fused_engine.py compares the new engine with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.columns import _column, _domains, _numeric, _py
from analysis.errors import DataValueError, check_option
from analysis.variance import design_variance

ESTIMATE_KINDS = ("proportion", "mean", "total")

def _variable(design, var: str, kind: str) -> np.ndarray:
    data = design.data
    col = _column(data, var, "var")
    if pd.api.types.is_bool_dtype(col):
        y = col.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        y = _numeric(col, var, data, "a 0/1 indicator" if kind == "proportion" else "a numeric variable")
    if np.isinf(y).any():
        pos = int(np.flatnonzero(np.isinf(y))[0])
        raise DataValueError(f"column {var!r} has an infinite value at row {data.index[pos]!r}", column=var, value=y[pos])
    if kind == "proportion":
        bad = ~np.isnan(y) & (y != 0) & (y != 1)
        if bad.any():
            pos = np.flatnonzero(bad)
            shown = ", ".join(repr(_py(data[var].iloc[i])) for i in pos[:3])
            raise DataValueError(
                f"column {var!r} must be a 0/1 indicator (missing values allowed); row {_py(data.index[pos[0]])!r} "
                f"has {_py(data[var].iloc[pos[0]])!r} ({len(pos)} such rows; values seen: {shown})",
                column=var,
                value=_py(data[var].iloc[pos[0]]),
                hint="score it to 0/1 first, or use design.mean() for a numeric score",
            )
    return y


@dataclass(frozen=True)
class _Batch:
    vars: list[str]
    labels: list
    n: np.ndarray  # (k, D)
    missing: np.ndarray
    n_rows: np.ndarray  # (D,)
    estimate: np.ndarray
    variance: np.ndarray
    deff: np.ndarray
    deff_note: np.ndarray
    df: np.ndarray  # (D,)


def _compute(design, vars: Sequence[str], by: str | None, kind: str) -> _Batch:
    check_option("kind", kind, ESTIMATE_KINDS)
    dom, labels = _domains(design.data, by)
    D = len(labels)
    w = design.weights
    in_dom = dom >= 0
    dc = np.where(in_dom, dom, D)  # rows outside every domain go to a spare slot
    k = len(vars)
    n = np.zeros((k, D))
    missing = np.zeros((k, D))
    est = np.full((k, D), np.nan)
    s2w = np.zeros((k, D))
    W = np.zeros((k, D))
    z = np.empty((design.n, k), order="F")  # columns contiguous for the group sums
    all_in = bool(in_dom.all())

    def dsum(values: np.ndarray) -> np.ndarray:
        """Sums by domain (the spare slot D, rows outside every domain, dropped)."""
        if D == 1 and all_in:
            return np.array([values.sum()])
        return np.bincount(dc, weights=values, minlength=D + 1)[:D]

    def per_row(values: np.ndarray):
        """A domain-level value for every row (a scalar when there is one domain holding every row)."""
        return values[0] if D == 1 and all_in else values[dc]

    want_support = design.lonely_psu == "average"
    support = np.empty((design.n, k), dtype=bool) if want_support else None
    positive = w > 0
    n_pos = dsum(positive.astype(np.float64))
    for j, var in enumerate(vars):
        y = _variable(design, var, kind)
        nan = np.isnan(y)
        if all_in and not nan.any():  # the common case: every row counts, no masking needed
            obs = None
            wo, y0 = w, y
            n[j] = n_pos
        else:
            obs = ~nan & in_dom
            wo = np.where(obs, w, 0.0)
            y0 = np.where(obs, y, 0.0)
            n[j] = np.bincount(dc, weights=(obs & positive).astype(np.float64), minlength=D + 1)[:D]
            missing[j] = np.bincount(dc, weights=(nan & in_dom).astype(np.float64), minlength=D + 1)[:D]
        wy = wo * y0
        Wd = dsum(wo)
        Yd = dsum(wy)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(Wd > 0, Yd / np.where(Wd > 0, Wd, 1.0), np.nan)
        mean0 = np.append(np.where(np.isnan(mean), 0.0, mean), 0.0)
        inv_w = np.append(np.where(Wd > 0, 1.0 / np.where(Wd > 0, Wd, 1.0), 0.0), 0.0)
        # weighted deviations w (y - ybar_d), zero where the row does not take part
        dev = wy - wo * per_row(mean0)
        if kind == "total":
            z[:, j] = wy
            est[j] = np.where(n[j] > 0, Yd, np.nan)
        else:
            z[:, j] = dev * per_row(inv_w)
            est[j] = mean
        if kind == "proportion":  # y in {0, 1}: sum w (y - p)^2 = W p (1 - p) exactly
            s2w[j] = np.where(Wd > 0, Wd * mean0[:D] * (1.0 - mean0[:D]), 0.0)
        else:
            s2w[j] = dsum(dev * (y0 - per_row(mean0)))
        W[j] = Wd
        if want_support:
            support[:, j] = in_dom & ~nan if obs is None else obs
    variance = design_variance(z, design.arrays, domain=np.where(in_dom, dom, -1), n_domains=D, support=support).T
    variance = np.maximum(variance, 0.0)
    # design effect as R's deff=TRUE (without-replacement SRS from a population of W), else "replace"
    with np.errstate(invalid="ignore", divide="ignore"):
        s2 = s2w / W * n / (n - 1)
        wor = W > n
        vsrs = np.where(wor, s2 * (W - n) / (W * n), s2 / n)
        if kind == "total":
            vsrs = vsrs * W * W
        deff = np.where((n > 1) & (vsrs > 0), variance / vsrs, np.nan)
    deff_note = np.where(wor | np.isnan(deff), None, "deff against sampling with replacement: the weights sum to no more than n")
    variance = np.where(n > 0, variance, np.nan)
    df = design.domain_df(np.where(in_dom, dom, -1), D)
    n_rows = np.bincount(dc, weights=(in_dom & (w > 0)).astype(np.float64), minlength=D + 1)[:D]
    return _Batch(list(vars), labels, n, missing, n_rows, est, variance, deff, deff_note, df)



def whole_deff(design, b: _Batch, by, kind) -> np.ndarray:
    if by is None:
        return b.deff[:, 0]
    return _compute(design, b.vars, None, kind).deff[:, 0]
