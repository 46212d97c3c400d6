"""Threshold verdicts: has an indicator reached its target, with the sampling error accounted for?

For a threshold ``p0`` and confidence level ``1 - alpha`` (a profile's ``level``, 0.95 by
default), with ``L`` and ``U`` the one-sided ``1 - alpha`` lower and upper confidence bounds (the
ends of the two-sided ``1 - 2 alpha`` interval of the same method):

* ``met`` when ``L >= p0``: the data demonstrate the target is reached;
* ``not_met`` when ``U < p0``: the data demonstrate it is not;
* ``inconclusive`` otherwise (and whenever no bound can be computed).

Alongside, ``point_reaches`` says whether the point estimate alone is at or above ``p0`` (what a
naive reading would conclude), and for an inconclusive result ``more_responses`` estimates how many
more responses would settle it if the rate and the design effect held: with ``z =
Phi^{-1}(1 - alpha)`` and the current variance ``v`` of ``n`` responses, the needed size is
``n' = v n (z / (p - p0))^2`` (the variance scales as ``1/n``), so ``more = ceil(n' - n)``. At
``p = 1`` (resp. 0) the exact Clopper-Pearson bound ``alpha^(1/n')`` must reach ``p0`` (resp.
``1 - alpha^(1/n') < p0``), so ``n' = log(alpha) / log(p0)`` (resp. ``log(alpha) / log(1 - p0)``).
When ``p = p0`` exactly no sample size settles it and ``more_responses`` is empty.

References
----------
Korn E.L., Graubard B.I. (1999). *Analysis of Health Surveys*, section 5.2 (one-sided bounds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import OptionError

__all__ = ["VERDICTS", "Verdict", "check_threshold", "verdicts"]

VERDICTS = ("met", "not_met", "inconclusive")


@dataclass(frozen=True)
class Verdict:
    """The verdict for one estimate against one threshold."""

    verdict: str
    threshold: float
    level: float
    method: str
    lower: float | None
    upper: float | None
    point_reaches: bool
    more_responses: int | None


def check_threshold(value, param: str = "threshold") -> float:
    """A threshold strictly between 0 and 1."""
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{param} must be a number strictly between 0 and 1; got {value!r}", param=param, value=value)
    if not 0.0 < t < 1.0 or np.isnan(t):
        raise OptionError(f"{param} must be strictly between 0 and 1; got {value!r}", param=param, value=value)
    return t


def one_sided_level(level: float) -> float:
    """Two-sided level whose ends are the one-sided ``level`` bounds (``2 level - 1``)."""
    if not 0.5 < level < 1.0:
        raise OptionError(f"a verdict needs a level between 0.5 and 1; got {level!r}", param="level", value=level)
    return 2.0 * level - 1.0


def verdicts(estimate, variance, n, lower, upper, threshold, level: float):
    """Vectorised verdicts.

    Parameters
    ----------
    estimate, variance, n : array_like
        Point estimates, their design-based variances and numbers of responses.
    lower, upper : array_like
        One-sided ``level`` bounds (NaN where none exists).
    threshold : array_like
        Thresholds (NaN: no threshold, verdict ``None``).
    level : float
        One-sided confidence level, e.g. 0.95.

    Returns
    -------
    verdict : ndarray of object (``"met"``, ``"not_met"``, ``"inconclusive"`` or None)
    point_reaches : ndarray of object (bool or None)
    more_responses : ndarray of object (int or None)

    Examples
    --------
    >>> v, reach, more = verdicts([0.88], [0.0004], [300], [0.845], [0.91], [0.85], 0.95)
    >>> v[0], reach[0], more[0]
    ('inconclusive', True, 61)
    """
    p = np.atleast_1d(np.asarray(estimate, dtype=np.float64))
    shape = p.shape
    v = np.broadcast_to(np.asarray(variance, dtype=np.float64), shape)
    n = np.broadcast_to(np.asarray(n, dtype=np.float64), shape)
    lo = np.broadcast_to(np.asarray(lower, dtype=np.float64), shape)
    hi = np.broadcast_to(np.asarray(upper, dtype=np.float64), shape)
    p0 = np.broadcast_to(np.asarray(threshold, dtype=np.float64), shape)
    alpha = 1.0 - level
    z = stats.norm.ppf(level)
    verdict = np.full(shape, None, dtype=object)
    reach = np.full(shape, None, dtype=object)
    more = np.full(shape, None, dtype=object)
    for i in range(p.size):  # one small scalar decision per estimate (not per row)
        if np.isnan(p0[i]) or np.isnan(p[i]) or not n[i] > 0:
            continue
        reach[i] = bool(p[i] >= p0[i])
        if not np.isnan(lo[i]) and lo[i] >= p0[i]:
            verdict[i] = "met"
            continue
        if not np.isnan(hi[i]) and hi[i] < p0[i]:
            verdict[i] = "not_met"
            continue
        verdict[i] = "inconclusive"
        gap = abs(p[i] - p0[i])
        if gap <= 1e-12:  # at the threshold up to rounding (e.g. 17/20 vs 0.85): no sample size settles it
            continue
        if p[i] >= 1.0:
            need = np.log(alpha) / np.log(p0[i])
        elif p[i] <= 0.0:
            need = np.log(alpha) / np.log1p(-p0[i])
        elif v[i] > 0:
            need = v[i] * n[i] * (z / gap) ** 2
        else:
            continue
        more[i] = int(max(1, np.ceil(need - n[i])))
    return verdict, reach, more
