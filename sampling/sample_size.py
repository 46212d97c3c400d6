"""Sample sizes for a proportion: against a threshold, or for a given precision.

Two goals
---------
*Threshold* (``threshold=p0``): a one-sided test of H0: p <= p0 against p > p0 at level ``alpha``
with power ``power`` when the true rate is the ``expected`` p1 > p0.

- ``method="normal"`` (score test; Lwanga & Lemeshow 1991, section 2.2)::

      n0 = ( z(1-alpha) sqrt(p0 q0) + z(power) sqrt(p1 q1) )^2 / (p1 - p0)^2

- ``method="exact"``: the smallest n whose exact binomial test (reject H0 when X >= c, c the
  smallest count with P(X >= c | p0) <= alpha) has power P(X >= c | p1) >= ``power``. Exact power
  saw-tooths with n, so the result also gives the n from which every larger n (up to the search
  limit) keeps the power, and the n in between that fall short.

*Precision* (``margin=E``): the half-width of a two-sided interval at confidence ``level`` is at
most E when the observed rate equals ``expected``.

- ``method="normal"`` (Wald): n0 = z(1-(1-level)/2)^2 p q / E^2 (statsmodels
  ``samplesize_confint_proportion``).
- ``method="wilson"``: the smallest n whose Wilson half-width at p_hat = p is <= E.
- ``method="exact"`` (Clopper-Pearson): the half-width (upper - lower)/2 at x = round(n p) saw-tooths
  with n; the result gives the first n that meets E and the n from which every larger n meets it.

Adjustments, in this order (each kept in the result): times the design effect ``deff``; finite
population correction n2 = n1 / (1 + (n1 - 1)/N) when ``population`` N is given; divided by the
``response_rate``; rounded up.

References
----------
Lwanga SK, Lemeshow S. Sample size determination in health studies: a practical manual. Geneva:
WHO; 1991. Kish L. Survey Sampling. Wiley; 1965 (design effect). Cochran WG. Sampling Techniques,
3rd ed. Wiley; 1977, section 4.4 (finite population correction).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from .errors import InfeasibleError, InputError
from .precision_sizes import (
    ExactMarginSearch,
    ceil_count,
    clopper_pearson_half_width,
    exact_margin_search,
    wald_margin_n0,
    wilson_half_width,
    wilson_margin_n0,
)
from .validation import check_level, check_option, check_positive, check_rate

__all__ = [
    "SampleSize",
    "DomainSizes",
    "ExactThresholdSearch",
    "ExactMarginSearch",
    "sample_size",
    "domain_sample_sizes",
    "size_curve",
    "curve_rates",
    "normal_threshold_n0",
    "exact_threshold_search",
    "critical_counts",
    "wald_margin_n0",
    "wilson_half_width",
    "clopper_pearson_half_width",
    "wilson_margin_n0",
    "exact_margin_search",
    "adjust",
    "ceil_count",
]

THRESHOLD_METHODS = ("normal", "exact")
MARGIN_METHODS = ("normal", "wilson", "exact")


def _stats():  # noqa: ANN202
    """scipy.stats, imported on first use: it costs about 60 MB and a second, and the analysis
    imports this package for its other parts."""
    from scipy import stats

    return stats

def normal_threshold_n0(expected: float, threshold: float, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Unrounded n for the one-sided score test of H0: p <= ``threshold``.

    n0 = [z(1-alpha) sqrt(p0 (1-p0)) + z(power) sqrt(p1 (1-p1))]^2 / (p1 - p0)^2, with
    p0 = ``threshold`` and p1 = ``expected``.

    Examples
    --------
    >>> round(normal_threshold_n0(0.90, 0.85), 1)
    282.1
    """
    p0, p1 = threshold, expected
    za = _stats().norm.isf(alpha)
    zb = _stats().norm.ppf(power)
    return float(((za * math.sqrt(p0 * (1 - p0)) + zb * math.sqrt(p1 * (1 - p1))) / (p1 - p0)) ** 2)


def critical_counts(n: np.ndarray, threshold: float, alpha: float) -> np.ndarray:
    """Smallest count c with P(X >= c | n, ``threshold``) <= ``alpha``, for each n (vectorised).

    A c equal to n + 1 means the test can never reject at that n.
    """
    n = np.asarray(n, dtype=np.int64)
    # binom.isf(q) is the smallest k with P(X > k) <= q, so c = k + 1; then mend floating point.
    c = np.asarray(_stats().binom.isf(alpha, n, threshold), dtype=float)
    c = np.where(np.isnan(c), n, c).astype(np.int64) + 1
    c = np.clip(c, 0, n + 1)
    lower_ok = _stats().binom.sf(c - 2, n, threshold) <= alpha
    c = np.where(lower_ok & (c >= 1), c - 1, c)
    too_low = _stats().binom.sf(c - 1, n, threshold) > alpha
    c = np.where(too_low, c + 1, c)
    return np.clip(c, 0, n + 1)


@dataclass(frozen=True)
class ExactThresholdSearch:
    """Outcome of :func:`exact_threshold_search`.

    Attributes
    ----------
    n : int
        Smallest n with exact power >= the target.
    critical_count : int
        c at ``n``: reject H0 (declare the rate above the threshold) when at least c succeed.
    attained_alpha, attained_power : float
        P(X >= c | threshold) and P(X >= c | expected) at ``n``.
    n_stable : int
        Smallest n from which every n up to ``search_limit`` has power >= the target.
    dips : tuple of int
        The n between ``n`` and ``n_stable`` whose power falls below the target (the saw-tooth).
    search_limit : int
        Largest n examined.
    """

    n: int
    critical_count: int
    attained_alpha: float
    attained_power: float
    n_stable: int
    dips: tuple[int, ...]
    search_limit: int


def exact_threshold_search(
    expected: float,
    threshold: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    search_limit: int | None = None,
) -> ExactThresholdSearch:
    """Smallest n for the exact one-sided binomial test, evaluated for all n at once.

    For every n in 1..``search_limit`` the critical count c(n) (:func:`critical_counts`) and the
    power P(X >= c(n) | ``expected``) are computed as arrays; the first n reaching ``power`` is the
    answer. The default limit is max(100, 3 x the normal-approximation n).

    Raises
    ------
    InfeasibleError
        If no n up to the limit reaches the power.

    References
    ----------
    Chernick MR, Liu CY. The saw-toothed behavior of power versus sample size and software
    solutions: single binomial proportion using exact methods. Am Stat 2002;56:149-155.
    """
    if search_limit is None:
        search_limit = max(100, 3 * ceil_count(normal_threshold_n0(expected, threshold, alpha=alpha, power=power)))
    n = np.arange(1, search_limit + 1, dtype=np.int64)
    c = critical_counts(n, threshold, alpha)
    pw = _stats().binom.sf(c - 1, n, expected)
    ok = pw >= power
    if not ok.any():
        raise InfeasibleError(
            f"no n up to {search_limit} reaches power {power:g} with the exact test",
            hint="raise the search limit or use method 'normal'",
        )
    first = int(np.argmax(ok))
    failing = np.flatnonzero(~ok)
    last_fail = int(failing[-1]) if failing.size else -1
    stable = max(first, last_fail + 1)
    dips = tuple(int(v) for v in n[first:stable][~ok[first:stable]])
    return ExactThresholdSearch(
        n=int(n[first]),
        critical_count=int(c[first]),
        attained_alpha=float(_stats().binom.sf(c[first] - 1, n[first], threshold)),
        attained_power=float(pw[first]),
        n_stable=int(n[stable]) if stable < n.size else search_limit + 1,
        dips=dips,
        search_limit=int(search_limit),
    )


# --------------------------------------------------------------------------------------------
# For precision


def adjust(
    n0: float, *, deff: float = 1.0, population: float | None = None, response_rate: float = 1.0
) -> tuple[float, float, float, int]:
    """Apply design effect, finite population correction and response rate, in that order.

    n1 = n0 deff; n2 = n1 / (1 + (n1 - 1)/N) if N is given, else n1; n3 = n2 / response_rate;
    n = ceil(n3). Returns (n1, n2, n3, n).
    """
    n1 = n0 * deff
    n2 = n1 / (1 + (n1 - 1) / population) if population is not None else n1
    n3 = n2 / response_rate
    return n1, n2, n3, ceil_count(n3)


@dataclass(frozen=True)
class SampleSize:
    """A planned sample size with every intermediate value.

    Attributes
    ----------
    n : int
        Respondents to approach: ceil(after_response).
    n0 : float
        Simple-random-sample size before any adjustment (a whole number for the searches).
    after_deff, after_fpc, after_response : float
        n0 x deff; then with the finite population correction (equal to after_deff without a
        population); then divided by the response rate.
    goal : {"threshold", "margin"}
    method : str
    expected, threshold, alpha, power, margin, level, deff, population, response_rate
        The inputs (unused ones are None).
    critical_count, attained_alpha, attained_power : optional
        Exact threshold test at n0: declare the rate above the threshold when at least
        ``critical_count`` of n0 succeed.
    half_width : float, optional
        Half-width attained at n0 (precision goal).
    n0_stable : int, optional
        Exact and Clopper-Pearson searches: the n from which every larger n meets the goal.
    dips : tuple of int
        Exact threshold search: n above n0 whose power falls below the target.
    warnings : tuple of str
    """

    n: int
    n0: float
    after_deff: float
    after_fpc: float
    after_response: float
    goal: str
    method: str
    expected: float
    threshold: float | None = None
    alpha: float | None = None
    power: float | None = None
    margin: float | None = None
    level: float | None = None
    deff: float = 1.0
    population: float | None = None
    response_rate: float = 1.0
    critical_count: int | None = None
    attained_alpha: float | None = None
    attained_power: float | None = None
    half_width: float | None = None
    n0_stable: int | None = None
    dips: tuple[int, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        """Plain dict for JSON (``dips`` as a list)."""
        d = asdict(self)
        d["dips"] = list(self.dips)
        d["warnings"] = list(self.warnings)
        return d


def sample_size(
    expected: float,
    *,
    threshold: float | None = None,
    margin: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    level: float = 0.95,
    method: str = "normal",
    deff: float = 1.0,
    population: float | None = None,
    response_rate: float = 1.0,
) -> SampleSize:
    """Plan the number of respondents for one population (a county or one township).

    Give exactly one of ``threshold`` (show the rate is above it) and ``margin`` (estimate it
    within +/- margin).

    Parameters
    ----------
    expected : float
        Expected rate p1 in (0, 1).
    threshold : float, optional
        Threshold p0 in (0, 1), below ``expected``.
    margin : float, optional
        Half-width E of the interval, in (0, 1) (0.05 = 5 percentage points).
    alpha : float
        One-sided significance level of the threshold test.
    power : float
        Power at ``expected`` (1 - beta).
    level : float
        Confidence level of the interval (precision goal).
    method : {"normal", "exact"} for a threshold; {"normal", "wilson", "exact"} for a margin
        ``exact`` is the exact binomial test (threshold) or Clopper-Pearson (margin).
    deff : float
        Design effect (>= 1 for cluster samples; Kish: 1 + (m - 1) rho).
    population : float, optional
        Size N of the population for the finite population correction.
    response_rate : float
        Expected share of those approached who answer, in (0, 1].

    Returns
    -------
    SampleSize

    Raises
    ------
    InputError
        Rates outside (0, 1), a threshold not below the expected rate, both or neither goal given,
        an unknown method.

    Examples
    --------
    >>> sample_size(0.85, margin=0.05).n
    196
    >>> sample_size(0.90, threshold=0.85).n
    283
    """
    expected = check_rate("expected", expected)
    deff = check_positive("deff", deff)
    response_rate = check_rate("response_rate", response_rate, high=1.0 + 1e-12)
    response_rate = min(response_rate, 1.0)
    if population is not None:
        population = check_positive("population", population, minimum=1.0, inclusive=True)
    if (threshold is None) == (margin is None):
        raise InputError("give exactly one of threshold and margin", param="threshold/margin")

    warnings: list[str] = []
    extra: dict = {}
    if threshold is not None:
        threshold = check_rate("threshold", threshold)
        alpha = check_rate("alpha", alpha, high=0.5)
        power = check_rate("power", power, low=0.5)
        check_option("method", method, THRESHOLD_METHODS)
        if not threshold < expected:
            raise InputError(
                f"the threshold {threshold:g} must be below the expected rate {expected:g}: "
                "a survey can only show a rate above a threshold it is expected to exceed",
                param="threshold",
            )
        if method == "normal":
            n0 = normal_threshold_n0(expected, threshold, alpha=alpha, power=power)
        else:
            res = exact_threshold_search(expected, threshold, alpha=alpha, power=power)
            n0 = float(res.n)
            extra = dict(
                critical_count=res.critical_count,
                attained_alpha=res.attained_alpha,
                attained_power=res.attained_power,
                n0_stable=res.n_stable,
                dips=res.dips,
            )
            if res.dips:
                shown = ", ".join(str(v) for v in res.dips[:8]) + (" ..." if len(res.dips) > 8 else "")
                warnings.append(
                    f"exact power saw-tooths: n = {shown} (above {res.n}) fall below power {power:g}; "
                    f"every n >= {res.n_stable} keeps it"
                )
        goal = "threshold"
        inputs = dict(threshold=threshold, alpha=alpha, power=power)
    else:
        margin = check_rate("margin", margin)
        level = check_level(level)
        check_option("method", method, MARGIN_METHODS)
        if method == "normal":
            n0 = wald_margin_n0(expected, margin, level=level)
        elif method == "wilson":
            n0 = float(wilson_margin_n0(expected, margin, level=level))
            extra = dict(half_width=float(wilson_half_width(n0, expected, level)))
        else:
            res_m = exact_margin_search(expected, margin, level=level)
            n0 = float(res_m.n)
            extra = dict(half_width=res_m.half_width, n0_stable=res_m.n_stable)
            if res_m.n_stable > res_m.n:
                warnings.append(
                    f"Clopper-Pearson half-width saw-tooths: {res_m.n} is the first n that meets "
                    f"+/-{margin:g}, every n >= {res_m.n_stable} meets it"
                )
        goal = "margin"
        inputs = dict(margin=margin, level=level)

    n1, n2, n3, n = adjust(n0, deff=deff, population=population, response_rate=response_rate)
    if population is not None and n > population:
        warnings.append(f"n = {n} exceeds the population {population:g}: survey everyone")
    return SampleSize(
        n=n,
        n0=float(n0),
        after_deff=float(n1),
        after_fpc=float(n2),
        after_response=float(n3),
        goal=goal,
        method=method,
        expected=expected,
        deff=deff,
        population=population,
        response_rate=response_rate,
        warnings=tuple(warnings),
        **inputs,
        **extra,
    )


from .domain_sizes import DomainSizes, curve_rates, domain_sample_sizes, size_curve  # noqa: E402 - re-exported; they call sample_size
