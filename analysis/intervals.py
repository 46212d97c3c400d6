"""Confidence intervals for proportions from complex samples (vectorised over estimates).

Methods of R's ``svyciprop`` (survey package) for design-based estimates, with ``alpha = 1 -
level``, ``t = t_{df}(1 - alpha/2)`` the quantile on the design's degrees of freedom, ``p`` the
estimate and ``v`` its design-based variance:

``mean``
    ``p +/- t sqrt(v)``, cut to [0, 1] (R does not cut; the result says when we did).
``logit``, ``xlogit``
    ``expit(logit(p) +/- t sqrt(v) / (p (1 - p)))``. R obtains ``logit`` from a quasi-binomial
    ``svyglm`` and ``xlogit`` from the delta method; both are this interval.
``asin``
    ``sin^2(asin(sqrt p) +/- t sqrt(v) / (2 sqrt(p (1 - p))))``, the angle kept in [0, pi/2] (R lets
    it fold over, which can put the lower end above a small p).
``beta``
    Korn & Graubard (1998): effective sample size ``n* = p (1 - p) / v * (t_{n-1} / t_{df})^2`` at
    ``alpha/2``, interval ``[B(alpha/2; n* p, n* (1 - p) + 1), B(1 - alpha/2; n* p + 1, n* (1 - p))]``
    with ``B`` the beta quantile and ``n`` the number of rows of the domain (R's ``nrow(design)``).
``likelihood``
    R's Rao-Scott scaled profile likelihood of the intercept-only quasi-binomial ``svyglm``,
    computed as R computes it (:mod:`analysis.profile_likelihood`): signed roots of the scaled
    deviance on a grid of at most 9 steps of ``zmax/5`` standard errors each side of
    ``logit(p)``, an fmm cubic spline through them, and linear inversion of the spline at the
    cutoffs ``-/+ t sqrt(lambda)``. The ends of the exact likelihood-ratio set
    ``{mu : KL(p || mu) <= phi t^2 v / (2 p (1 - p))}`` (:func:`~analysis.profile_likelihood.exact_bounds`)
    differ from R's by the spline's error, up to a few 1e-4. R's numbers also depend on where its
    IRLS fit stopped, which depends on the individual weights: pass ``glm_fit`` (from
    :func:`~analysis.profile_likelihood.quasibinomial_fit`) to reproduce them to about 1e-10;
    without it the fit is taken at its exact optimum (differences from R up to a few 1e-6).
    Where R's profile gives no end (it stops before the cutoff, in tiny or extreme samples) or
    one on the wrong side of ``p``, that end is the exact likelihood-ratio end, and ``note`` says so.

Binomial methods for simple random samples (``x`` successes of ``n``; for other designs ``n`` is
the Korn-Graubard effective sample size ``n*`` above and ``x = p n*``):

``wilson``
    Wilson (1927) score interval with ``z = Phi^{-1}(1 - alpha/2)``.
``clopper-pearson``
    Exact interval ``[B(alpha/2; x, n - x + 1), B(1 - alpha/2; x + 1, n - x)]``, 0 and 1 at the ends.
``jeffreys``
    Equal-tailed ``Beta(x + 1/2, n - x + 1/2)`` quantiles, with the lower end 0 when ``x = 0`` and the
    upper end 1 when ``x = n`` (Brown, Cai & DasGupta 2001; statsmodels does not make this change).

At ``p = 0`` or ``p = 1`` the design-based variance is 0 and the Wald-type intervals collapse to a
point (R returns a point, or NaN for ``beta``). Every survey method then gives the Clopper-Pearson
interval (a binomial method: its own interval) with the Korn-Graubard effective sample size
built from the design effect ``deff`` of the same indicator in the whole sample (its own is
undefined):
``n* = max(n / deff, 1) * (t_{n-1} / t_{df})^2`` at ``alpha/2`` (``deff = 1`` when none is
given or defined), so that 20 of 20 answers from two clinics (``df = 1``) are no more conclusive
than 19 of 20. A simple random sample with a binomial method keeps its own interval with ``n``.
``note`` says which was used. A census (every stratum fully enumerated) has no sampling error:
the interval is ``[p, p]``.

One-sided bounds: ``side`` is ``"two-sided"`` (default: the equal-tailed ``level`` interval),
``"lower_bound"`` (the one-sided ``level`` lower bound ``L``, the interval ``[L, 1]``: R's
``binom.test(alternative = "greater")`` and scipy's ``binomtest(alternative="greater")``, which
statsmodels' ``proportion_confint`` calls ``"smaller"``) or ``"upper_bound"`` (the upper bound
``U``, the interval ``[0, U]``: R's and scipy's ``alternative="less"``, statsmodels' ``"larger"``).
Each bound is the end of the two-sided interval at ``2 level - 1`` for every equal-tailed method.

References
----------
Korn E.L., Graubard B.I. (1998). Confidence intervals for proportions with small expected number of
positive counts estimated from survey data. *Survey Methodology* 24, 193-201.
Brown L.D., Cai T.T., DasGupta A. (2001). Interval estimation for a binomial proportion.
*Statistical Science* 16(2), 101-133.
Lumley T. (2010). *Complex Surveys*, section 2.4. R package survey, ``svyciprop``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from . import distributions
from .errors import OptionError, check_option
from .profile_likelihood import QuasiBinomialFit, exact_bounds, profile_bounds

__all__ = [
    "BINOMIAL_METHODS",
    "CI_METHODS",
    "SURVEY_METHODS",
    "ConfidenceInterval",
    "LOWER_BOUND",
    "SIDES",
    "TWO_SIDED",
    "UPPER_BOUND",
    "proportion_interval",
    "t_interval",
]

SURVEY_METHODS = ("logit", "likelihood", "asin", "beta", "mean", "xlogit")
BINOMIAL_METHODS = ("wilson", "clopper-pearson", "jeffreys")
CI_METHODS = SURVEY_METHODS + BINOMIAL_METHODS
TWO_SIDED = "two-sided"
#: ``[L, 1]``: R's and scipy's ``alternative="greater"`` (statsmodels' ``"smaller"``)
LOWER_BOUND = "lower_bound"
#: ``[0, U]``: R's and scipy's ``alternative="less"`` (statsmodels' ``"larger"``)
UPPER_BOUND = "upper_bound"
SIDES = (TWO_SIDED, LOWER_BOUND, UPPER_BOUND)


@dataclass(frozen=True)
class ConfidenceInterval:
    """A two-sided confidence interval; ``low``/``high`` are ``None`` when none can be given."""

    low: float | None
    high: float | None
    method: str
    level: float
    note: str | None = None


def check_level(level: float, param: str = "level") -> float:
    """A confidence level strictly between 0 and 1."""
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise OptionError(f"{param} must be a number between 0 and 1; got {level!r}", param=param, value=level)
    if not 0.0 < value < 1.0:
        raise OptionError(f"{param} must be strictly between 0 and 1; got {level!r}", param=param, value=level)
    return value


def _tq(q: float, df: np.ndarray) -> np.ndarray:
    df = np.asarray(df, dtype=np.float64)
    out = np.full(df.shape, np.nan)
    ok = df > 0
    out[ok] = distributions.t_ppf(q, df[ok])
    return out


def _binomial(method: str, x: np.ndarray, n: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Binomial interval for (possibly non-integer) x successes out of n."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "wilson":
            z = distributions.norm_isf(alpha / 2)
            z2 = z * z
            ph = x / n
            denom = 1 + z2 / n
            centre = (ph + z2 / (2 * n)) / denom
            half = z * np.sqrt(ph * (1 - ph) / n + z2 / (4 * n * n)) / denom
            return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
        shift = 0.5 if method == "jeffreys" else 0.0
        a_low = x + shift
        b_low = n - x + (shift if shift else 1.0)
        a_high = x + (shift if shift else 1.0)
        b_high = n - x + shift
        low = np.where(x <= 0, 0.0, distributions.beta_ppf(alpha / 2, np.where(a_low > 0, a_low, 1), np.where(b_low > 0, b_low, 1)))
        high = np.where(x >= n, 1.0, distributions.beta_isf(alpha / 2, np.where(a_high > 0, a_high, 1), np.where(b_high > 0, b_high, 1)))
        return low, high


def proportion_interval(
    method: str,
    p,
    var,
    df,
    level: float = 0.95,
    *,
    n,
    n_rows=None,
    simple: bool = False,
    census: bool = False,
    dispersion=None,
    glm_fit: QuasiBinomialFit | None = None,
    deff=None,
    side: str = TWO_SIDED,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Intervals (two-sided, or one-sided bounds) for proportions, vectorised.

    Parameters
    ----------
    method : str
        One of :data:`CI_METHODS` (checked exactly).
    p, var : array_like
        Estimates and their design-based variances.
    df : array_like of int
        Design degrees of freedom (R's ``degf`` of the domain).
    level : float
        Confidence level, e.g. 0.95.
    n : array_like of int
        Respondents with a value (successes plus failures) in the domain.
    n_rows : array_like of int, optional
        Rows of the domain (R's ``nrow(design)``, used by ``beta``); defaults to ``n``.
    simple : bool
        The design is a simple random sample (binomial methods then use ``x`` and ``n`` directly).
    census : bool
        Every stratum is fully enumerated: no sampling error.
    dispersion : array_like, optional
        ``phi`` of the ``likelihood`` method when ``glm_fit`` is not given; default ``n / (n - 1)``,
        R's dispersion when no value is missing. (With missing values R rescales the weights over
        all rows of the domain before dropping the missing ones, which inflates its ``phi`` to
        ``(sum of the kept weights / mean weight of all rows) / (n - 1)``.)
    glm_fit : QuasiBinomialFit, optional
        For ``likelihood``: R's quasi-binomial fit of each estimate (entries aligned with ``p``),
        from :func:`analysis.profile_likelihood.quasibinomial_fit` on the rows; with it the
        interval ends are R's to about 1e-10. Default: the fit at its optimum from ``p``, ``n``
        and ``dispersion`` (:meth:`QuasiBinomialFit.converged`), within a few 1e-6 of R.
    deff : array_like, optional
        Design effect of the same indicator in the whole sample, used only where ``p`` is 0 or 1
        (the Korn-Graubard effective sample size ``n / deff``; default 1).
    side : str
        ``"two-sided"``, ``"lower_bound"`` (``high`` is 1; R's and scipy's ``alternative="greater"``)
        or ``"upper_bound"`` (``low`` is 0; R's and scipy's ``alternative="less"``); ``level`` is
        then one-sided (see the module docstring).

    Returns
    -------
    low, high : ndarray of float
        Interval ends, NaN only where no interval exists (then ``note`` says why).
    note : ndarray of object
        ``None`` or a short explanation (fallback used, interval cut to [0, 1], no df, ...).

    Examples
    --------
    >>> low, high, note = proportion_interval("wilson", [0.5], [0.0125], [19], n=[20], simple=True)
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.2993, 0.7007)
    >>> low, high, _ = proportion_interval("clopper-pearson", [1.0], [0.0], [19], 0.95, n=[20], simple=True,
    ...                                    side="lower_bound")
    >>> round(float(low[0]), 4), float(high[0])
    (0.8609, 1.0)
    """
    check_option("ci", method, CI_METHODS)
    check_option("side", side, SIDES)
    level = check_level(level)
    if side != TWO_SIDED:
        # a one-sided level bound is the end of the equal-tailed interval at 2 level - 1
        if not level > 0.5:
            raise OptionError(f"a one-sided bound needs a level above 0.5; got {level!r}", param="level", value=level)
        low, high, note = proportion_interval(
            method, p, var, df, 2.0 * level - 1.0, n=n, n_rows=n_rows, simple=simple, census=census,
            dispersion=dispersion, glm_fit=glm_fit, deff=deff)
        if side == LOWER_BOUND:
            high = np.where(np.isnan(low), np.nan, 1.0)
        else:
            low = np.where(np.isnan(high), np.nan, 0.0)
        return low, high, note
    alpha = 1.0 - level
    p = np.atleast_1d(np.asarray(p, dtype=np.float64))
    var = np.broadcast_to(np.asarray(var, dtype=np.float64), p.shape).copy()
    df = np.broadcast_to(np.asarray(df, dtype=np.float64), p.shape)
    n = np.broadcast_to(np.asarray(n, dtype=np.float64), p.shape)
    n_rows = n if n_rows is None else np.broadcast_to(np.asarray(n_rows, dtype=np.float64), p.shape)
    low = np.full(p.shape, np.nan)
    high = np.full(p.shape, np.nan)
    note = np.full(p.shape, None, dtype=object)

    empty = ~(n > 0) | np.isnan(p)
    note[empty] = "no respondents"
    done = empty.copy()

    if census:
        sel = ~done
        low[sel] = p[sel]
        high[sel] = p[sel]
        note[sel] = "census: no sampling error"
        return low, high, note

    # p = 0 or 1: the design variance is 0. A simple random sample keeps its binomial interval
    # with n; otherwise Clopper-Pearson with the Korn-Graubard effective n (whole-sample deff, df)
    edge = ~done & ((p <= 0) | (p >= 1))
    if edge.any() and method in BINOMIAL_METHODS and simple:
        lo, hi = _binomial(method, np.where(p[edge] >= 1, n[edge], 0.0), n[edge], alpha)
        low[edge], high[edge] = lo, hi
        for i in np.flatnonzero(edge):
            note[i] = f"p = {p[i]:g}: {method} interval with n = {int(n[i])}"
        done |= edge
    elif edge.any():
        d_eff = np.ones(p.shape) if deff is None else np.broadcast_to(np.asarray(deff, dtype=np.float64), p.shape)
        d_eff = np.where(np.isfinite(d_eff) & (d_eff > 0), d_eff, 1.0)
        has_df = edge & (df > 0)
        for i in np.flatnonzero(edge & ~has_df):
            note[i] = f"no interval: the design has {int(df[i]) if not np.isnan(df[i]) else 0} degrees of freedom here"
        done |= edge & ~has_df
        if has_df.any():
            e = has_df
            ratio = np.where(n_rows[e] > 1, _tq(alpha / 2, np.maximum(n_rows[e] - 1, 1)) / _tq(alpha / 2, df[e]), 1.0)
            n_star = np.maximum(n[e] / d_eff[e], 1.0) * ratio * ratio
            # survey methods: Clopper-Pearson; a binomial method keeps its own interval (with n*)
            fallback = "clopper-pearson" if method in SURVEY_METHODS else method
            lo, hi = _binomial(fallback, np.where(p[e] >= 1, n_star, 0.0), n_star, alpha)
            low[e], high[e] = lo, hi
            word = "Clopper-Pearson" if fallback == "clopper-pearson" else fallback.capitalize()
            for j, i in enumerate(np.flatnonzero(e)):
                note[i] = (f"p = {p[i]:g}: {word} interval with the Korn-Graubard effective sample size "
                           f"{n_star[j]:.1f} (n = {int(n[i])}, design effect {d_eff[i]:.2f}, df = {int(df[i])})")
            done |= e

    if method in BINOMIAL_METHODS and simple:
        sel = ~done
        x = np.round(p[sel] * n[sel])
        low[sel], high[sel] = _binomial(method, x, n[sel], alpha)
        return low, high, note

    nodf = ~done & ~(df > 0)
    for i in np.flatnonzero(nodf):
        note[i] = f"no interval: the design has {int(df[i]) if not np.isnan(df[i]) else 0} degrees of freedom here"
    done |= nodf

    zero = ~done & ~(var > 0)
    low[zero] = p[zero]
    high[zero] = p[zero]
    for i in np.flatnonzero(zero):
        note[i] = "the design variance is 0: the interval is a point"
    done |= zero

    sel = ~done
    if not sel.any():
        return low, high, note
    ps, vs, dfs = p[sel], var[sel], df[sel]
    qs = 1.0 - ps
    se = np.sqrt(vs)
    t = _tq(1 - alpha / 2, dfs)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if method == "mean":
            lo, hi = ps - t * se, ps + t * se
            cut = (lo < 0) | (hi > 1)
            sub = note[sel]
            sub[cut] = "interval cut to [0, 1]"
            note[sel] = sub
            lo, hi = np.clip(lo, 0, 1), np.clip(hi, 0, 1)
        elif method in ("logit", "xlogit"):
            eta = special.logit(ps)
            h = t * se / (ps * qs)
            lo, hi = special.expit(eta - h), special.expit(eta + h)
        elif method == "asin":
            a = np.arcsin(np.sqrt(ps))
            h = t * se / (2 * np.sqrt(ps * qs))
            lo = np.sin(np.clip(a - h, 0, np.pi / 2)) ** 2
            hi = np.sin(np.clip(a + h, 0, np.pi / 2)) ** 2
        elif method == "likelihood":
            if glm_fit is None:
                phi = None if dispersion is None else np.broadcast_to(np.asarray(dispersion, dtype=np.float64), p.shape)[sel]
                fit = QuasiBinomialFit.converged(ps, n[sel], phi)
            else:
                fit = QuasiBinomialFit(*(np.broadcast_to(np.asarray(a, dtype=np.float64), p.shape)[sel] for a in (
                    glm_fit.beta, glm_fit.info, glm_fit.weight_sum, glm_fit.dispersion, glm_fit.rows)))
            lo, hi = profile_bounds(ps, vs, t, fit)
            # R gives NA where its profile does not reach the cutoff (tiny or extreme samples) and
            # can invert a wiggling spline past p: use the exact likelihood-ratio end there
            bad_lo = ~(lo <= ps)
            bad_hi = ~(hi >= ps)
            if (bad_lo | bad_hi).any():
                mu0 = special.expit(fit.beta)
                se2 = vs / (mu0 * (1.0 - mu0)) ** 2
                ex_lo, ex_hi = exact_bounds(ps, fit.dispersion * t * t * se2 * fit.info / (2.0 * fit.weight_sum))
                lo = np.where(bad_lo, ex_lo, lo)
                hi = np.where(bad_hi, ex_hi, hi)
                sub = note[sel]
                for i in np.flatnonzero(bad_lo | bad_hi):
                    ends = "both ends" if bad_lo[i] and bad_hi[i] else ("lower end" if bad_lo[i] else "upper end")
                    sub[i] = f"{ends} from the exact likelihood ratio: R's profile spline gives none"
                note[sel] = sub
        else:  # beta and the binomial methods on a complex design: Korn-Graubard effective n
            ratio = _tq(alpha / 2, n_rows[sel] - 1) / _tq(alpha / 2, dfs)
            n_eff = ps * qs / vs * ratio * ratio
            if method == "beta":
                lo = distributions.beta_ppf(alpha / 2, n_eff * ps, n_eff * qs + 1)
                hi = distributions.beta_ppf(1 - alpha / 2, n_eff * ps + 1, n_eff * qs)
                # a variance at round-off level (e.g. a share calibrated to its own margin)
                huge = n_eff > 1e15
                lo = np.where(huge, ps, lo)
                hi = np.where(huge, ps, hi)
            else:
                lo, hi = _binomial(method, n_eff * ps, n_eff, alpha)
                sub = note[sel]
                sub[:] = "binomial interval with the Korn-Graubard effective sample size"
                note[sel] = sub
    bad = (np.isnan(lo) | np.isnan(hi)) & ~np.array([str(x).startswith("no interval") for x in note[sel]], dtype=bool)
    if bad.any():
        sub = note[sel]
        sub[bad] = "no interval: too few rows for this method"
        note[sel] = sub
    low[sel], high[sel] = lo, hi
    return low, high, note


def t_interval(estimate, se, df, level: float = 0.95, *, side: str = TWO_SIDED) -> tuple[np.ndarray, np.ndarray]:
    """``estimate +/- t_{df}(1 - alpha/2) se`` (R's ``confint(svymean(...), df = degf(design))``).

    ``side="lower_bound"``: ``(estimate - t_{df}(1 - alpha) se, inf)`` (R's and scipy's
    ``alternative="greater"``); ``"upper_bound"``: ``(-inf, estimate + t_{df}(1 - alpha) se)``
    (``alternative="less"``), as in :func:`proportion_interval`."""
    level = check_level(level)
    check_option("side", side, SIDES)
    est = np.atleast_1d(np.asarray(estimate, dtype=np.float64))
    se = np.broadcast_to(np.asarray(se, dtype=np.float64), est.shape)
    tail = (1 - level) / 2 if side == TWO_SIDED else 1 - level
    t = _tq(1 - tail, np.broadcast_to(np.asarray(df, dtype=np.float64), est.shape))
    low, high = est - t * se, est + t * se
    if side == LOWER_BOUND:
        high = np.where(np.isnan(low), np.nan, np.inf)
    elif side == UPPER_BOUND:
        low = np.where(np.isnan(high), np.nan, -np.inf)
    return low, high
