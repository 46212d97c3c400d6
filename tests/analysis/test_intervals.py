"""Binomial intervals against statsmodels/scipy, edge cases at p = 0 and 1, closed option sets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis import CI_METHODS, OptionError, SurveyDesign, proportion_interval
from analysis.intervals import SURVEY_METHODS

from .conftest import REL_INTERVAL, design


def srs(x: int, n: int) -> SurveyDesign:
    return SurveyDesign(pd.DataFrame({"y": [1] * x + [0] * (n - x)}))


@pytest.mark.parametrize("x,n", [(1, 10), (7, 20), (17, 20), (50, 100), (95, 100), (499, 500), (3, 1000)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
@pytest.mark.parametrize("ours,theirs", [("wilson", "wilson"), ("clopper-pearson", "beta"), ("jeffreys", "jeffreys")])
def test_binomial_intervals_match_statsmodels(x, n, level, ours, theirs):
    # statsmodels.stats.proportion.proportion_confint(x, n, alpha=1 - level, method=theirs)
    lo, hi = proportion_confint(x, n, alpha=1 - level, method=theirs)
    t = srs(x, n).proportion("y", ci=ours, level=level)
    assert t["ci_low"][0] == pytest.approx(lo, rel=REL_INTERVAL, abs=1e-15)
    assert t["ci_high"][0] == pytest.approx(hi, rel=REL_INTERVAL, abs=1e-15)


@pytest.mark.parametrize("x,n", [(0, 20), (20, 20), (0, 2), (2, 2)])
def test_binomial_intervals_at_the_edges(x, n):
    alpha = 0.05
    cp = srs(x, n).proportion("y", ci="clopper-pearson")
    # scipy.stats.binomtest(x, n).proportion_ci(method="exact")
    ref = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="exact")
    assert cp["ci_low"][0] == pytest.approx(ref.low, rel=1e-12, abs=1e-15)
    assert cp["ci_high"][0] == pytest.approx(ref.high, rel=1e-12, abs=1e-15)
    w = srs(x, n).proportion("y", ci="wilson")
    ref = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert w["ci_low"][0] == pytest.approx(ref.low, abs=1e-12)
    assert w["ci_high"][0] == pytest.approx(ref.high, abs=1e-12)
    # Jeffreys with the Brown-Cai-DasGupta end rule: 0 at x = 0 and 1 at x = n
    j = srs(x, n).proportion("y", ci="jeffreys")
    if x == 0:
        assert j["ci_low"][0] == 0.0
        assert j["ci_high"][0] == pytest.approx(stats.beta.isf(alpha / 2, 0.5, n + 0.5))
    else:
        assert j["ci_high"][0] == 1.0
        assert j["ci_low"][0] == pytest.approx(stats.beta.ppf(alpha / 2, x + 0.5, 0.5))


@pytest.mark.parametrize("method", SURVEY_METHODS)
def test_p_equal_one_gives_clopper_pearson_with_the_korn_graubard_n(method):
    # R: svyciprop(~allyes, dtown2, method = m) gives a point, NaN or 1 - 1e-12 (see r_results.py);
    # we give Clopper-Pearson with n* = max(n / deff, 1) (t_{n-1} / t_df)^2, deff 1 when undefined
    d = design("dtown2")
    t = d.proportion("allyes", ci=method)
    n, df = int(t["n"][0]), int(t["df"][0])
    n_star = n * (stats.t.ppf(0.025, n - 1) / stats.t.ppf(0.025, df)) ** 2
    assert t["estimate"][0] == 1.0
    assert t["ci_high"][0] == 1.0
    assert t["ci_low"][0] == pytest.approx(0.025 ** (1 / n_star), rel=1e-12)
    assert "Clopper-Pearson" in t["note"][0] and f"n = {n}" in t["note"][0]


def test_p_zero_uses_the_whole_sample_design_effect():
    # the domain's own design effect is undefined at p = 0: the indicator's in the whole sample
    d = design("dtown1")
    whole = d.proportion("somezero")
    t = d.proportion("somezero", by="town")
    row = t[t["domain"] == "T2"].iloc[0]
    n, df = int(row["n"]), int(row["df"])
    n_star = max(n / float(whole["deff"][0]), 1) * (stats.t.ppf(0.025, n - 1) / stats.t.ppf(0.025, df)) ** 2
    assert row["ci_low"] == 0.0
    assert row["ci_high"] == pytest.approx(stats.beta.ppf(0.975, 1, n_star), rel=1e-12)
    assert "design effect" in row["note"]


def two_clinics(successes: int, n: int = 20) -> pd.DataFrame:
    """n answers from two clinics of one township (df = 1); the failures in the first clinic."""
    y = [0] * (n - successes) + [1] * successes
    return pd.DataFrame({"clinic": ["a"] * (n // 2) + ["b"] * (n - n // 2), "y": y, "w": 30.0})


@pytest.mark.parametrize("method", SURVEY_METHODS)
def test_twenty_of_twenty_from_two_clinics_is_not_met_where_nineteen_is_open(method):
    # the case: with df = 1, 19 of 20 cannot tell; one more success must not make it "met"
    d19 = SurveyDesign(two_clinics(19), weights="w", psu="clinic")
    d20 = SurveyDesign(two_clinics(20), weights="w", psu="clinic")
    t19 = d19.proportion("y", ci=method, threshold=0.85, min_df=0)
    t20 = d20.proportion("y", ci=method, threshold=0.85, min_df=0)
    assert t19["verdict"][0] == "inconclusive"
    assert t20["verdict"][0] == "inconclusive"
    assert t20["ci_low"][0] < 0.85
    # with the default minimum of 3 degrees of freedom neither is judged on its own
    assert d20.proportion("y", ci=method, threshold=0.85)["verdict"][0] == "few_sites"


@pytest.mark.parametrize("x,n", [(0, 20), (3, 20), (17, 20), (20, 20), (95, 100)])
@pytest.mark.parametrize("ours,theirs", [("wilson", "wilson"), ("clopper-pearson", "beta"), ("jeffreys", "jeffreys")])
@pytest.mark.parametrize("side,alternative", [("lower_bound", "smaller"), ("upper_bound", "larger")])
def test_one_sided_bounds_match_statsmodels_alternative(x, n, ours, theirs, side, alternative):
    # statsmodels.stats.proportion.proportion_confint(x, n, alpha=0.05, method=theirs, alternative=...)
    # names the lower bound (lower, 1) 'smaller' and the upper bound (0, upper) 'larger'
    lo, hi = proportion_confint(x, n, alpha=0.05, method=theirs, alternative=alternative)
    got_lo, got_hi, _ = proportion_interval(ours, [x / n], [0.0], [n - 1], 0.95, n=[n], simple=True, side=side)
    if theirs == "jeffreys" and x in (0, n):
        # statsmodels keeps the Beta quantile at the ends; we follow Brown, Cai & DasGupta (2001): the end
        # at the observed edge is the edge itself (see test_binomial_intervals_at_the_edges)
        if x == 0:
            lo = 0.0
        else:
            hi = 1.0
    assert got_lo[0] == pytest.approx(lo, rel=1e-10, abs=1e-15)
    assert got_hi[0] == pytest.approx(hi, rel=1e-10, abs=1e-15)


@pytest.mark.parametrize("x,n", [(0, 20), (3, 20), (17, 20), (20, 20), (95, 100)])
@pytest.mark.parametrize("ours,theirs", [("wilson", "wilson"), ("clopper-pearson", "exact")])
@pytest.mark.parametrize("side,alternative", [("lower_bound", "greater"), ("upper_bound", "less")])
def test_one_sided_bounds_match_scipy_binomtest_alternative(x, n, ours, theirs, side, alternative):
    # scipy.stats.binomtest(x, n, alternative=...).proportion_ci(0.95, method=...), as R's binom.test:
    # alternative "greater" gives (lower bound, 1), "less" gives (0, upper bound)
    ref = stats.binomtest(x, n, alternative=alternative).proportion_ci(0.95, method=theirs)
    got_lo, got_hi, _ = proportion_interval(ours, [x / n], [0.0], [n - 1], 0.95, n=[n], simple=True, side=side)
    assert got_lo[0] == pytest.approx(ref.low, rel=1e-10, abs=1e-15)
    assert got_hi[0] == pytest.approx(ref.high, rel=1e-10, abs=1e-15)


@pytest.mark.parametrize("method", CI_METHODS)
def test_one_sided_bounds_are_the_ends_of_the_interval_at_2_level_minus_1(method):
    d = design("dclus1")
    e = d.estimate("sch_wide")[0]
    two = e.ci(method, 0.90)
    assert e.ci(method, 0.95, side="lower_bound").low == pytest.approx(two.low, rel=1e-13)
    assert e.ci(method, 0.95, side="lower_bound").high == 1.0
    assert e.ci(method, 0.95, side="upper_bound").high == pytest.approx(two.high, rel=1e-13)
    assert e.ci(method, 0.95, side="upper_bound").low == 0.0
    assert e.lower_bound(method, 0.95) == e.ci(method, 0.95, side="lower_bound").low
    assert e.upper_bound(method, 0.95) == e.ci(method, 0.95, side="upper_bound").high


def test_t_interval_one_sided():
    from analysis.intervals import t_interval

    lo, hi = t_interval([0.5], [0.1], [4], 0.95, side="lower_bound")
    assert lo[0] == pytest.approx(0.5 - stats.t.ppf(0.95, 4) * 0.1) and hi[0] == np.inf
    lo, hi = t_interval([0.5], [0.1], [4], 0.95, side="upper_bound")
    assert hi[0] == pytest.approx(0.5 + stats.t.ppf(0.95, 4) * 0.1) and lo[0] == -np.inf


@pytest.mark.parametrize("bad", ["less", "greater", "smaller", "larger", "lower", "two_sided", "", None])
def test_unknown_side_is_refused(bad):
    # R's, scipy's and statsmodels' alternative names are refused: they disagree on which bound is which
    with pytest.raises(OptionError, match="side must be one of"):
        proportion_interval("beta", [0.5], [0.01], [10], n=[20], side=bad)


@pytest.mark.parametrize("method", CI_METHODS)
def test_p_zero_in_a_domain_has_no_nan(method):
    d = design("dtown2")
    t = d.proportion("somezero", by="town", ci=method)
    zero = t[t["domain"] == "T2"]
    assert float(zero["estimate"].iloc[0]) == 0.0
    assert float(zero["ci_low"].iloc[0]) == 0.0
    assert 0 < float(zero["ci_high"].iloc[0]) < 1
    # T4 has a single village: 0 degrees of freedom, so no interval, and the note says so
    no_df = t["df"] == 0
    assert list(t.loc[no_df, "domain"]) == (["T4"] if method in SURVEY_METHODS or method == "beta" else list(t.loc[no_df, "domain"]))
    assert not t.loc[~no_df, ["estimate", "se", "ci_low", "ci_high"]].isna().any().any()
    for _, row in t[no_df].iterrows():
        assert pd.isna(row["ci_low"]) and "degrees of freedom" in row["note"]


def test_census_has_no_sampling_error():
    df = pd.DataFrame({"y": [1, 0, 1, 1], "N": [4, 4, 4, 4]})
    t = SurveyDesign(df, fpc="N").proportion("y")
    assert t["se"][0] == 0.0
    assert t["ci_low"][0] == t["ci_high"][0] == 0.75
    assert "census" in t["note"][0]


def test_mean_interval_cut_to_unit_interval_and_said():
    d = design("dtown2")
    t = d.proportion("satisfaction", by="town", ci="mean")
    row = t[t["domain"] == "T1"].iloc[0]
    assert row["ci_high"] == 1.0 and "cut" in row["note"]


def test_binomial_methods_on_complex_design_use_korn_graubard_n():
    d = design("dclus1")
    beta = d.proportion("sch_wide", ci="beta")
    cp = d.proportion("sch_wide", ci="clopper-pearson")
    assert cp["ci_low"][0] == pytest.approx(beta["ci_low"][0], rel=1e-12)
    assert cp["ci_high"][0] == pytest.approx(beta["ci_high"][0], rel=1e-12)
    assert "effective sample size" in cp["note"][0]


def test_korn_graubard_example_of_methods_md():
    # METHODS.md: p = .88, deff 1.8, 20 df: one-sided 95% Korn-Graubard lower bound about .845
    # (for n = 600 responses)
    n = 600
    p = 0.88
    v = 1.8 * p * (1 - p) / n
    lo, hi, _ = proportion_interval("beta", [p], [v], [20], 0.90, n=[n])
    assert lo[0] == pytest.approx(0.845, abs=0.005)


@pytest.mark.parametrize("bad", ["Logit", "log", "jeff", "clopper_pearson", "", None, 1])
def test_unknown_method_is_refused_exactly(bad):
    with pytest.raises(OptionError, match="ci must be one of"):
        design("dstrat").proportion("sch_wide", ci=bad)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, "high", None])
def test_bad_level(level):
    with pytest.raises(OptionError, match="level"):
        design("dstrat").proportion("sch_wide", level=level)


def test_results_recompute_intervals_on_demand():
    e = design("dclus1").estimate("sch_wide")[0]
    a = e.ci("logit", 0.95)
    b = e.ci("logit", 0.90)
    assert b.low > a.low and b.high < a.high
    assert e.ci("beta", 0.95).method == "beta"
    t = design("dclus1").proportion("sch_wide", ci="beta", level=0.9)
    assert e.ci("beta", 0.9).low == pytest.approx(t["ci_low"][0], rel=1e-14)
    with pytest.raises(OptionError):
        e.ci("wald")
    m = design("dclus1").estimate("api00", kind="mean")[0]
    assert m.ci("t").low < m.estimate < m.ci("t").high
