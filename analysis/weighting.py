"""Weighting: post-stratification, raking, weighting-class non-response adjustment, trimming.

Each function takes a :class:`~analysis.design.SurveyDesign` and returns a new one. Calibrated
designs (post-stratified, raked) carry the information the variance engine needs to give the
calibrated estimators' standard errors exactly as R's ``postStratify`` and ``rake`` designs do
(see :class:`~analysis.design.Residualizer`).

Post-stratification (Holt & Smith 1979): with ``N_g`` the known population count of cell ``g`` and
``hat N_g = sum_{i in g} w_i`` its estimate, ``w_i' = w_i N_g / hat N_g``.

Raking (iterative proportional fitting, Deming & Stephan 1940): post-stratify to each margin in
turn and repeat until every margin is reproduced within a relative tolerance ``tol``, or fail
after ``max_iter`` sweeps.

References
----------
Lumley T. (2010). *Complex Surveys*, chapter 7. R package survey: ``postStratify``, ``rake``,
``trimWeights``.
Kalton G., Flores-Cervantes I. (2003). Weighting methods. *Journal of Official Statistics* 19(2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .columns import _as_list, _column, _numeric
from .design_arrays import RAKE_VARIANCE_SWEEPS, Calibration, Residualizer
from .errors import CalibrationError, DataValueError, OptionError

if TYPE_CHECKING:  # the design calls these functions; they read it without importing it
    from .design import SurveyDesign

__all__ = ["adjust_nonresponse", "poststratify", "rake", "trim"]


def _cells(design: SurveyDesign, columns: tuple[str, ...], population: Mapping[Any, float], what: str):
    """Cell code of each row and the population count of each cell."""
    data = design.data
    if not isinstance(population, Mapping) or not population:
        raise CalibrationError(f"{what} must be a non-empty mapping level -> population count", param=what)
    for c in columns:
        _column(data, c, what)
    keys = list(population.keys())
    counts = np.empty(len(keys))
    for j, key in enumerate(keys):
        try:
            counts[j] = float(population[key])
        except (TypeError, ValueError):
            raise CalibrationError(
                f"population count for level {key!r} of {', '.join(columns)} must be a number; got {population[key]!r}",
                value=key,
            )
        if not counts[j] > 0 or np.isinf(counts[j]):
            raise CalibrationError(
                f"population count for level {key!r} of {', '.join(columns)} must be positive; got {population[key]!r}",
                value=key,
            )
    if len(columns) == 1:
        values = data[columns[0]]
        missing = values.isna().to_numpy()
    else:
        frame = data[list(columns)]
        missing = frame.isna().any(axis=1).to_numpy()
        values = pd.Series(list(frame.itertuples(index=False, name=None)), index=data.index)
        keys = [tuple(k) if isinstance(k, (list, tuple)) else k for k in keys]
    if missing.any():
        pos = int(np.flatnonzero(missing)[0])
        raise DataValueError(
            f"column {', '.join(columns)} has a missing value at row {data.index[pos]!r}; every row needs a "
            f"{what} cell",
            column=columns[0],
        )
    lookup = {k: j for j, k in enumerate(keys)}
    codes = values.map(lookup)
    if codes.isna().any():
        # CSV data often hold numbers where the population was written with strings, or the reverse
        str_lookup = {str(k): j for j, k in enumerate(keys)}
        codes = codes.where(codes.notna(), values.astype(str).map(str_lookup))
    if codes.isna().any():
        pos = int(np.flatnonzero(codes.isna().to_numpy())[0])
        level = values.iloc[pos]
        raise CalibrationError(
            f"level {level!r} of {', '.join(map(repr, columns))} (row {data.index[pos]!r}) is in the sample but "
            f"has no population count; known levels: {', '.join(map(repr, keys))}",
            column=columns[0],
            value=level,
        )
    codes = codes.to_numpy(dtype=np.int64)
    return codes, counts, keys


def _check_cells(codes, counts, keys, w, columns):
    sample = np.bincount(codes, weights=w, minlength=len(counts))
    empty = sample <= 0
    if empty.any():
        j = int(np.flatnonzero(empty)[0])
        raise CalibrationError(
            f"cell {keys[j]!r} of {', '.join(map(repr, columns))} has a population count but no respondents "
            "with positive weight; merge it with a neighbouring cell",
            column=columns[0],
            value=keys[j],
        )
    return sample


def poststratify(design: SurveyDesign, column: str | Sequence[str], population: Mapping[Any, float]) -> SurveyDesign:
    """Post-stratify the weights to known population counts.

    Parameters
    ----------
    design : SurveyDesign
    column : str or list of str
        Post-stratification column(s); with several, ``population`` keys are tuples.
    population : mapping
        Level -> population count (persons), one entry for every level in the sample.

    Returns
    -------
    SurveyDesign
        A design with weights ``w_i N_g / hat N_g``; its standard errors account for the
        calibration as R's ``postStratify`` does (linearised values are replaced by their residuals
        from old-weight cell means).

    Raises
    ------
    CalibrationError
        A sample level without a population count, or a population cell with no respondent.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["F", "F", "M"], "w": [1.0, 1.0, 1.0], "ok": [1, 0, 1]})
    >>> d = SurveyDesign(df, weights="w").poststratify("sex", {"F": 60, "M": 40})
    >>> d.weights.tolist()
    [30.0, 30.0, 40.0]
    """
    columns = _as_list(column, "column")
    codes, counts, keys = _cells(design, columns, population, "population")
    oldw = np.asarray(design.weights)
    sample = _check_cells(codes, counts, keys, oldw, columns)
    neww = oldw * (counts / sample)[codes]
    b = np.where(neww > 0, oldw / np.where(neww > 0, neww, 1.0), 0.0) / sample[codes]
    op = Residualizer(group=codes, n_groups=len(counts), a=neww, b=b)
    return design.reweighted(neww, calibration=Calibration("poststratify", columns, (op,), 1))


def rake(
    design: SurveyDesign,
    margins: Mapping[str, Mapping[Any, float]],
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> SurveyDesign:
    """Rake the weights to known margins (iterative proportional fitting).

    Parameters
    ----------
    design : SurveyDesign
    margins : mapping
        ``{column: {level: population count}}``, one entry per margin (two or more for raking).
    tol : float
        Stop when every margin's weighted count is within ``tol`` (relative) of its target.
    max_iter : int
        At most this many sweeps over the margins.

    Returns
    -------
    SurveyDesign
        The raked design; its standard errors follow R's ``rake`` (residuals after ten sweeps of
        margin-wise centring).

    Raises
    ------
    CalibrationError
        A level without a population count, an empty cell, margins whose totals disagree, or no
        convergence within ``max_iter`` sweeps.
    """
    if not isinstance(margins, Mapping) or not margins:
        raise CalibrationError("margins must be a non-empty mapping column -> {level: count}", param="margins")
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise OptionError(f"tol must be a positive number; got {tol!r}", param="tol", value=tol)
    if not (isinstance(max_iter, int) and max_iter >= 1):
        raise OptionError(f"max_iter must be a positive integer; got {max_iter!r}", param="max_iter", value=max_iter)
    w = np.asarray(design.weights, dtype=np.float64).copy()
    cells = []
    for col, pop in margins.items():
        columns = _as_list(col, "margins")
        codes, counts, keys = _cells(design, columns, pop, f"margin {col!r}")
        _check_cells(codes, counts, keys, w, columns)
        cells.append((columns, codes, counts, keys))
    totals = [c[2].sum() for c in cells]
    if max(totals) - min(totals) > tol * max(totals) * 10:
        desc = ", ".join(f"{'+'.join(c[0])}: {t:g}" for c, t in zip(cells, totals))
        raise CalibrationError(f"the margins' population totals disagree ({desc}); raking cannot reproduce them all")
    after = [w] * len(cells)
    converged = False
    worst = np.inf
    for _ in range(max_iter):
        for m, (columns, codes, counts, keys) in enumerate(cells):
            sample = np.bincount(codes, weights=w, minlength=len(counts))
            if (sample <= 0).any():
                j = int(np.flatnonzero(sample <= 0)[0])
                raise CalibrationError(f"cell {keys[j]!r} of {columns[0]!r} lost all its weight while raking", column=columns[0])
            w = w * (counts / sample)[codes]
            after[m] = w
        worst = max(
            float(np.max(np.abs(np.bincount(codes, weights=w, minlength=len(counts)) - counts) / counts))
            for _, codes, counts, _ in cells
        )
        if worst < tol:
            converged = True
            break
    if not converged:
        raise CalibrationError(
            f"raking did not converge in {max_iter} sweeps (largest relative margin error {worst:.3g} > tol {tol:g}); "
            "check for sparse cells or inconsistent margins, or raise max_iter",
        )
    ops = []
    for (columns, codes, counts, keys), psw in zip(cells, after):
        size = np.bincount(codes, minlength=len(counts)).astype(np.float64)
        b = np.where(psw > 0, 1.0 / np.where(psw > 0, psw, 1.0), 0.0) / size[codes]
        ops.append(Residualizer(group=codes, n_groups=len(counts), a=psw, b=b))
    cols = tuple(c for cell in cells for c in cell[0])
    return design.reweighted(w, calibration=Calibration("rake", cols, tuple(ops), RAKE_VARIANCE_SWEEPS))


def adjust_nonresponse(
    design: SurveyDesign, responded: str, *, classes: str | Sequence[str] | None = None
) -> SurveyDesign:
    """Weighting-class non-response adjustment.

    Within each class ``c`` (all sampled units together when ``classes`` is None), respondents'
    weights are multiplied by ``sum_{i in c} w_i / sum_{i in c, responded} w_i`` and
    non-respondents get weight 0 (their rows stay in the design, so the sample's PSU counts and the
    degrees of freedom are unchanged). The adjustment factors are treated as fixed in the variance
    (as when a weight column adjusted this way is given to R's ``svydesign``).

    Parameters
    ----------
    design : SurveyDesign
    responded : str
        Column with 1 (or True) for respondents and 0 (or False) for sampled non-respondents.
    classes : str or list of str, optional
        Weighting-class column(s), e.g. township and age group.

    Raises
    ------
    DataValueError
        ``responded`` not 0/1 or missing, a class column with missing values.
    CalibrationError
        A class with sampled units but no respondent.
    """
    data = design.data
    col = _column(data, responded, "responded")
    r = col.to_numpy(dtype=np.float64, na_value=np.nan) if pd.api.types.is_bool_dtype(col) else _numeric(col, responded, data, "responded")
    bad = np.isnan(r) | ((r != 0) & (r != 1))
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataValueError(
            f"column {responded!r} (responded) must be 0/1 in every row; row {data.index[pos]!r} has {col.iloc[pos]!r}",
            column=responded,
            value=col.iloc[pos],
        )
    cls = _as_list(classes, "classes")
    if cls:
        for c in cls:
            _column(data, c, "classes")
        frame = data[list(cls)]
        if frame.isna().any(axis=None):
            pos = int(np.flatnonzero(frame.isna().any(axis=1).to_numpy())[0])
            raise DataValueError(f"class column(s) {', '.join(cls)} have a missing value at row {data.index[pos]!r}", column=cls[0])
        codes = frame.groupby(list(cls), sort=True, dropna=False).ngroup().to_numpy(dtype=np.int64)
    else:
        codes = np.zeros(design.n, dtype=np.int64)
    w = np.asarray(design.weights)
    G = int(codes.max()) + 1
    all_w = np.bincount(codes, weights=w, minlength=G)
    resp_w = np.bincount(codes, weights=w * r, minlength=G)
    lost = (all_w > 0) & (resp_w <= 0)
    if lost.any():
        g = int(np.flatnonzero(lost)[0])
        pos = int(np.flatnonzero(codes == g)[0])
        label = ", ".join(f"{c}={data[c].iloc[pos]!r}" for c in cls) if cls else "the whole sample"
        raise CalibrationError(f"class ({label}) has no respondents; merge it with a neighbouring class", column=cls[0] if cls else None)
    factor = np.where(resp_w > 0, all_w / np.where(resp_w > 0, resp_w, 1.0), 0.0)
    neww = np.where(r == 1, w * factor[codes], 0.0)
    return design.reweighted(neww)


def trim(
    design: SurveyDesign,
    *,
    upper: float | None = None,
    lower: float | None = None,
    strict: bool = False,
    max_iter: int = 50,
) -> SurveyDesign:
    """Trim weights to ``[lower, upper]`` and share the trimmed amount among the other rows.

    As R's ``trimWeights``: weights outside the bounds are set to the bound, and the total trimmed
    (``sum (w - w')``) is added in equal parts to the rows that were inside the bounds, so the sum
    of weights is kept. With ``strict=True`` this is repeated until no weight is outside the
    bounds (at most ``max_iter`` times). Calibration information is kept, as in R.

    Raises
    ------
    OptionError
        Neither bound given, or ``lower > upper``.
    """
    if upper is None and lower is None:
        raise OptionError("trim needs upper=, lower= or both", param="upper")
    hi = np.inf if upper is None else float(upper)
    lo = -np.inf if lower is None else float(lower)
    if lo > hi:
        raise OptionError(f"lower ({lo:g}) is above upper ({hi:g})", param="lower", value=lower)
    w = np.asarray(design.weights, dtype=np.float64).copy()
    positive = w > 0
    total = w.sum()
    if strict and (hi * positive.sum() < total * (1 - 1e-12) or lo * positive.sum() > total * (1 + 1e-12)):
        raise CalibrationError(
            f"no weights within [{lo:g}, {hi:g}] can keep the total {total:g} over {int(positive.sum())} rows; widen the bounds"
        )
    for _ in range(max_iter if strict else 1):
        outside = (w < lo) | (w > hi)
        if not outside.any():
            break
        neww = np.clip(w, lo, hi)
        inside = ~outside
        if not inside.any():
            raise CalibrationError("every weight is outside the trimming bounds; widen them")
        neww[inside] += (w - neww).sum() / inside.sum()
        w = neww
    else:
        if strict and ((w < lo - 1e-9 * abs(lo)) | (w > hi + 1e-9 * abs(hi))).any():
            raise CalibrationError(f"trimming did not settle within [{lo:g}, {hi:g}] in {max_iter} rounds")
    return design.reweighted(w)
