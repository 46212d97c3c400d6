"""Sample sizes checked against independent references.

References used here:
- statsmodels 0.15 ``samplesize_confint_proportion`` (Wald n0), ``proportion_confint`` (Wilson and
  Clopper-Pearson intervals), ``binom_test_reject_interval`` (critical count of the exact test).
- scipy ``stats.binomtest`` (exact one-sided p-values) and ``stats.binom``.
- Lwanga SK, Lemeshow S. Sample size determination in health studies. WHO 1991, Table 1
  (estimating a proportion with absolute precision d at 95%): p = .5, d = .05 -> 384;
  p = .5, d = .10 -> 96; and METHODS.md: +/-5 points at p = .85 -> 196.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import (
    binom_test_reject_interval,
    proportion_confint,
    samplesize_confint_proportion,
)

from sampling import InputError, domain_sample_sizes, sample_size
from sampling.sample_size import (
    adjust,
    clopper_pearson_half_width,
    critical_counts,
    exact_threshold_search,
    normal_threshold_n0,
    wald_margin_n0,
    wilson_half_width,
)


# --- precision -----------------------------------------------------------------------------

@pytest.mark.parametrize("p, e, level", [(0.5, 0.05, 0.95), (0.85, 0.05, 0.95), (0.9, 0.03, 0.9), (0.2, 0.1, 0.99)])
def test_wald_n0_equals_statsmodels(p, e, level):
    ref = samplesize_confint_proportion(p, e, alpha=1 - level, method="normal")
    assert wald_margin_n0(p, e, level=level) == pytest.approx(ref, rel=1e-12)
    assert sample_size(p, margin=e, level=level).n == math.ceil(ref)


@pytest.mark.parametrize("p, e, table", [(0.5, 0.05, 384), (0.5, 0.10, 96), (0.85, 0.05, 196)])
def test_wald_matches_lwanga_lemeshow_table(p, e, table):
    # the WHO table prints n rounded to the nearest whole number
    assert round(sample_size(p, margin=e).n0) == table


@pytest.mark.parametrize("p, e", [(0.85, 0.05), (0.9, 0.03), (0.5, 0.1), (0.95, 0.02)])
def test_wilson_n_is_smallest_meeting_statsmodels_interval(p, e):
    n = sample_size(p, margin=e, method="wilson").n

    def half(k):
        lo, hi = proportion_confint(k * p, k, alpha=0.05, method="wilson")
        return (hi - lo) / 2

    assert half(n) <= e < half(n - 1)
    assert wilson_half_width(n, p) == pytest.approx(half(n), rel=1e-10)


@pytest.mark.parametrize("p, e", [(0.85, 0.05), (0.9, 0.05), (0.5, 0.1), (0.7, 0.08)])
def test_clopper_pearson_first_and_stable_n_against_statsmodels(p, e):
    r = sample_size(p, margin=e, method="exact")

    def half(k):
        x = math.floor(k * p + 0.5)
        lo, hi = proportion_confint(x, k, alpha=0.05, method="beta")
        return (hi - lo) / 2

    n = int(r.n0)
    assert half(n) <= e
    assert all(half(k) > e for k in range(max(1, n - 30), n))
    assert all(half(k) <= e for k in range(r.n0_stable, r.n0_stable + 60))
    assert r.n0_stable == n or half(r.n0_stable - 1) > e
    ks = np.arange(n - 5, n + 5)
    assert np.allclose(clopper_pearson_half_width(ks, p), [half(int(k)) for k in ks], rtol=1e-9)


# --- against a threshold ------------------------------------------------------------------

@pytest.mark.parametrize("p1, p0, alpha, power", [(0.9, 0.85, 0.05, 0.8), (0.95, 0.9, 0.05, 0.9), (0.6, 0.5, 0.025, 0.8)])
def test_score_formula_gives_the_requested_power(p1, p0, alpha, power):
    """Independent check: the normal-approximation power of the score test at n0 is the target.

    power(n) = Phi((sqrt(n)(p1 - p0) - z(1-alpha) sqrt(p0 q0)) / sqrt(p1 q1))
    """
    n0 = normal_threshold_n0(p1, p0, alpha=alpha, power=power)
    z = stats.norm.isf(alpha)
    pw = stats.norm.cdf((math.sqrt(n0) * (p1 - p0) - z * math.sqrt(p0 * (1 - p0))) / math.sqrt(p1 * (1 - p1)))
    assert pw == pytest.approx(power, abs=1e-12)


def test_score_formula_exceeds_statsmodels_arcsine_route():
    """METHODS.md: the arcsine route (proportion_effectsize + NormalIndPower(ratio=0)) gives less."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    es = proportion_effectsize(0.9, 0.85)
    arcsine = NormalIndPower().solve_power(es, alpha=0.05, power=0.8, ratio=0, alternative="larger")
    score = normal_threshold_n0(0.9, 0.85)
    assert 0.03 < 1 - arcsine / score < 0.12


def test_critical_counts_equal_statsmodels_reject_interval():
    ns = np.arange(1, 600)
    c = critical_counts(ns, 0.85, 0.05)
    ref = [binom_test_reject_interval(0.85, int(n), alpha=0.05, alternative="larger")[1] for n in ns]
    assert c.tolist() == ref


@pytest.mark.parametrize("p1, p0", [(0.9, 0.85), (0.95, 0.85), (0.97, 0.9)])
def test_exact_search_against_scipy_binomtest(p1, p0):
    res = exact_threshold_search(p1, p0, alpha=0.05, power=0.8)
    n, c = res.n, res.critical_count
    # c is the smallest count whose exact one-sided p-value is <= alpha
    assert stats.binomtest(c, n, p0, alternative="greater").pvalue <= 0.05
    assert stats.binomtest(c - 1, n, p0, alternative="greater").pvalue > 0.05
    assert res.attained_alpha == pytest.approx(stats.binomtest(c, n, p0, alternative="greater").pvalue, rel=1e-9)
    assert res.attained_power == pytest.approx(sum(stats.binom.pmf(k, n, p1) for k in range(c, n + 1)), rel=1e-9)
    assert res.attained_power >= 0.8
    # no smaller n reaches the power
    for m in range(max(1, n - 40), n):
        cm = binom_test_reject_interval(p0, m, alpha=0.05, alternative="larger")[1]
        assert stats.binom.sf(cm - 1, m, p1) < 0.8
    # the saw-tooth: the dips fall short, n_stable and beyond keep the power
    for m in res.dips:
        cm = binom_test_reject_interval(p0, m, alpha=0.05, alternative="larger")[1]
        assert stats.binom.sf(cm - 1, m, p1) < 0.8
    for m in range(res.n_stable, res.n_stable + 30):
        cm = binom_test_reject_interval(p0, m, alpha=0.05, alternative="larger")[1]
        assert stats.binom.sf(cm - 1, m, p1) >= 0.8


def test_exact_result_reports_saw_tooth_warning():
    r = sample_size(0.9, threshold=0.85, method="exact")
    assert r.dips and r.n0_stable > r.n0
    assert any("saw-tooth" in w for w in r.warnings)


# --- adjustments --------------------------------------------------------------------------

def test_adjustments_in_order_by_hand():
    r = sample_size(0.85, margin=0.05, deff=2.0, population=1000, response_rate=0.8)
    n0 = 1.959963984540054**2 * 0.85 * 0.15 / 0.05**2
    n1 = 2 * n0
    n2 = n1 / (1 + (n1 - 1) / 1000)
    n3 = n2 / 0.8
    assert (r.n0, r.after_deff, r.after_fpc, r.after_response) == pytest.approx((n0, n1, n2, n3), rel=1e-12)
    assert r.n == math.ceil(n3)


def test_rounding_ignores_floating_noise():
    assert adjust(384.0000000000001)[-1] == 384
    assert adjust(384.001)[-1] == 385


@given(
    p=st.floats(0.05, 0.95),
    e=st.floats(0.01, 0.2),
    deff=st.floats(1.0, 4.0),
    N=st.integers(50, 10**6),
    rr=st.floats(0.3, 1.0),
)
@settings(max_examples=60, deadline=None)
def test_adjustments_properties(p, e, deff, N, rr):
    r = sample_size(p, margin=e, deff=deff, population=N, response_rate=rr)
    assert r.after_deff >= r.n0 * (1 - 1e-12)
    assert r.after_fpc <= r.after_deff * (1 + 1e-12)
    assert r.after_fpc <= N * (1 + 1e-12)
    assert r.n >= r.after_response - 1e-9 and r.n < r.after_response + 1


def test_township_claims_cost_an_order_of_magnitude_more():
    pops = {f"t{i}": 30000 for i in range(11)}
    d = domain_sample_sizes(pops, 0.9, threshold=0.85, deff=1.5)
    assert d.county.population == 330000
    assert d.townships_total > 9 * d.county.n
    assert all(s.population == 30000 for s in d.townships.values())
    assert d.to_dict()["townships"][0]["stratum"] == "t0"


def test_domain_sizes_with_per_township_rates():
    d = domain_sample_sizes({"a": 1000, "b": 3000}, {"a": 0.9, "b": 0.95}, threshold=0.85)
    assert d.county.expected == pytest.approx(0.9375)
    assert d.townships["a"].n > d.townships["b"].n


# --- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(expected=0.85, threshold=0.9), ["threshold", "below the expected"]),
        (dict(expected=0.85, threshold=0.85), ["threshold"]),
        (dict(expected=1.2, margin=0.05), ["expected", "between 0 and 1"]),
        (dict(expected=0.0, margin=0.05), ["expected"]),
        (dict(expected=0.8, threshold=-0.1), ["threshold"]),
        (dict(expected=0.8), ["exactly one"]),
        (dict(expected=0.8, threshold=0.7, margin=0.05), ["exactly one"]),
        (dict(expected=0.8, threshold=0.7, method="wilson"), ["method", "'normal', 'exact'", "'wilson'"]),
        (dict(expected=0.8, margin=0.05, method="Wald"), ["method"]),
        (dict(expected=0.8, margin=0.05, deff=0), ["deff"]),
        (dict(expected=0.8, margin=0.05, response_rate=1.5), ["response_rate"]),
        (dict(expected=0.8, margin=0.05, population=0), ["population"]),
    ],
)
def test_bad_input_names_the_parameter(kwargs, words):
    with pytest.raises(InputError) as exc:
        sample_size(**kwargs)
    for w in words:
        assert w in str(exc.value)


def test_size_curve_is_sample_size_at_each_rate():
    from sampling import size_curve

    rates = [0.85, 0.86, 0.9, 0.95]
    got = size_curve(rates, threshold=0.85, deff=1.5, response_rate=0.9, population=300_000)
    assert [p for p, _ in got] == [0.86, 0.9, 0.95]  # at the threshold no size exists
    for p, n in got:
        assert n == sample_size(p, threshold=0.85, deff=1.5, response_rate=0.9, population=300_000).n
    ns = [n for _, n in got]
    assert ns == sorted(ns, reverse=True)
