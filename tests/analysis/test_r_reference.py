"""Every number of tests/analysis/reference/r_results.py, recomputed by analysis and compared.

r_results.py was printed by tests/analysis/reference/make_reference.R (R's survey package; each
entry sits under a comment holding the R call). Designs are those of conftest.DESIGNS /
CALIBRATED, mirroring the svydesign / postStratify / rake calls in the R script.

Precision asserted (relative unless stated):
* estimates, standard errors, design effects, degrees of freedom, calibrated weights: 1e-10
  (standard errors that R prints as round-off noise below 1e-11, e.g. a proportion raked to its own
  margin, are compared in absolute terms);
* interval ends of the svyciprop methods mean, asin, beta, logit, xlogit: 1e-8 (R's logit interval
  comes from an IRLS fit whose estimate agrees with the exact ratio to about 1e-9);
* likelihood: 1e-9 absolute (at most 7e-11 here, median 1e-15), computing R's profile, spline and
  inversion (analysis.profile_likelihood) with R's quasi-binomial fit replayed from the rows
  (quasibinomial_fit: where its IRLS stopped, and its dispersion, which R inflates with missing
  values because it rescales the weights before dropping them).
Known, deliberate differences (tested in test_intervals.py, not here): p = 0 or 1, where R gives a
point or NaN and we give the Clopper-Pearson interval with the Korn-Graubard effective sample size
from the whole sample's design effect (checked here against R's parts); R's deff = Inf when the
weights sum to n, where we give the design effect against sampling with replacement; a verdict's
interval takes a design effect estimated below 1 as 1 (R does not truncate).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from .conftest import REL_ESTIMATE, REL_INTERVAL, design, load_results

pytestmark = pytest.mark.r_reference

CASES = load_results().CASES
ABS_NOISE = 1e-11
LIKELIHOOD_ABS = 1e-9  # R's profile likelihood, replayed: at most 7e-11 on these cases


def _val(g):
    if g is None or g is pd.NA or (isinstance(g, float) and math.isnan(g)):
        return None
    return float(g)


def _close(got, want, rel, what, abs_tol=0.0):
    got = [_val(g) for g in got]
    assert len(got) == len(want), f"{what}: {len(got)} values, R has {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        if w is None:
            continue
        assert g is not None, f"{what}[{i}]: R has {w!r}, we have no value"
        if math.isinf(w):
            assert g == w, f"{what}[{i}]: R {w!r}, ours {g!r}"
            continue
        assert abs(g - w) <= max(rel * abs(w), abs_tol), f"{what}[{i}]: ours {g!r}, R {w!r} (rel {abs(g - w) / abs(w) if w else abs(g):.2e})"


def _domains(table, want):
    assert [str(x) for x in table["domain"]] == [str(x) for x in want], "domains differ from R's svyby rows"


def _run(key: str) -> None:
    want = CASES[key]
    parts = key.split("/")
    lonely = None
    if parts[0] == "lonely":
        lonely, parts = parts[1], parts[2:]
    name = parts[0]
    d = design(name, lonely) if lonely else design(name)
    kind = parts[1]
    if kind == "weights":
        _close(d.weights, want["weights"], REL_ESTIMATE, key)
    elif kind == "degf":
        assert d.df == want["df"][0]
    elif kind in ("mean", "total", "meanrep"):
        var = parts[2]
        t = d.total(var) if kind == "total" else d.mean(var)
        if kind == "meanrep":
            assert "replace" in (t["note"][0] or ""), "expected the with-replacement deff fallback"
            _close(t["deff"], want["deff"], REL_ESTIMATE, key + " deff")
            return
        _close(t["estimate"], want["estimate"], REL_ESTIMATE, key + " estimate")
        _close(t["se"], want["se"], REL_ESTIMATE, key + " se", ABS_NOISE * max(1.0, abs(want["estimate"][0])))
        if "deff" in want:
            r = want["deff"][0]
            if r is not None and not math.isinf(r):
                _close(t["deff"], want["deff"], REL_ESTIMATE, key + " deff", 1e-9)
    elif kind == "ciprop":
        var, method = parts[2], parts[3]
        level = float(parts[4]) if len(parts) > 4 else 0.95
        t = d.proportion(var, ci=method, level=level)
        _check_interval(key, d, t, var, None, method, level, want["estimate"], [want["ci"][0]], [want["ci"][1]])
    elif kind == "by":
        by, what = parts[2], parts[3]
        if what == "degf":
            t = d.proportion(_any_indicator(name), by=by)
            _domains(t, want["domain"])
            assert [int(x) for x in t["df"]] == [int(x) for x in want["df"]]
            return
        var = parts[4]
        if what == "ciprop":
            method = parts[5]
            t = d.proportion(var, by=by, ci=method)
            _domains(t, want["domain"])
            _check_interval(key, d, t, var, by, method, 0.95, want["estimate"], want["ci_low"], want["ci_high"])
            return
        t = d.total(var, by=by) if what == "total" else d.mean(var, by=by)
        _domains(t, want["domain"])
        est, se = list(want["estimate"]), list(want["se"])
        for i, n in enumerate(t["n"]):
            if n == 0:  # R reports 0 (0 +/- 0) for a domain whose values are all missing; we report none
                assert est[i] == 0 and se[i] == 0 and pd.isna(t["estimate"][i]) and pd.isna(t["se"][i])
                est[i] = se[i] = None
        _close(t["estimate"], est, REL_ESTIMATE, key + " estimate")
        scale = max(1.0, max(abs(x) for x in est if x is not None))
        _close(t["se"], se, REL_ESTIMATE, key + " se", ABS_NOISE * scale)
        if "deff" in want:
            _close(t["deff"], _deff_as_ours(t, want["deff"]), REL_ESTIMATE, key + " deff", 1e-9)
    else:  # pragma: no cover - a new kind of case in the R script
        raise AssertionError(f"unknown reference case {key}")


def _check_interval(key, d, t, var, by, method, level, want_est, want_lo, want_hi):
    """Compare intervals with R's, after the deliberate differences listed in the module docstring."""
    _close(t["estimate"], want_est, REL_INTERVAL, key + " estimate")
    lo = np.array([np.nan if x is None else x for x in want_lo], dtype=float)
    hi = np.array([np.nan if x is None else x for x in want_hi], dtype=float)
    est = np.asarray(t["estimate"], dtype=float)
    var_ = np.asarray(t["se"], dtype=float) ** 2
    df = np.asarray(t["df"], dtype=float)
    from analysis.intervals import _tq, proportion_interval

    if method == "likelihood":
        # the engine's own table (design.proportion(..., ci="likelihood")), and the replay from rows
        got_lo = pd.Series(t["ci_low"]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        got_hi = pd.Series(t["ci_high"]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        assert np.allclose(got_lo, lo, rtol=0, atol=LIKELIHOOD_ABS, equal_nan=True) and np.allclose(got_hi, hi, rtol=0, atol=LIKELIHOOD_ABS, equal_nan=True), (key, got_lo, lo, got_hi, hi)
        got_lo, got_hi = _likelihood_as_r(d, var, level, by, t)
        assert np.allclose(got_lo, lo, rtol=0, atol=LIKELIHOOD_ABS) and np.allclose(got_hi, hi, rtol=0, atol=LIKELIHOOD_ABS), (key, got_lo, lo, got_hi, hi)
        return
    if method == "mean":  # R does not cut the Wald interval to [0, 1]; we do
        lo, hi = np.clip(lo, 0, 1), np.clip(hi, 0, 1)
    if method == "asin":  # R lets the angle fold back past 0 or pi/2; check our unfolded angle gives R's
        tq = _tq(1 - (1 - level) / 2, df)
        a = np.arcsin(np.sqrt(est))
        h = tq * np.sqrt(var_) / (2 * np.sqrt(est * (1 - est)))
        folded_lo, folded_hi = a - h < 0, a + h > np.pi / 2
        np.testing.assert_allclose(np.sin(a - h)[folded_lo] ** 2, lo[folded_lo], rtol=REL_INTERVAL)
        np.testing.assert_allclose(np.sin(a + h)[folded_hi] ** 2, hi[folded_hi], rtol=REL_INTERVAL)
        lo[folded_lo], hi[folded_hi] = 0.0, 1.0
    if method == "logit":
        # with 1 df R's svyglm route computes pnorm(qt(.025, 1)) ~ 1e-37 and loses the interval
        # (0 or NA); its delta-method twin xlogit, which we match, keeps it
        broken = (df <= 1) & ((lo == 0) | np.isnan(hi))
        if broken.any():
            twin = CASES[key.replace("/logit", "/xlogit")]
            tw_lo = np.asarray(twin["ci_low"] if "ci_low" in twin else [twin["ci"][0]], dtype=float)
            tw_hi = np.asarray(twin["ci_high"] if "ci_high" in twin else [twin["ci"][1]], dtype=float)
            lo[broken], hi[broken] = tw_lo[broken], tw_hi[broken]
    if method == "beta" and d.calibrations and by is not None:
        # R's subset of a calibrated design keeps every row, so its nrow(design) - 1 in the
        # Korn-Graubard df ratio is the whole sample's; we use the domain's rows. Check R's number.
        r_lo, r_hi, _ = proportion_interval("beta", est, var_, df, level, n=np.asarray(t["n"], dtype=float), n_rows=np.full(est.shape, d.n))
        inner = (est > 0) & (est < 1)  # p = 0 or 1: R gives NA, see test_intervals.py
        np.testing.assert_allclose(r_lo[inner], lo[inner], rtol=REL_INTERVAL)
        np.testing.assert_allclose(r_hi[inner], hi[inner], rtol=REL_INTERVAL)
        return
    if method == "beta" and np.all(var_ < 1e-20):  # round-off variance: R gives (p, NA), we give (p, p)
        hi = np.where(np.isnan(hi), est, hi)
    _close(t["ci_low"], list(np.where(np.isnan(lo), None, lo)), REL_INTERVAL, key + " ci_low")
    _close(t["ci_high"], list(np.where(np.isnan(hi), None, hi)), REL_INTERVAL, key + " ci_high")


def _likelihood_as_r(d, var, level, by, table):
    """Likelihood intervals given R's quasi-binomial fit of each domain, replayed from the rows."""
    from analysis.intervals import proportion_interval
    from analysis.profile_likelihood import quasibinomial_fit

    y = d.data[var].to_numpy(dtype=float)
    if by is None:
        fit = quasibinomial_fit(y, d.weights)
    else:
        labels = [str(x) for x in table["domain"]]
        codes = np.array([labels.index(v) if v in labels else -1 for v in d.data[by].astype(str)])
        fit = quasibinomial_fit(y, d.weights, codes, len(labels))
    lo, hi, _ = proportion_interval(
        "likelihood", np.asarray(table["estimate"], dtype=float), np.asarray(table["se"], dtype=float) ** 2,
        np.asarray(table["df"], dtype=float), level, n=np.asarray(table["n"], dtype=float), glm_fit=fit,
    )
    return lo, hi


def _deff_as_ours(t, want):
    """Where p is 0 or 1 the SRS variance is 0: R divides by it (Inf, or 1e32 from round-off), we
    report no design effect."""
    out = []
    for got, w in zip(t["deff"], want):
        if pd.isna(got) and w is not None and (math.isinf(w) or abs(w) > 1e15):
            out.append(None)
        else:
            out.append(w)
    return out


def _any_indicator(name: str) -> str:
    return "satisfaction" if name.startswith("dtown") else "sch_wide"


# p = 0/1 cases are where we differ from R on purpose (see test_intervals.py)
# numerics/*: pieces of R's likelihood interval, tested in test_profile_likelihood.py
KEYS = [
    k for k in CASES
    if "/allyes/" not in k and not k.startswith(("numerics/", "verdict/"))
    and not (k.split("/")[1] == "meanrep" and not k.startswith("dtownsrs"))
]


@pytest.mark.parametrize("key", KEYS)
def test_matches_r(key):
    _run(key)


def test_every_kind_of_case_is_present():
    kinds = {k.split("/")[1] for k in CASES if not k.startswith(("lonely", "numerics"))}
    assert {"mean", "total", "degf", "ciprop", "by", "weights"} <= kinds
    methods = {k.split("/")[3] for k in CASES if k.split("/")[1] == "ciprop"}
    assert methods >= {"logit", "likelihood", "asin", "beta", "mean", "xlogit"}
    rules = {k.split("/")[1] for k in CASES if k.startswith("lonely")}
    assert rules == {"adjust", "average", "certainty", "remove"}


@pytest.mark.parametrize("var", ["satisfaction", "knowledge"])
def test_verdict_interval_is_rs_two_sided_90_percent_interval(var):
    """The interval beside a verdict (one-sided 95% bounds) is R's svyciprop at level 0.90, where
    the domain's design effect is at least 1 (below 1 the verdict takes it as 1: the bounds are
    then those of the simple-random-sample variance)."""
    want = CASES[f"verdict/dtown1/{var}/beta"]
    d = design("dtown1", "adjust")
    t = d.proportion(var, by="town", ci="beta", threshold=0.85, min_df=0)
    _domains(t, want["domain"])
    _close(t["estimate"], want["estimate"], REL_ESTIMATE, "estimate")
    assert set(t["bounds"]) == {"one-sided"} and np.allclose(t["coverage"], 0.9)
    p, n = t["estimate"].to_numpy(float), t["n"].to_numpy(float)
    se = t["se"].to_numpy(float, na_value=np.nan)
    as_r = se**2 >= p * (1 - p) / n
    assert as_r.sum() >= 4  # most townships: compared with R directly
    for i in np.flatnonzero(as_r):
        _close([t["ci_low"][i]], [want["ci_low"][i]], REL_INTERVAL, f"{var} ci_low {want['domain'][i]}")
        _close([t["ci_high"][i]], [want["ci_high"][i]], REL_INTERVAL, f"{var} ci_high {want['domain'][i]}")
    from analysis.intervals import proportion_interval

    rows = {e.domain: e for e in d.estimate(var, by="town")}
    for i in np.flatnonzero(~as_r & (p > 0) & (p < 1) & (t["df"].to_numpy() > 0)):
        e = rows[t["domain"][i]]
        lo, hi, _ = proportion_interval("beta", [p[i]], [p[i] * (1 - p[i]) / n[i]], [e.df], 0.90, n=[e.n], n_rows=[e.n_rows])
        assert float(t["ci_low"][i]) == pytest.approx(lo[0], rel=1e-12)
        assert float(t["ci_high"][i]) == pytest.approx(hi[0], rel=1e-12)


def test_edge_interval_from_rs_parts():
    """p = 0 in township T2: R's beta interval is NaN; ours is built from R's whole-sample deff,
    the domain's n and degf, and R's qbeta."""
    want = CASES["verdict/edge/dtown1/somezero/T2"]
    assert want["r_svyciprop_beta"] == [None, None]
    d = design("dtown1", "adjust")
    t = d.proportion("somezero", by="town", ci="beta", threshold=0.5, min_df=0)
    row = t[t["domain"] == "T2"].iloc[0]
    assert int(row["n"]) == want["n"][0] and int(row["df"]) == want["df"][0]
    assert float(d.proportion("somezero")["deff"][0]) == pytest.approx(want["deff_whole"][0], rel=REL_ESTIMATE)
    assert row["ci_low"] == 0.0
    assert row["ci_high"] == pytest.approx(want["ci_high"][0], rel=REL_INTERVAL)
    assert row["verdict"] == "not_met" if want["ci_high"][0] < 0.5 else row["verdict"] == "inconclusive"
