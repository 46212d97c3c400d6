"""R's profile-likelihood interval for a proportion (``svyciprop(method = "likelihood")``), step by step.

R's survey package fits the intercept-only quasi-binomial model ``svyglm(y ~ 1, family =
quasibinomial)`` and profiles its intercept ``beta`` (survey's copy of MASS's ``profile.glm`` and
``confint.profile.glm``, with Rao-Scott scaling). For an estimate ``p`` (``q = 1 - p``) with
design-based variance ``v``, design degrees of freedom ``df``, ``n`` respondents, Pearson
dispersion ``phi`` and ``S = phi (n - 1)`` the sum of the model's rescaled weights
(``S = n`` without missing values):

1. ``beta_0 = logit(p)``, its design-based standard error ``s = sqrt(v) / (p q)``, the design
   effect of the coefficient ``lambda = v S / (p q)`` (``cov.unscaled / naive.cov``) and the
   scaled tail ``a = Phi(-t sqrt(lambda)) / 2``, ``t = t_{df}(1 - alpha/2)``. R takes these from
   its IRLS fit (:class:`QuasiBinomialFit`): ``beta_0`` and the ``mu = expit(beta_0)`` in ``s``
   agree with ``p`` to about 1e-9, but ``naive.cov`` is ``1 / (S mu' (1 - mu'))`` at the iterate
   before the last, which moves ``lambda`` by up to about 1e-4 relative.
2. The grid: ``zmax = sqrt(F_{1, n-1}^{-1}(1 - a))``, ``delta = zmax / 5``, and on each side
   ``beta_k = beta_0 +/- k delta s`` for ``k = 1, 2, ...`` while ``k < 10`` and the previous
   ``|z|`` is below ``zmax``.
3. The signed root of the scaled deviance at each grid point,
   ``z_k = sign(beta_k - beta_0) sqrt(2 S KL(p || expit(beta_k)) / phi)``, where
   ``KL(p || mu) = p log(p / mu) + q log(q / (1 - mu))`` is the binomial deviance per unit weight
   (the deviance at ``beta_0`` is the minimum, so it drops out), together with ``z_0 = 0``. As in
   R, ``expit`` is held at ``eps / (1 + eps)`` below ``-30`` and at ``1 / (1 + eps)`` above ``30``.
4. ``spline(beta, z)``: the Forsythe-Malcolm-Moler cubic spline through the points, evaluated at
   ``3 K`` equally spaced ``beta`` (``K`` the number of points), and ``approx``: the linear
   interpolation of that table inverted, at the cutoffs ``-/+ Phi^{-1}(2 a) = -/+ t sqrt(lambda)``.
   An end outside the profiled range is missing (``approx`` with ``rule = 1``).
5. The interval is ``expit`` of the two ``beta`` found.

The exact ends solve ``KL(p || mu) = phi t^2 v / (2 p q)`` (:func:`exact_bounds`); R's spline
and linear interpolation differ from them by up to a few 1e-4.

References
----------
Rao J.N.K., Scott A.J. (1984). On chi-squared tests for multiway contingency tables with cell
proportions estimated from survey data. *Annals of Statistics* 12(1), 46-60.
Venables W.N., Ripley B.D. (2002). *Modern Applied Statistics with S*, 4th ed., section 8.4
(``profile.glm``, ``confint.profile.glm``). Lumley T. (2010). *Complex Surveys*, section 2.4.
Forsythe G.E., Malcolm M.A., Moler C.B. (1977). *Computer Methods for Mathematical
Computations*, section 4.4 (the spline of R's ``spline(method = "fmm")``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from . import distributions

__all__ = [
    "GLM_EPSILON",
    "GLM_MAXIT",
    "MAX_STEPS",
    "QuasiBinomialFit",
    "approx_linear",
    "exact_bounds",
    "fmm_spline",
    "profile_bounds",
    "profile_points",
    "quasibinomial_fit",
    "spline_eval",
    "spline_table",
]

#: ``maxsteps`` of R's ``profile.glm``: at most ``MAX_STEPS - 1`` grid points on each side.
MAX_STEPS = 10
#: ``glm.control()`` defaults used by ``svyglm``: relative deviance change and iteration limit.
GLM_EPSILON = 1e-8
GLM_MAXIT = 25
_THRESH = 30.0  # THRESH / MTHRESH of R's logit link (stats/src/family.c)
_LOG_EPS = float(np.log(np.finfo(np.float64).eps))


@dataclass(frozen=True)
class QuasiBinomialFit:
    """What R's IRLS fit of ``svyglm(y ~ 1, family = quasibinomial)`` leaves, one entry per estimate.

    Attributes
    ----------
    beta : ndarray
        The fitted intercept (``coef``), equal to ``logit(p)`` up to the IRLS tolerance.
    info : ndarray
        Sum of the working weights of the last IRLS step, ``1 / naive.cov``. The step's weights are
        those of the *previous* iterate, so this is ``S mu' (1 - mu')`` rather than ``S p q``.
    weight_sum : ndarray
        ``S``, the sum of the model's prior weights (design weights over their mean in the domain).
    dispersion : ndarray
        ``summary.svyglm``'s dispersion: ``svyvar`` of the Pearson residuals.
    rows : ndarray
        Rows of the model frame (``NROW(Y)``), the denominator degrees of freedom plus one.
    """

    beta: np.ndarray
    info: np.ndarray
    weight_sum: np.ndarray
    dispersion: np.ndarray
    rows: np.ndarray

    FIELDS = ("beta", "info", "weight_sum", "dispersion", "rows")

    def take(self, index: int) -> "QuasiBinomialFit":
        """The entry of one estimate, as a fit of length one."""
        return QuasiBinomialFit(*(np.asarray(getattr(self, name), dtype=np.float64)[index : index + 1] for name in self.FIELDS))

    @classmethod
    def converged(cls, p: np.ndarray, n: np.ndarray, dispersion: np.ndarray | None = None) -> "QuasiBinomialFit":
        """The fit at its exact optimum from aggregates: ``beta = logit(p)``, ``info = S p q``.

        ``S = phi (n - 1)`` with ``phi = n / (n - 1)`` unless ``dispersion`` is given. R's own fit
        stops one IRLS step short of this optimum, which moves its interval ends by up to a few
        1e-6; :func:`quasibinomial_fit` reproduces that step from the rows.
        """
        p, n = np.broadcast_arrays(np.asarray(p, dtype=np.float64), np.asarray(n, dtype=np.float64))
        with np.errstate(invalid="ignore", divide="ignore"):
            phi = n / (n - 1.0) if dispersion is None else np.broadcast_to(np.asarray(dispersion, dtype=np.float64), p.shape)
            s = phi * (n - 1.0)
            return cls(special.logit(p), s * p * (1.0 - p), s, phi, n)


def quasibinomial_fit(y: np.ndarray, w: np.ndarray, domain: np.ndarray | None = None, n_domains: int = 1) -> QuasiBinomialFit:
    """Replay R's ``svyglm(y ~ 1, design, family = quasibinomial)`` on each domain (vectorised).

    As ``svyglm`` (``rescale = TRUE``) on the domain's subset of a design that is not calibrated:
    prior weights ``W_i = w_i / wbar`` with ``wbar`` the mean weight of the domain's rows (rows
    without a value included, before ``glm`` drops them), ``S = sum W_i`` over the rows with a
    value. ``glm.fit`` starts from ``mu_i = (W_i y_i + 1/2) / (W_i + 1)`` and iterates
    ``beta <- beta + (p - mu) / (mu (1 - mu))`` (after a first weighted step from the rowwise start)
    until the deviance ``D = 2 S (-p log mu - q log(1 - mu))`` changes by less than
    ``1e-8 (|D| + 0.1)``. The dispersion is ``svyvar`` of the Pearson residuals
    ``(y_i - mu) sqrt(W_i / W'_i) / sqrt(mu (1 - mu))`` (``W'`` the weights rescaled after dropping
    missing values), which works out to ``n / (n - 1) (wbar' / wbar) p q / (mu (1 - mu))``.

    Parameters
    ----------
    y : ndarray
        0/1 values, NaN where missing.
    w : ndarray
        Design weights (positive).
    domain : ndarray of int, optional
        Domain code of each row in ``0 .. n_domains - 1``, negative outside every domain; default:
        one domain holding every row.
    n_domains : int
        Number of domains.

    Returns
    -------
    QuasiBinomialFit
        One entry per domain (NaN where the domain has no value or ``p`` is 0 or 1).

    References
    ----------
    R Core Team, ``stats::glm.fit``; Lumley T., R package survey, ``svyglm``, ``summary.svyglm``,
    ``residuals.svyglm``.
    """
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    dom = np.zeros(y.shape, dtype=np.int64) if domain is None else np.asarray(domain, dtype=np.int64)
    inside = dom >= 0
    slot = np.where(inside, dom, n_domains)
    kept = inside & ~np.isnan(y)

    def dsum(values: np.ndarray) -> np.ndarray:
        return np.bincount(slot, weights=values, minlength=n_domains + 1)[:n_domains]

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        n_rows = dsum(inside.astype(np.float64))
        n = dsum(kept.astype(np.float64))
        wbar = dsum(np.where(inside, w, 0.0)) / n_rows
        wbar_kept = dsum(np.where(kept, w, 0.0)) / n
        W = np.where(kept, w / np.append(wbar, 1.0)[slot], 0.0)
        y0 = np.where(kept, y, 0.0)
        s = dsum(W)
        p = dsum(W * y0) / s
        q = 1.0 - p
        # iteration 1, from glm.fit's rowwise start (binomial initialize)
        m = (W * y0 + 0.5) / (W + 1.0)
        eta = special.logit(m)
        mu = special.expit(eta)
        mu_eta = mu * (1.0 - mu)
        dev_start = dsum(np.where(kept, 2.0 * W * (y0 * -np.log(mu) + (1.0 - y0) * -np.log1p(-mu)), 0.0))
        ww = np.where(kept, W * mu_eta, 0.0)
        info = dsum(ww)
        beta = dsum(ww * np.where(kept, eta + (y0 - mu) / mu_eta, 0.0)) / info
        devold = dev_start
        active = np.isfinite(beta) & (p > 0) & (p < 1)
        for _ in range(GLM_MAXIT):
            mu_d = special.expit(beta)
            dev = 2.0 * s * (-p * np.log(mu_d) - q * np.log1p(-mu_d))
            done = np.abs(dev - devold) / (0.1 + np.abs(dev)) < GLM_EPSILON
            active &= ~done
            if not active.any():
                break
            devold = np.where(active, dev, devold)
            step_info = s * mu_d * (1.0 - mu_d)
            info = np.where(active, step_info, info)
            beta = np.where(active, beta + (p - mu_d) / (mu_d * (1.0 - mu_d)), beta)
        mu_d = special.expit(beta)
        phi = n / (n - 1.0) * (wbar_kept / wbar) * p * q / (mu_d * (1.0 - mu_d))
        bad = ~((p > 0) & (p < 1) & (n > 1))
        out = [np.where(bad, np.nan, a) for a in (beta, info, s, phi)]
    return QuasiBinomialFit(*out, rows=n)


def _kl(p: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """Binomial Kullback-Leibler divergence ``KL(p || expit(eta))`` for ``0 < p < 1`` (broadcasts)."""
    q = 1.0 - p
    return p * np.log(p) + q * np.log(q) + p * np.logaddexp(0.0, -eta) + q * np.logaddexp(0.0, eta)


def _r_eta(eta: np.ndarray) -> np.ndarray:
    """``eta`` as R's logit ``linkinv`` sees it: beyond +/-30 the mean is held at ``eps / (1 + eps)``
    (``eps`` the machine epsilon) or ``1 / (1 + eps)``, so the deviance stops growing there."""
    return np.where(eta < -_THRESH, _LOG_EPS, np.where(eta > _THRESH, -_LOG_EPS, eta))


def exact_bounds(p: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two solutions of ``KL(p || mu) = c``, one on each side of ``p``, to full precision.

    Bisection in logit space (110 halvings of a bracket of width 80). With
    ``c = phi t^2 v / (2 p q)`` these are the exact ends of the Rao-Scott likelihood interval that
    :func:`profile_bounds` approximates as R does.

    Parameters
    ----------
    p : ndarray
        Proportions strictly between 0 and 1.
    c : ndarray
        Positive thresholds, broadcast against ``p``.

    Returns
    -------
    low, high : ndarray
    """
    p, c = np.broadcast_arrays(np.asarray(p, dtype=np.float64), np.asarray(c, dtype=np.float64))
    eta0 = special.logit(p)
    span = 80.0
    lo_a, lo_b = eta0 - span, eta0.copy()  # KL(lo_a) >= c > KL(lo_b) = 0
    hi_a, hi_b = eta0.copy(), eta0 + span
    for _ in range(110):
        mid = 0.5 * (lo_a + lo_b)
        big = _kl(p, mid) > c
        lo_a = np.where(big, mid, lo_a)
        lo_b = np.where(big, lo_b, mid)
        mid = 0.5 * (hi_a + hi_b)
        big = _kl(p, mid) > c
        hi_b = np.where(big, mid, hi_b)
        hi_a = np.where(big, hi_a, mid)
    return special.expit(0.5 * (lo_a + lo_b)), special.expit(0.5 * (hi_a + hi_b))


def fmm_spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients of the Forsythe-Malcolm-Moler interpolating cubic spline, row by row.

    On ``[x_i, x_{i+1}]`` the spline is ``y_i + b_i u + c_i u^2 + d_i u^3`` with ``u = x - x_i``.
    The end conditions match the third derivative at each end to that of the cubic through the
    four points nearest that end (R's ``spline(method = "fmm")``, C routine ``fmm_spline`` of
    ``stats/src/splines.c``, whose elimination order this follows; with three points those
    conditions are replaced by zero third-derivative differences, with two the spline is linear).

    Parameters
    ----------
    x : ndarray, shape (m, K)
        Strictly increasing knots of each row.
    y : ndarray, shape (m, K)
        Values at the knots.

    Returns
    -------
    b, c, d : ndarray, shape (m, K)
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    m, n = x.shape
    b = np.zeros((m, n))
    c = np.zeros((m, n))
    d = np.zeros((m, n))
    if n < 2:
        raise ValueError("a spline needs at least two points")
    if n == 2:
        b[:, 0] = b[:, 1] = (y[:, 1] - y[:, 0]) / (x[:, 1] - x[:, 0])
        return b, c, d
    # tridiagonal system: b the diagonal, d the off-diagonal, c the right-hand side (0-based)
    d[:, 0] = x[:, 1] - x[:, 0]
    c[:, 1] = (y[:, 1] - y[:, 0]) / d[:, 0]
    for i in range(1, n - 1):
        d[:, i] = x[:, i + 1] - x[:, i]
        b[:, i] = 2.0 * (d[:, i - 1] + d[:, i])
        c[:, i + 1] = (y[:, i + 1] - y[:, i]) / d[:, i]
        c[:, i] = c[:, i + 1] - c[:, i]
    # end conditions: third derivatives from divided differences
    b[:, 0] = -d[:, 0]
    b[:, n - 1] = -d[:, n - 2]
    c[:, 0] = 0.0
    c[:, n - 1] = 0.0
    if n > 3:
        c0 = c[:, 2] / (x[:, 3] - x[:, 1]) - c[:, 1] / (x[:, 2] - x[:, 0])
        cn = c[:, n - 2] / (x[:, n - 1] - x[:, n - 3]) - c[:, n - 3] / (x[:, n - 2] - x[:, n - 4])
        c[:, 0] = c0 * d[:, 0] * d[:, 0] / (x[:, 3] - x[:, 0])
        c[:, n - 1] = -cn * d[:, n - 2] * d[:, n - 2] / (x[:, n - 1] - x[:, n - 4])
    # Gaussian elimination
    for i in range(1, n):
        t = d[:, i - 1] / b[:, i - 1]
        b[:, i] = b[:, i] - t * d[:, i - 1]
        c[:, i] = c[:, i] - t * c[:, i - 1]
    # backward substitution: c holds sigma_i
    c[:, n - 1] = c[:, n - 1] / b[:, n - 1]
    for i in range(n - 2, -1, -1):
        c[:, i] = (c[:, i] - d[:, i] * c[:, i + 1]) / b[:, i]
    # polynomial coefficients
    b[:, n - 1] = (y[:, n - 1] - y[:, n - 2]) / d[:, n - 2] + d[:, n - 2] * (c[:, n - 2] + 2.0 * c[:, n - 1])
    h = d[:, : n - 1].copy()
    b[:, : n - 1] = (y[:, 1:] - y[:, :-1]) / h - h * (c[:, 1:] + 2.0 * c[:, :-1])
    d[:, : n - 1] = (c[:, 1:] - c[:, :-1]) / h
    c *= 3.0
    d[:, n - 1] = d[:, n - 2]
    return b, c, d


def spline_eval(x: np.ndarray, y: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Evaluate the splines of :func:`fmm_spline` at ``u`` (shape (m, L)), row by row.

    The piece used for ``u`` is the last knot ``x_i <= u`` (kept to the pieces ``0 .. K-2``), as
    R's ``spline_eval``: ``y_i + du (b_i + du (c_i + du d_i))`` with ``du = u - x_i``.
    """
    n = x.shape[1]
    i = np.sum(x[:, None, :] <= u[:, :, None], axis=2) - 1
    i = np.clip(i, 0, n - 2)
    take = lambda a: np.take_along_axis(a, i, axis=1)  # noqa: E731
    du = u - take(x)
    return take(y) + du * (take(b) + du * (take(c) + du * take(d)))


def spline_table(x: np.ndarray, y: np.ndarray, n_out: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """R's ``spline(x, y)`` with its defaults: the fmm spline at ``3 K`` equally spaced points.

    The points are ``x_min + j (x_max - x_min) / (n_out - 1)``, ``j = 0 .. n_out - 2``, and
    ``x_max`` itself (R's ``seq.int(xmin, xmax, length.out = n)``).

    Parameters
    ----------
    x, y : ndarray, shape (m, K)
        Increasing knots and values, one spline per row.
    n_out : int, optional
        Number of output points, ``3 K`` by default.

    Returns
    -------
    xout, yout : ndarray, shape (m, n_out)
    """
    n_out = 3 * x.shape[1] if n_out is None else n_out
    lo, hi = x[:, :1], x[:, -1:]
    step = (hi - lo) / (n_out - 1)
    xout = lo + np.arange(n_out, dtype=np.float64)[None, :] * step
    xout[:, -1] = hi[:, 0]
    return xout, spline_eval(x, y, *fmm_spline(x, y), xout)


def approx_linear(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """R's ``approx(x, y, xout)$y`` (linear, ``rule = 1``, ties by their mean), row by row.

    Each row's pairs are ordered by ``x`` (stable); values outside ``[min x, max x]`` give NaN.
    For ``x_i <= v <= x_{i+1}`` the result is ``y_i + (y_{i+1} - y_i) (v - x_i) / (x_{i+1} - x_i)``.

    Parameters
    ----------
    x, y : ndarray, shape (m, L)
    xout : ndarray, shape (m, J)

    Returns
    -------
    ndarray, shape (m, J)
    """
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ys = np.take_along_axis(y, order, axis=1)
    out = np.full(xout.shape, np.nan)
    tied = np.any(np.diff(xs, axis=1) == 0, axis=1)
    for r in np.flatnonzero(tied):  # collapse ties to their mean, as R's regularize.values
        ux, inv = np.unique(xs[r], return_inverse=True)
        uy = np.bincount(inv, weights=ys[r]) / np.bincount(inv)
        out[r] = _approx_row(ux[None, :], uy[None, :], xout[r][None, :])[0]
    ok = ~tied
    if ok.any():
        out[ok] = _approx_row(xs[ok], ys[ok], xout[ok])
    return out


def _approx_row(xs: np.ndarray, ys: np.ndarray, v: np.ndarray) -> np.ndarray:
    n = xs.shape[1]
    if n < 2:
        return np.where(v == xs[:, :1], ys[:, :1], np.nan)
    i = np.clip(np.sum(xs[:, None, :] <= v[:, :, None], axis=2) - 1, 0, n - 2)
    x0 = np.take_along_axis(xs, i, axis=1)
    x1 = np.take_along_axis(xs, i + 1, axis=1)
    y0 = np.take_along_axis(ys, i, axis=1)
    y1 = np.take_along_axis(ys, i + 1, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(v == x1, y1, np.where(v == x0, y0, y0 + (y1 - y0) * ((v - x0) / (x1 - x0))))
    outside = (v < xs[:, :1]) | (v > xs[:, -1:]) | np.isnan(v)
    return np.where(outside, np.nan, out)


def profile_bounds(p: np.ndarray, var: np.ndarray, t: np.ndarray, fit: QuasiBinomialFit) -> tuple[np.ndarray, np.ndarray]:
    """Ends of R's profile-likelihood interval (the algorithm of the module notes), vectorised.

    Parameters
    ----------
    p : ndarray
        Proportions strictly between 0 and 1.
    var : ndarray
        Their design-based variances (positive).
    t : ndarray
        ``t_{df}(1 - alpha/2)`` on the design degrees of freedom.
    fit : QuasiBinomialFit
        The model fit of each estimate: :func:`quasibinomial_fit` from the rows (R's numbers), or
        :meth:`QuasiBinomialFit.converged` from ``p`` and ``n``.

    Returns
    -------
    low, high : ndarray
        Interval ends for the proportion; NaN where the profile does not reach the cutoff.

    Examples
    --------
    >>> fit = QuasiBinomialFit.converged(np.array([0.3]), np.array([100.0]))
    >>> lo, hi = profile_bounds(np.array([0.3]), np.array([0.002]), np.array([2.0]), fit)
    >>> bool(lo[0] < 0.3 < hi[0])
    True
    """
    (b_lo, z_lo, t_lo), (b_hi, z_hi, t_hi), beta0, cut = _grid(p, var, t, fit)
    p = np.broadcast_to(np.atleast_1d(np.asarray(p, dtype=np.float64)), beta0.shape)
    n_lo, n_hi = t_lo.sum(axis=1), t_hi.sum(axis=1)
    low = np.full(p.shape, np.nan)
    high = np.full(p.shape, np.nan)
    for a, b in {(int(i), int(j)) for i, j in zip(n_lo, n_hi)}:
        rows_ab = np.flatnonzero((n_lo == a) & (n_hi == b))
        xs = np.concatenate([b_lo[rows_ab, :a][:, ::-1], beta0[rows_ab, None], b_hi[rows_ab, :b]], axis=1)
        zs = np.concatenate([z_lo[rows_ab, :a][:, ::-1], np.zeros((len(rows_ab), 1)), z_hi[rows_ab, :b]], axis=1)
        sx, sy = spline_table(xs, zs)
        ends = approx_linear(sy, sx, np.stack([cut[rows_ab], -cut[rows_ab]], axis=1))
        low[rows_ab], high[rows_ab] = special.expit(ends[:, 0]), special.expit(ends[:, 1])
    return low, high


def _grid(p: np.ndarray, var: np.ndarray, t: np.ndarray, fit: QuasiBinomialFit):
    """Grid points and signed roots of each side, the steps taken, ``beta_0`` and the lower cutoff."""
    p, var, t, beta0, info, weight_sum, phi, rows = (
        np.asarray(a, dtype=np.float64)
        for a in np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=np.float64)) for x in (
            p, var, t, fit.beta, fit.info, fit.weight_sum, fit.dispersion, fit.rows)))
    )
    # svy.varcoef: design variance of W (y - mu) over (S mu (1 - mu))^2 at the fitted mu; the
    # numerator is v S^2 up to mu - p (about 1e-10 here)
    mu0 = special.expit(beta0)
    se = np.sqrt(var) / (mu0 * (1.0 - mu0))
    lam = se * se * info  # cov.unscaled / naive.cov
    tail = special.ndtr(-t * np.sqrt(lam)) / 2.0  # confint.svyglm's alpha
    # sqrt(qf(tail, 1, rows - 1, lower.tail = FALSE)): the F(1, m) quantile is a squared t_m
    # quantile, which scipy gives to full precision far in the tail (its F quantile does not)
    zmax = distributions.t_isf(tail / 2.0, rows - 1.0)
    step = zmax / 5.0 * se
    kl0 = _kl(p, beta0)
    k = np.arange(1, MAX_STEPS, dtype=np.float64)
    sides = []
    for sgn in (-1.0, 1.0):
        beta = beta0[:, None] + sgn * k[None, :] * step[:, None]
        zz = 2.0 * weight_sum[:, None] * (_kl(p[:, None], _r_eta(beta)) - kl0[:, None]) / phi[:, None]
        z = sgn * np.sqrt(np.maximum(zz, 0.0))
        # step k is taken while the previous |z| is below zmax (z_0 = 0)
        below = np.abs(z) < zmax[:, None]
        taken = np.ones_like(below)
        taken[:, 1:] = np.cumprod(below[:, :-1], axis=1).astype(bool)
        sides.append((beta, z, taken))
    cut = special.ndtri(2.0 * tail)  # qnorm(unscaled_level); the upper cutoff is its negative
    return sides[0], sides[1], beta0, cut


def profile_points(p: np.ndarray, var: np.ndarray, t: np.ndarray, fit: QuasiBinomialFit) -> list[tuple[np.ndarray, np.ndarray]]:
    """The profile R interpolates, per estimate: ``(beta, z)`` in increasing order, ``z = 0`` at ``beta_0``.

    Same inputs as :func:`profile_bounds` (whose steps 1-3 these are); for inspection and tests.
    """
    (b_lo, z_lo, t_lo), (b_hi, z_hi, t_hi), beta0, _ = _grid(p, var, t, fit)
    out = []
    for i in range(len(beta0)):
        a, b = int(t_lo[i].sum()), int(t_hi[i].sum())
        out.append((np.concatenate([b_lo[i, :a][::-1], beta0[i : i + 1], b_hi[i, :b]]),
                    np.concatenate([z_lo[i, :a][::-1], [0.0], z_hi[i, :b]])))
    return out
