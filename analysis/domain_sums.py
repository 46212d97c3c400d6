"""The sums behind every estimate: weighted totals, counts and linearised values by domain.

For variables ``y_j`` with weights ``w`` and domain codes ``d(i)``, :func:`compute` returns per
variable and domain ``W_dj = sum w_i delta_ij``, ``Y_dj = sum w_i delta_ij y_ij`` (``delta_ij = 1``
where the row has a value), the estimate (``Y/W``, or ``Y`` for a total), its variance
(:func:`analysis.variance.design_variance` of the linearised values, see
:mod:`analysis.estimates`), the design effect and the degrees of freedom.

Two routes, the same numbers (to rounding):

* **cells** (no calibration, at least two rows per unit of the last variance stage): the variance
  only reads the totals of ``z`` over each unit ``u`` of that stage within each domain, so the
  rows are collapsed once to cells ``c = (u, d)``. For a mean ``z_i = w_i delta_i (y_i - ybar_d) /
  W_d`` the cell total is ``T_cj = (Y_cj - ybar_dj W_cj) / W_dj``; for a total ``T_cj = Y_cj``.
  0/1 indicators are summed in ONE ``np.bincount`` per group of variables over the stacked code
  ``key_i = c(i) P + sum_j s_ij m_j`` (``s_ij`` in {0, 1, 2 = missing}, ``m_j`` the place value of
  variable ``j``, ``P`` the number of patterns): ``W_cj`` and ``Y_cj`` are sums of the pattern
  sums ``S_cp`` over the patterns ``p`` whose digit ``j`` is observed, or is 1. The variance is
  then the same :func:`~analysis.variance.design_variance` on a design of cells (weights
  ``sum w``, the cells' units and strata), and the whole sample is those cells merged by unit.
* **rows** (calibrated designs, or one row per unit): ``z`` row by row, as before.

References: Lumley T. (2010). *Complex Surveys*, sections 2.3 (domains), 3.1; R's ``svyby``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .columns import _column, _domains, _numeric, _py
from .design_arrays import DesignArrays
from .errors import DataValueError, check_option
from .variance import design_variance

if TYPE_CHECKING:
    from .design import SurveyDesign

__all__ = ["ESTIMATE_KINDS", "Batch", "compute"]

ESTIMATE_KINDS = ("proportion", "mean", "total")
#: largest number of (cell, pattern) bins one stacked bincount may fill, relative to the rows
PATTERN_BINS_PER_ROW = 1.0
DEFF_NOTE = "deff against sampling with replacement: the weights sum to no more than n"


@dataclass(frozen=True)
class Batch:
    """Per variable and domain (shape ``(k, D)``) sums and estimates; ``df``, ``n_rows`` per domain.
    ``whole_deff`` (k,): each variable's design effect in the whole sample, or None if not computed."""

    vars: list[str]
    labels: list
    n: np.ndarray
    missing: np.ndarray
    n_rows: np.ndarray
    estimate: np.ndarray
    variance: np.ndarray
    deff: np.ndarray
    deff_note: np.ndarray
    df: np.ndarray
    whole_deff: np.ndarray | None = None


def variable(design: SurveyDesign, var: str, kind: str) -> np.ndarray:
    """The column as float64 (NaN where missing), checked: finite, and 0/1 for a proportion."""
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


def _states(design: SurveyDesign, var: str) -> tuple[np.ndarray, bool]:
    """A 0/1 indicator as int8 states ``s`` (0, 1, 2 = missing) and whether any is missing; plain
    integer and boolean columns are checked in place, without a float copy."""
    col = _column(design.data, var, "var")
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "biu":
        y = col.to_numpy()
        if col.dtype.kind != "b" and ((y > 1) | (y < 0)).any():
            variable(design, var, "proportion")  # raises the error naming the row
        return y.astype(np.int8, copy=False), False
    y = variable(design, var, "proportion")
    nan = np.isnan(y)
    return np.where(nan, 2, y).astype(np.int8), bool(nan.any())


def compute(design: SurveyDesign, vars: Sequence[str], by: str | None, kind: str, *, whole: bool = False) -> Batch:
    """Estimates of ``vars`` by the domains of ``by`` (overall when None); with ``whole``, also
    each proportion's design effect in the whole sample where the same sums give it (the cells
    route), else ``whole_deff`` is None."""
    check_option("kind", kind, ESTIMATE_KINDS)
    dom, labels = domain_codes(design, by)
    arr = design.arrays
    last = arr.stages[arr.variance_stages - 1]
    if arr.calibrations or 2 * last.n_units > design.n:
        return _rows(design, vars, dom, labels, kind)
    return _cells(design, arr, vars, by, dom, labels, kind, whole)


def domain_codes(design: SurveyDesign, by: str | None) -> tuple[np.ndarray, list]:
    """:func:`analysis.columns._domains`, reusing the strata codes when ``by`` is the strata column
    (integers or text: the same sorted factorisation) instead of factorising it again."""
    if by is not None and by == design.columns["strata"]:
        dtype = design.data[by].dtype
        if (isinstance(dtype, np.dtype) and dtype.kind in "iuO") or isinstance(dtype, pd.StringDtype):
            return design.strata_codes, [_py(v) for v in design.strata_labels]
    return _domains(design.data, by)


# ---------------------------------------------------------------------------- cells


def _cell_codes(arr: DesignArrays, dom: np.ndarray, D: int, by_strata: bool):
    """Cell ``(unit, domain)`` of each row (``C`` for rows outside every domain), ``C``, each
    cell's unit and domain, and its number of rows. Overall, or by the strata (in which units are
    nested), the cells are the units of the last variance stage."""
    last = arr.stages[arr.variance_stages - 1]
    unit, U = last.unit, last.n_units
    if last.unit_rows is not None and ((D == 1 and (dom >= 0).all()) or by_strata):
        stratum = np.arange(U)
        for s in range(arr.variance_stages - 1, -1, -1):
            stratum = arr.stages[s].unit_group[stratum]
        return unit, U, np.arange(U), stratum if by_strata else np.zeros(U, dtype=np.int64), last.unit_rows
    size = U * D
    key = unit * D + dom if (dom >= 0).all() else np.where(dom >= 0, unit * D + dom, size)
    if size <= 4 * key.size + 4096:
        counts = np.bincount(key, minlength=size + 1)[:size]
        hit = counts > 0
        cells = np.flatnonzero(hit)
        cell = np.append(np.cumsum(hit) - 1, cells.size)[key]
        counts = counts[cells]
    else:
        cells, cell, counts = np.unique(key, return_inverse=True, return_counts=True)
        if cells[-1] == size:
            cells, counts = cells[:-1], counts[:-1]
    return cell, cells.size, cells // D, cells % D, counts


def _indicator_sums(cell, C, w, states, missing, positive, rows):
    """Per cell and variable: ``W`` (sum of w where observed), ``Y`` (sum of w y), ``n`` (rows with a
    value and w > 0), ``miss`` (rows without a value); per cell: sum of w and rows with w > 0.
    One weighted bincount over ``key = cell P + pattern`` per group of variables."""
    k = len(states)
    base = [3 if m else 2 for m in missing]
    limit = max(PATTERN_BINS_PER_ROW * w.size, 64.0 * (C + 1))
    wo, wy, npos, miss = (np.zeros((C, k)) for _ in range(4))
    wall = nrows = None
    j0 = 0
    while j0 < k:
        j1, P = j0 + 1, base[j0]
        while j1 < k and (C + 1) * P * base[j1] <= limit:
            P *= base[j1]
            j1 += 1
        pattern = np.zeros(w.size, dtype=np.int32 if P > 127 else np.int8)
        place = []
        m = 1
        for j in range(j0, j1):
            pattern += states[j] * pattern.dtype.type(m)
            place.append(m)
            m *= base[j]
        key = cell * P + pattern
        S = np.bincount(key, weights=w, minlength=(C + 1) * P).reshape(C + 1, P)[:C]
        counted = positive is not None or P > 1 << (j1 - j0)  # counts by pattern needed
        N_all = np.bincount(key, minlength=(C + 1) * P).reshape(C + 1, P)[:C].astype(np.float64) if counted else None
        N = N_all if positive is None else np.bincount(key, weights=positive, minlength=(C + 1) * P).reshape(C + 1, P)[:C]
        p = np.arange(P)
        for j, mj in zip(range(j0, j1), place):
            digit = (p // mj) % base[j]
            obs, one = (digit != 2).astype(np.float64), (digit == 1).astype(np.float64)
            wo[:, j], wy[:, j] = S @ obs, S @ one
            npos[:, j] = rows if N is None else N @ obs  # every row observed, every weight positive
            if base[j] == 3:
                miss[:, j] = N_all @ (digit == 2).astype(np.float64)
        if wall is None:
            wall, nrows = S.sum(axis=1), (rows if N is None else N.sum(axis=1))
        j0 = j1
    return wo, wy, npos, miss, wall, nrows


def _value_sums(cell, C, w, ys, positive):
    """As :func:`_indicator_sums` for numeric variables (floats, NaN missing): bincounts per variable."""
    k = len(ys)
    pos = np.ones(w.size) if positive is None else positive
    wall = np.bincount(cell, weights=w, minlength=C + 1)[:C]
    nrows = np.bincount(cell, weights=pos, minlength=C + 1)[:C]
    wo, wy, npos, miss = (np.zeros((C, k)) for _ in range(4))
    for j, y in enumerate(ys):
        nan = np.isnan(y)
        if nan.any():
            wj = np.where(nan, 0.0, w)
            wo[:, j] = np.bincount(cell, weights=wj, minlength=C + 1)[:C]
            wy[:, j] = np.bincount(cell, weights=wj * np.where(nan, 0.0, y), minlength=C + 1)[:C]
            npos[:, j] = np.bincount(cell, weights=np.where(nan, 0.0, pos), minlength=C + 1)[:C]
            miss[:, j] = np.bincount(cell, weights=nan.astype(np.float64), minlength=C + 1)[:C]
        else:
            wo[:, j], npos[:, j] = wall, nrows
            wy[:, j] = np.bincount(cell, weights=w * y, minlength=C + 1)[:C]
    return wo, wy, npos, miss, wall, nrows


def _cells(design, arr: DesignArrays, vars, by, dom, labels, kind: str, whole: bool) -> Batch:
    D = len(labels)
    by_strata = by is not None and dom is design.strata_codes
    cell, C, cell_unit, cell_dom, rows = _cell_codes(arr, dom, D, by_strata)
    w = design.weights
    positive = None if (w > 0).all() else (w > 0).astype(np.float64)
    ys = None
    if kind == "proportion":
        st = [_states(design, v) for v in vars]
        sums = _indicator_sums(cell, C, w, [s for s, _ in st], [m for _, m in st], positive, rows.astype(np.float64))
    else:
        ys = [variable(design, v, kind) for v in vars]
        sums = _value_sums(cell, C, w, ys, positive)
    s2w = None if ys is None else lambda mean: _centred_squares(ys, w, dom, D, mean)
    b = _finish(arr, vars, labels, kind, cell_unit, cell_dom, D, *sums, s2w)
    if whole and kind == "proportion" and (dom >= 0).all():
        if D == 1:
            return replace(b, whole_deff=b.deff[:, 0])
        # the whole sample: the same cells merged by unit (when every row is in a domain)
        units, ucode = np.unique(cell_unit, return_inverse=True)
        merged = [_merge(x, ucode, units.size) for x in sums]
        wb = _finish(arr, vars, [None], kind, units, np.zeros(units.size, dtype=np.int64), 1, *merged, None)
        b = replace(b, whole_deff=wb.deff[:, 0])
    return b


def _merge(x: np.ndarray, code: np.ndarray, size: int) -> np.ndarray:
    if x.ndim == 1:
        return np.bincount(code, weights=x, minlength=size)
    return np.stack([np.bincount(code, weights=x[:, j], minlength=size) for j in range(x.shape[1])], axis=1)


def _centred_squares(ys, w, dom, D, mean) -> np.ndarray:
    """``sum w delta (y - ybar_d)^2`` per variable and domain (a second pass over the rows)."""
    dc = np.where(dom >= 0, dom, D)
    out = np.zeros((len(ys), D))
    for j, y in enumerate(ys):
        ok = ~np.isnan(y)
        dev = np.where(ok, y, 0.0) - np.append(np.nan_to_num(mean[j]), 0.0)[dc]
        out[j] = np.bincount(dc, weights=np.where(ok, w, 0.0) * dev * dev, minlength=D + 1)[:D]
    return out


def _by_domain(x: np.ndarray, cell_dom: np.ndarray, D: int) -> np.ndarray:
    """Sums of cell values ``x`` (C,) or (C, k) by domain: (D,) or (k, D)."""
    if x.ndim == 1:
        return np.bincount(cell_dom, weights=x, minlength=D)
    return np.stack([np.bincount(cell_dom, weights=x[:, j], minlength=D) for j in range(x.shape[1])])


def _finish(arr, vars, labels, kind, cell_unit, cell_dom, D, wo, wy, npos, miss, wall, nrows, s2w_rows) -> Batch:
    """Estimates from cell sums; the variance is design_variance on the design of cells."""
    W, Y, n, missing = (_by_domain(x, cell_dom, D) for x in (wo, wy, npos, miss))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(W > 0, Y / np.where(W > 0, W, 1.0), np.nan)
    mean0 = np.where(np.isnan(mean), 0.0, mean)
    inv_w = np.where(W > 0, 1.0 / np.where(W > 0, W, 1.0), 0.0)
    if kind == "total":
        T = wy
        est = np.where(n > 0, Y, np.nan)
    else:
        T = (wy - wo * mean0.T[cell_dom]) * inv_w.T[cell_dom]
        est = mean
    if kind == "proportion":  # y in {0, 1}: sum w (y - p)^2 = W p (1 - p) exactly
        s2w = np.where(W > 0, W * mean0 * (1.0 - mean0), 0.0)
    else:
        s2w = s2w_rows(mean)
    cells = _cell_design(arr, cell_unit, wall)
    support = npos > 0 if arr.lonely_psu == "average" else None
    variance = design_variance(T, cells, domain=cell_dom, n_domains=D, support=support).T
    return _deff_batch(vars, labels, kind, n, missing, _by_domain(nrows, cell_dom, D), est, variance, s2w, W,
                       cells.domain_df(cell_dom, D))


def _cell_design(arr: DesignArrays, cell_unit: np.ndarray, wall: np.ndarray) -> DesignArrays:
    """The design with cells for rows: each cell's unit at every variance stage (from the nesting of
    units: a stage's units are the groups of the next), its stratum, and its summed weight."""
    L = arr.variance_stages
    units = [cell_unit]
    for s in range(L - 1, 0, -1):
        units.insert(0, arr.stages[s].unit_group[units[0]])
    stages = tuple(replace(arr.stages[s], unit=units[s]) for s in range(L))
    return DesignArrays(weights=wall, strata_codes=arr.stages[0].unit_group[units[0]], stages=stages,
                        variance_stages=L, calibrations=(), lonely_psu=arr.lonely_psu)


def _deff_batch(vars, labels, kind, n, missing, n_rows, est, variance, s2w, W, df) -> Batch:
    """The design effect as R's ``deff = TRUE`` (without-replacement SRS from a population of W),
    else against sampling with replacement, and the batch."""
    variance = np.maximum(variance, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s2 = s2w / W * n / (n - 1)
        wor = W > n
        vsrs = np.where(wor, s2 * (W - n) / (W * n), s2 / n)
        if kind == "total":
            vsrs = vsrs * W * W
        deff = np.where((n > 1) & (vsrs > 0), variance / vsrs, np.nan)
    deff_note = np.where(wor | np.isnan(deff), None, DEFF_NOTE)
    variance = np.where(n > 0, variance, np.nan)
    return Batch(list(vars), labels, n, missing, n_rows, est, variance, deff, deff_note, df)


# ---------------------------------------------------------------------------- rows


def _rows(design: SurveyDesign, vars: Sequence[str], dom: np.ndarray, labels: list, kind: str) -> Batch:
    """Row by row: ``z`` for every row and variable, then design_variance (calibrated designs)."""
    D = len(labels)
    w = design.weights
    in_dom = dom >= 0
    dc = np.where(in_dom, dom, D)  # rows outside every domain go to a spare slot
    k = len(vars)
    n, missing, s2w, W = (np.zeros((k, D)) for _ in range(4))
    est = np.full((k, D), np.nan)
    z = np.empty((design.n, k), order="F")  # columns contiguous for the group sums
    all_in = bool(in_dom.all())

    def dsum(values: np.ndarray) -> np.ndarray:
        if D == 1 and all_in:
            return np.array([values.sum()])
        return np.bincount(dc, weights=values, minlength=D + 1)[:D]

    def per_row(values: np.ndarray):
        return values[0] if D == 1 and all_in else values[dc]

    want_support = design.lonely_psu == "average"
    support = np.empty((design.n, k), dtype=bool) if want_support else None
    positive = w > 0
    n_pos = dsum(positive.astype(np.float64))
    for j, var in enumerate(vars):
        y = variable(design, var, kind)
        nan = np.isnan(y)
        if all_in and not nan.any():
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
        dev = wy - wo * per_row(mean0)
        if kind == "total":
            z[:, j] = wy
            est[j] = np.where(n[j] > 0, Yd, np.nan)
        else:
            z[:, j] = dev * per_row(inv_w)
            est[j] = mean
        if kind == "proportion":
            s2w[j] = np.where(Wd > 0, Wd * mean0[:D] * (1.0 - mean0[:D]), 0.0)
        else:
            s2w[j] = dsum(dev * (y0 - per_row(mean0)))
        W[j] = Wd
        if want_support:
            support[:, j] = in_dom & ~nan if obs is None else obs
    variance = design_variance(z, design.arrays, domain=np.where(in_dom, dom, -1), n_domains=D, support=support).T
    df = design.domain_df(np.where(in_dom, dom, -1), D)
    n_rows = np.bincount(dc, weights=(in_dom & positive).astype(np.float64), minlength=D + 1)[:D]
    return _deff_batch(vars, labels, kind, n, missing, n_rows, est, variance, s2w, W, df)
