"""Lot quality assurance sampling (LQAS) decision rules.

A township (the "lot") is classified as meeting the target when at least d of the n people
sampled in it succeed. With X ~ Binomial(n, p):

- alpha = P(X <= d - 1 | p = upper): a township at the target ``upper`` is wrongly failed;
- beta  = P(X >= d | p = lower): a township at the ``lower`` threshold wrongly passes.

Without ``n``: the smallest n for which some d keeps alpha <= ``alpha`` and beta <= ``beta``;
among those d, the one with the smallest alpha + beta. With ``n``: that n's d by the same rule or,
if no d keeps both risks within bounds, the d with the smallest larger risk (``feasible=False``).

The classic design (upper 80%, lower 50%, alpha and beta <= 10%) is n = 19, d = 13. Thresholds
10-15 points apart, as in the demonstration-county targets, need far larger samples.

References
----------
Valadez JJ. Assessing Child Survival Programs in Developing Countries: Testing Lot Quality
Assurance Sampling. Harvard University Press; 1991.
Olives C, Pagano M. Bayes-LQAS: classifying the prevalence of global acute malnutrition. Emerg Themes
Epidemiol 2010;7:3 (PMC3013262), Table 1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .errors import InfeasibleError, InputError
from .validation import check_count, check_rate

__all__ = ["LqasRule", "lqas_rule", "lqas_risks", "lqas_classify", "CLASSIC_N", "MEETS", "DOES_NOT_MEET", "INCOMPLETE",
           "LQAS_WORDS"]

CLASSIC_N = 19
DEFAULT_MAX_N = 5000
#: Classifications of a township (lot) by :func:`lqas_classify`.
MEETS, DOES_NOT_MEET, INCOMPLETE = "meets", "does_not_meet", "incomplete"
#: each classification's words, 中文 first (report, workbook and dashboard read them here)
LQAS_WORDS = {
    MEETS: {"zh": "达标", "en": "meets"},
    DOES_NOT_MEET: {"zh": "未达标", "en": "does not meet"},
    INCOMPLETE: {"zh": "样本未满", "en": "incomplete"},
}



def _stats():  # noqa: ANN202
    """scipy.stats, imported on first use: it costs about 60 MB and a second, and the analysis
    imports this package for its other parts."""
    from scipy import stats

    return stats

@dataclass(frozen=True)
class LqasRule:
    """An LQAS decision rule: the township meets the target when at least ``d`` of ``n`` succeed.

    ``alpha`` and ``beta`` are the attained risks (see the module docstring); ``alpha_max`` and
    ``beta_max`` the bounds asked for; ``feasible`` whether both risks are within them.
    """

    n: int
    d: int
    alpha: float
    beta: float
    upper: float
    lower: float
    alpha_max: float
    beta_max: float
    feasible: bool

    def to_dict(self) -> dict:
        return asdict(self)


def lqas_classify(successes: np.ndarray, sampled: np.ndarray, n: int, d: int) -> np.ndarray:
    """Classify lots by the rule "meets when at least ``d`` of ``n`` succeed" (vectorised).

    ``successes`` and ``sampled`` count the first ``sampled <= n`` people of each lot. A lot
    ``meets`` once ``successes >= d``; it ``does_not_meet`` once more than ``n - d`` failed (d
    successes are out of reach); otherwise it is ``incomplete``.

    >>> lqas_classify(np.array([13, 5, 10]), np.array([19, 19, 12]), 19, 13).tolist()
    ['meets', 'does_not_meet', 'incomplete']
    """
    x = np.asarray(successes, dtype=np.int64)
    k = np.asarray(sampled, dtype=np.int64)
    if np.any(x < 0) or np.any(x > k) or np.any(k > n) or not 0 < d <= n:
        raise InputError(f"an LQAS count is out of range (0 <= successes <= sampled <= n = {n}, 0 < d = {d} <= n)", param="successes")
    return np.where(x >= d, MEETS, np.where(k - x > n - d, DOES_NOT_MEET, INCOMPLETE)).astype(object)


def lqas_risks(n: int | np.ndarray, d: int | np.ndarray, upper: float, lower: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact risks of the rule "meets when X >= d": (P(X <= d-1 | upper), P(X >= d | lower)).

    Broadcasts over ``n`` and ``d``.

    Examples
    --------
    >>> a, b = lqas_risks(19, 13, 0.8, 0.5)
    >>> round(float(a), 4), round(float(b), 4)
    (0.0676, 0.0835)
    """
    n = np.asarray(n)
    d = np.asarray(d)
    return _stats().binom.cdf(d - 1, n, upper), _stats().binom.sf(d - 1, n, lower)


def _d_bounds(n: np.ndarray, upper: float, lower: float, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """For each n: (d_lo, d_hi), the feasible d being d_lo <= d <= d_hi.

    d_hi is the largest d with P(X <= d-1 | upper) <= alpha (alpha grows with d);
    d_lo the smallest d with P(X >= d | lower) <= beta (beta shrinks with d).
    """
    # d_hi: k = ppf(alpha) is the smallest k with cdf(k) >= alpha; d - 1 may equal k only if cdf(k) <= alpha.
    k = np.asarray(_stats().binom.ppf(alpha, n, upper), dtype=float)
    k = np.where(np.isnan(k), -1, k).astype(np.int64)
    d_hi = np.where(_stats().binom.cdf(k, n, upper) <= alpha, k + 1, k)
    # mend floating point: step once in each direction
    d_hi = np.where(_stats().binom.cdf(d_hi, n, upper) <= alpha, d_hi + 1, d_hi)
    d_hi = np.where(_stats().binom.cdf(d_hi - 1, n, upper) > alpha, d_hi - 1, d_hi)
    # d_lo: isf(beta) is the smallest k with sf(k) <= beta, so d - 1 = k.
    k2 = np.asarray(_stats().binom.isf(beta, n, lower), dtype=float)
    k2 = np.where(np.isnan(k2), n, k2).astype(np.int64)
    d_lo = k2 + 1
    d_lo = np.where(_stats().binom.sf(d_lo - 2, n, lower) <= beta, d_lo - 1, d_lo)
    d_lo = np.where(_stats().binom.sf(d_lo - 1, n, lower) > beta, d_lo + 1, d_lo)
    return np.clip(d_lo, 0, n + 1), np.clip(d_hi, 0, n + 1)


def _rule_for_n(n: int, upper: float, lower: float, alpha: float, beta: float) -> LqasRule:
    d = np.arange(0, n + 2)
    a, b = lqas_risks(n, d, upper, lower)
    ok = (a <= alpha) & (b <= beta)
    if ok.any():
        total = np.where(ok, a + b, np.inf)
        i = int(np.argmin(total))
        feasible = True
    else:
        worst = np.maximum(a, b)
        # smallest larger risk; ties broken by the smaller sum
        order = np.lexsort((a + b, worst))
        i = int(order[0])
        feasible = False
    return LqasRule(
        n=int(n), d=int(d[i]), alpha=float(a[i]), beta=float(b[i]), upper=upper, lower=lower,
        alpha_max=alpha, beta_max=beta, feasible=feasible,
    )


def lqas_rule(
    upper: float,
    lower: float,
    *,
    alpha: float = 0.10,
    beta: float = 0.10,
    n: int | None = None,
    max_n: int = DEFAULT_MAX_N,
) -> LqasRule:
    """LQAS sample size and decision rule, by exact binomial probabilities.

    Parameters
    ----------
    upper : float
        Target rate (a township at or above it should be classified as meeting).
    lower : float
        Lower threshold (a township at or below it should be classified as not meeting);
        ``lower < upper``.
    alpha : float
        Largest accepted P(fail | p = upper).
    beta : float
        Largest accepted P(pass | p = lower).
    n : int, optional
        A fixed sample size; without it the smallest feasible n is searched for.
    max_n : int
        Search limit when ``n`` is not given.

    Returns
    -------
    LqasRule

    Raises
    ------
    InputError
        Rates outside (0, 1) or ``lower >= upper``; risks outside (0, 0.5).
    InfeasibleError
        No n up to ``max_n`` keeps both risks within bounds.

    Examples
    --------
    >>> r = lqas_rule(0.8, 0.5)
    >>> r.n, r.d
    (19, 13)
    """
    upper = check_rate("upper", upper)
    lower = check_rate("lower", lower)
    alpha = check_rate("alpha", alpha, high=0.5)
    beta = check_rate("beta", beta, high=0.5)
    if not lower < upper:
        raise InputError(f"the lower threshold {lower:g} must be below the upper {upper:g}", param="lower")
    if n is not None:
        return _rule_for_n(check_count("n", n), upper, lower, alpha, beta)
    max_n = check_count("max_n", max_n)
    ns = np.arange(1, max_n + 1, dtype=np.int64)
    d_lo, d_hi = _d_bounds(ns, upper, lower, alpha, beta)
    ok = d_lo <= d_hi
    if not ok.any():
        raise InfeasibleError(
            f"no n up to {max_n} keeps alpha <= {alpha:g} and beta <= {beta:g} for {upper:g} vs {lower:g}",
            hint="widen the gap between upper and lower or accept larger risks",
        )
    return _rule_for_n(int(ns[np.argmax(ok)]), upper, lower, alpha, beta)
