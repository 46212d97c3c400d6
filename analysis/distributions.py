"""The few distribution functions the estimates need, from ``scipy.special`` alone.

``scipy.stats`` costs about 60 MB and a second to import, more than a whole report's arithmetic;
these are the very functions ``scipy.stats`` evaluates for ``t``, ``norm`` and ``beta`` (its
``_ppf``/``_isf``/``_logsf``... of scipy 1.17, pinned in requirements.txt), with its handling of
bad arguments (NaN) and of the ends of the support, so the numbers are bit for bit the same
(``tests/analysis/test_distributions.py`` compares them with ``scipy.stats``).

* ``t_ppf(q, df)``: the Student t quantile, ``stdtrit(df, q)``; ``t_isf(q, df) = -stdtrit(df, q)``;
* ``norm_ppf(q) = ndtri(q)``; ``norm_isf(q) = -ndtri(q)``;
* ``beta_ppf(q, a, b)``: Boost's inverse regularised incomplete beta; ``beta_isf`` its complement;
* ``beta_logsf(x, a, b)``, ``beta_logcdf(x, a, b)``: log of ``I_x(a, b)``'s complement / itself,
  each taken from the side of the median where it is accurate (``log`` or ``log1p(-other)``).
"""

from __future__ import annotations

import numpy as np
from scipy import special
from scipy.special import _ufuncs

__all__ = ["beta_isf", "beta_logcdf", "beta_logsf", "beta_ppf", "norm_isf", "norm_ppf", "t_isf", "t_ppf"]


def _quantile(q, ok, low: float, high: float, inner) -> np.ndarray | float:  # noqa: ANN001
    """scipy.stats' ``ppf``/``isf`` frame: NaN for bad arguments or q outside [0, 1], ``low`` at
    q = 0, ``high`` at q = 1, ``inner()`` (evaluated where 0 < q < 1) elsewhere."""
    q = np.asarray(q, dtype=np.float64)
    ok = np.asarray(ok, dtype=bool)
    shape = np.broadcast_shapes(q.shape, ok.shape)
    q, ok = np.broadcast_to(q, shape), np.broadcast_to(ok, shape)
    out = np.full(shape, np.nan)
    out[ok & (q == 0)] = low
    out[ok & (q == 1)] = high
    inside = ok & (0 < q) & (q < 1)
    if inside.any():
        out[inside] = np.broadcast_to(inner(), shape)[inside]
    return out[()] if out.ndim == 0 else out


def t_ppf(q, df):  # noqa: ANN001, ANN201
    """Student t quantile at lower-tail probability ``q`` with ``df`` degrees of freedom."""
    df = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return _quantile(q, df > 0, -np.inf, np.inf, lambda: special.stdtrit(df, q))


def t_isf(q, df):  # noqa: ANN001, ANN201
    """Student t quantile at upper-tail probability ``q`` (``-stdtrit``: full precision far in the tail)."""
    df = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return _quantile(q, df > 0, np.inf, -np.inf, lambda: -special.stdtrit(df, q))


def norm_ppf(q):  # noqa: ANN001, ANN201
    """Standard normal quantile at lower-tail probability ``q``."""
    return _quantile(q, True, -np.inf, np.inf, lambda: special.ndtri(q))


def norm_isf(q):  # noqa: ANN001, ANN201
    """Standard normal quantile at upper-tail probability ``q``."""
    return _quantile(q, True, np.inf, -np.inf, lambda: -special.ndtri(q))


def _beta_ok(a, b) -> np.ndarray:  # noqa: ANN001
    return (np.asarray(a, dtype=np.float64) > 0) & (np.asarray(b, dtype=np.float64) > 0)


def beta_ppf(q, a, b):  # noqa: ANN001, ANN201
    """Beta(a, b) quantile at lower-tail probability ``q``."""
    with np.errstate(invalid="ignore"):
        return _quantile(q, _beta_ok(a, b), 0.0, 1.0, lambda: _ufuncs._beta_ppf(q, a, b))


def beta_isf(q, a, b):  # noqa: ANN001, ANN201
    """Beta(a, b) quantile at upper-tail probability ``q``."""
    with np.errstate(invalid="ignore"):
        return _quantile(q, _beta_ok(a, b), 1.0, 0.0, lambda: special.betainccinv(a, b, q))


def _beta_log_tail(x, a, b, upper: bool):  # noqa: ANN001, ANN202
    x = np.asarray(x, dtype=np.float64)
    ok = _beta_ok(a, b)
    shape = np.broadcast_shapes(x.shape, ok.shape)
    x, ok = np.broadcast_to(x, shape), np.broadcast_to(ok, shape)
    a, b = np.broadcast_to(np.asarray(a, dtype=np.float64), shape), np.broadcast_to(np.asarray(b, dtype=np.float64), shape)
    out = np.full(shape, -np.inf)
    out[~ok | np.isnan(x)] = np.nan
    out[ok & ((x <= 0) if upper else (x >= 1))] = 0.0
    inside = ok & (0 < x) & (x < 1)
    if inside.any():
        xs, as_, bs = x[inside], a[inside], b[inside]
        median = _ufuncs._beta_ppf(0.5, as_, bs)
        with np.errstate(divide="ignore"):
            if upper:
                value = np.where(xs > median, np.log(special.betaincc(as_, bs, xs)), np.log1p(-special.betainc(as_, bs, xs)))
            else:
                value = np.where(xs < median, np.log(special.betainc(as_, bs, xs)), np.log1p(-special.betaincc(as_, bs, xs)))
        out[inside] = value
    return out[()] if out.ndim == 0 else out


def beta_logsf(x, a, b):  # noqa: ANN001, ANN201
    """log P(X > x) for X ~ Beta(a, b)."""
    return _beta_log_tail(x, a, b, upper=True)


def beta_logcdf(x, a, b):  # noqa: ANN001, ANN201
    """log P(X <= x) for X ~ Beta(a, b)."""
    return _beta_log_tail(x, a, b, upper=False)
