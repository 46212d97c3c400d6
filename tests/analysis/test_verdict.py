"""Threshold verdicts: one-sided bounds, point reading, responses still needed; doctests."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import SurveyDesign
from analysis.intervals import proportion_interval
from analysis.verdict import verdicts

from .conftest import design


def test_verdict_uses_one_sided_bounds_of_the_chosen_method():
    d = design("dclus1")
    for method in ("logit", "beta", "wilson"):
        t = d.proportion("sch_wide", ci=method, threshold=0.7, level=0.95)
        # one-sided 95% lower bound = lower end of the two-sided 90% interval
        t90 = d.proportion("sch_wide", ci=method, level=0.90)
        lower = t90["ci_low"][0]
        assert t["verdict"][0] == ("met" if lower >= 0.7 else "inconclusive")
    t = d.proportion("sch_wide", threshold=0.95)
    assert t["verdict"][0] == "not_met"  # the upper 95% bound is below 0.95
    assert bool(t["point_reaches"][0]) is False


def test_met_not_met_inconclusive_at_the_bounds():
    # exactly at the bound counts as met (lower >= threshold); just below is inconclusive
    v, r, m = verdicts([0.9, 0.9, 0.8, 0.85], [1e-4] * 4, [400] * 4, [0.85, 0.8499, 0.75, 0.80], [0.95] * 3 + [0.849], [0.85] * 4, 0.95)
    assert list(v) == ["met", "inconclusive", "inconclusive", "not_met"]
    assert list(r) == [True, True, False, True]
    assert m[0] is None and m[3] is None and m[1] >= 1 and m[2] >= 1


def test_more_responses_formula():
    p, p0, n = 0.88, 0.85, 300
    v = 1.8 * p * (1 - p) / n  # deff 1.8
    _, _, more = verdicts([p], [v], [n], [0.84], [0.91], [p0], 0.95)
    z = stats.norm.ppf(0.95)
    expected = int(np.ceil(1.8 * p * (1 - p) * (z / (p - p0)) ** 2 - n))
    assert more[0] == expected
    # at p = 1 the exact bound alpha^(1/n) must reach p0
    _, _, more = verdicts([1.0], [0.0], [20], [0.05 ** (1 / 20)], [1.0], [0.9], 0.95)
    assert more[0] == int(np.ceil(np.log(0.05) / np.log(0.9) - 20))


def test_more_responses_settles_it_when_the_rate_holds():
    """Adding about the suggested number of responses (same rate and deff) makes it conclusive.

    The suggestion uses the normal quantile, the interval a t quantile and its own shape, so
    "about" here means within 10 %."""
    base = pd.DataFrame({"y": [1] * 176 + [0] * 24})  # 0.88 of 200
    t = SurveyDesign(base).proportion("y", threshold=0.85, ci="mean")
    assert t["verdict"][0] == "inconclusive"
    more = int(t["more_responses"][0])
    p = float(t["estimate"][0])
    n_new = 200 + int(np.ceil(1.1 * more))
    x = round(p * n_new)
    bigger = pd.DataFrame({"y": [1] * x + [0] * (n_new - x)})
    assert SurveyDesign(bigger).proportion("y", threshold=0.85, ci="mean")["verdict"][0] == "met"
    fewer = round(0.8 * more)
    x = round(p * (200 + fewer))
    smaller = pd.DataFrame({"y": [1] * x + [0] * (200 + fewer - x)})
    assert SurveyDesign(smaller).proportion("y", threshold=0.85, ci="mean")["verdict"][0] == "inconclusive"


def test_verdict_per_domain_and_profile_dict():
    d = design("dtown2")
    t = d.proportion(["satisfaction", "knowledge"], by="town", threshold={"satisfaction": 0.85, "knowledge": 0.9})
    assert set(t["verdict"].dropna()) <= {"met", "not_met", "inconclusive", "few_sites"}
    assert (t.loc[t["verdict"] == "few_sites", "df"] < 3).all() and (t.loc[t["verdict"] != "few_sites", "df"] >= 3).all()
    assert list(t.loc[t["var"] == "knowledge", "threshold"].unique()) == [0.9]


def test_estimate_object_verdict_matches_table():
    d = design("dstrat")
    e = d.estimate("sch_wide")[0]
    v = e.verdict(0.8, level=0.95, method="beta")
    t = d.proportion("sch_wide", ci="beta", threshold=0.8)
    assert v.verdict == t["verdict"][0]
    variance = max(e.variance, e.estimate * (1 - e.estimate) / e.n)  # the verdict takes deff as at least 1
    lo, hi, _ = proportion_interval("beta", [e.estimate], [variance], [e.df], 0.90, n=[e.n], n_rows=[e.n_rows])
    assert v.lower_bound == pytest.approx(lo[0], rel=1e-14)
    assert v.upper_bound == pytest.approx(hi[0], rel=1e-14)
    # the table's interval beside the verdict is the verdict's
    assert t["ci_low"][0] == pytest.approx(v.lower_bound, rel=1e-14)
    assert t["ci_high"][0] == pytest.approx(v.upper_bound, rel=1e-14)


@pytest.mark.parametrize("module", ["analysis", "analysis.errors", "analysis.design", "analysis.intervals",
                                    "analysis.verdict", "analysis.estimates", "analysis.weighting"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_estimate_at_the_threshold_up_to_rounding_asks_for_no_sample_size():
    # 17 of 20 weighted is 0.8500000000000001: the gap is rounding, not a gap
    from analysis.verdict import verdicts

    v, reach, more = verdicts([17 / 20 + 1e-16], [0.006], [20], [0.6], [0.97], [0.85], 0.95)
    assert v[0] == "inconclusive" and more[0] is None
