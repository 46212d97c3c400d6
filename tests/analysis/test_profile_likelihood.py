"""R's profile-likelihood interval, piece by piece, against numbers printed by R (r_results.py).

The ``numerics/*`` entries of tests/analysis/reference/r_results.py hold R's ``spline()`` /
``approx()`` on a fixed data set and, for three designs, the profile that
``survey:::MASSprofile_glm`` computes inside ``svyciprop(method = "likelihood")`` (grid, signed
roots, IRLS details). End-to-end agreement of the intervals is in test_r_reference.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.intervals import _tq, proportion_interval
from analysis.profile_likelihood import (
    QuasiBinomialFit,
    approx_linear,
    exact_bounds,
    fmm_spline,
    profile_bounds,
    profile_points,
    quasibinomial_fit,
    spline_eval,
    spline_table,
)

from .conftest import design, load_results

CASES = load_results().CASES


def _arr(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


@pytest.mark.parametrize("k", [9, 4, 3])
def test_spline_and_approx_match_r(k):
    # R: sp <- spline(sx[1:k], sy[1:k]); approx(sp$y, sp$x, xout = c(-1.5, 0.2, 2.2, 40))
    case = CASES[f"numerics/spline/{k}"]
    x, y = _arr(case["x"])[None, :], _arr(case["y"])[None, :]
    sx, sy = spline_table(x, y)
    np.testing.assert_array_equal(sx[0], _arr(case["spline_x"]))  # seq.int(xmin, xmax, length.out = 3k)
    np.testing.assert_allclose(sy[0], _arr(case["spline_y"]), rtol=0, atol=1e-14)
    got = approx_linear(sy, sx, _arr(case["approx_at"])[None, :])[0]
    want = _arr(case["approx_y"])
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got[~np.isnan(want)], want[~np.isnan(want)], rtol=0, atol=1e-14)


def test_fmm_spline_reproduces_cubics_and_is_twice_differentiable():
    # the FMM end conditions take the third derivatives of the end cubics: a cubic is reproduced
    rng = np.random.default_rng(7)
    x = np.sort(rng.uniform(-3, 3, size=(5, 11)), axis=1)
    a = rng.normal(size=(5, 4))
    cubic = lambda u: a[:, :1] + a[:, 1:2] * u + a[:, 2:3] * u**2 + a[:, 3:4] * u**3  # noqa: E731
    b, c, d = fmm_spline(x, cubic(x))
    u = np.sort(rng.uniform(x[:, :1], x[:, -1:], size=(5, 50)), axis=1)
    np.testing.assert_allclose(spline_eval(x, cubic(x), b, c, d, u), cubic(u), rtol=1e-11, atol=1e-11)
    # any data: value, slope and curvature agree where the pieces meet
    y = rng.normal(size=x.shape)
    b, c, d = fmm_spline(x, y)
    h = np.diff(x, axis=1)
    left = y[:, :-1] + h * (b[:, :-1] + h * (c[:, :-1] + h * d[:, :-1]))
    np.testing.assert_allclose(left, y[:, 1:], atol=1e-9)
    np.testing.assert_allclose(b[:, :-1] + h * (2 * c[:, :-1] + 3 * h * d[:, :-1]), b[:, 1:], atol=1e-8)
    np.testing.assert_allclose(c[:, :-1] + 3 * h * d[:, :-1], c[:, 1:], atol=1e-8)


def test_approx_collapses_ties_to_their_mean():
    # R: approx(c(0, 1, 1, 2), c(0, 1, 3, 4), xout = c(0.5, 1, 1.5))$y is 1, 2, 3
    got = approx_linear(np.array([[0.0, 1.0, 1.0, 2.0]]), np.array([[0.0, 1.0, 3.0, 4.0]]), np.array([[0.5, 1.0, 1.5]]))
    np.testing.assert_allclose(got, [[1.0, 2.0, 3.0]])


PROFILED = [("dstrat", "sch_wide"), ("dclus1wr", "acs_gt20"), ("dtownsrs", "knowledge")]


@pytest.mark.parametrize("name,var", PROFILED)
def test_glm_fit_and_profile_match_r(name, var):
    # R: survey:::MASSprofile_glm on svyglm(var ~ 1, design, family = quasibinomial), see r_results.py
    case = CASES[f"numerics/profile/{name}/{var}"]
    d = design(name, "fail")
    t = d.proportion(var)
    fit = quasibinomial_fit(d.data[var].to_numpy(dtype=float), d.weights)
    assert fit.beta[0] == pytest.approx(case["coef"][0], rel=1e-14)
    assert fit.info[0] == pytest.approx(case["naive_info"][0], rel=1e-13)  # one IRLS step behind
    assert fit.dispersion[0] == pytest.approx(case["dispersion"][0], rel=1e-13)
    p, v, df = float(t["estimate"][0]), float(t["se"][0]) ** 2, float(t["df"][0])
    beta, z = profile_points(np.array([p]), np.array([v]), _tq(0.975, np.array([df])), fit)[0]
    np.testing.assert_allclose(beta, case["beta"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(z, case["z"], rtol=0, atol=1e-9)
    lo, hi, _ = proportion_interval("likelihood", [p], [v], [df], n=t["n"], glm_fit=fit)
    assert lo[0] == pytest.approx(case["ci"][0], abs=1e-10)
    assert hi[0] == pytest.approx(case["ci"][1], abs=1e-10)


def test_quasibinomial_fit_by_domain_equals_fit_of_each_domain():
    d = design("dclus1")
    y = d.data["acs_gt20"].to_numpy(dtype=float)
    codes = d.data["stype"].map({"E": 0, "H": 1, "M": 2}).to_numpy()
    together = quasibinomial_fit(y, d.weights, codes, 3)
    for k in range(3):
        alone = quasibinomial_fit(y[codes == k], d.weights[codes == k])
        for field in ("beta", "info", "weight_sum", "dispersion", "rows"):
            assert getattr(together, field)[k] == pytest.approx(getattr(alone, field)[0], rel=1e-13, nan_ok=True)


def test_converged_fit_is_the_optimum():
    fit = QuasiBinomialFit.converged(np.array([0.25]), np.array([40.0]))
    assert fit.beta[0] == pytest.approx(np.log(1 / 3))
    assert fit.weight_sum[0] == 40.0 and fit.dispersion[0] == pytest.approx(40 / 39)
    assert fit.info[0] == pytest.approx(40 * 0.25 * 0.75)


def test_r_interpolation_stays_near_the_exact_likelihood_ratio_interval():
    # R's spline on the coarse grid approximates the exact ends KL(p || mu) = phi t^2 v / (2 p q)
    rng = np.random.default_rng(11)
    m = 400
    p = rng.uniform(0.02, 0.98, m)
    n = rng.integers(20, 2000, m).astype(float)
    deff = rng.uniform(0.5, 4.0, m)
    v = deff * p * (1 - p) / n
    t = _tq(0.975, rng.integers(5, 200, m).astype(float))
    fit = QuasiBinomialFit.converged(p, n)
    lo, hi = profile_bounds(p, v, t, fit)
    elo, ehi = exact_bounds(p, fit.dispersion * t * t * v / (2 * p * (1 - p)))
    assert np.all((lo < p) & (p < hi))
    assert np.max(np.abs(lo - elo)) < 2e-3 and np.max(np.abs(hi - ehi)) < 2e-3
    assert np.median(np.abs(lo - elo)) < 1e-4


def test_where_r_gives_no_end_the_exact_end_is_used_and_said():
    # R: svyciprop(~y, svydesign(id = ~psu, strata = ~h, weights = ~w, data = df), method = "likelihood")
    # gives NA, NA: its profile flattens where the logit link is held beyond +/-30 and never reaches
    # the cutoff (two rows, 1 degree of freedom)
    y, w = np.array([1.0, 0.0]), np.array([0.5, 1.0])
    fit = quasibinomial_fit(y, w)
    p, v, t = np.array([1 / 3]), np.array([1 / 9]), _tq(0.975, np.array([1.0]))
    lo, hi = profile_bounds(p, v, t, fit)
    assert np.isnan(lo[0]) and np.isnan(hi[0])
    lo, hi, note = proportion_interval("likelihood", p, v, [1], n=[2], glm_fit=fit)
    assert 0.0 <= lo[0] < 1 / 3 < hi[0] <= 1.0
    assert "both ends from the exact likelihood ratio" in note[0]
