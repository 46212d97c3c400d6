"""Anytime-valid flags: the evidence formula, and false passes over repeated looks by simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from analysis import SurveyDesign
from analysis.errors import ColumnError
from analysis.sequential import FAILED, OPEN, PASSED, design_effects, mixture_log_evidence, monitor, sequential_flags


@pytest.mark.parametrize(("x", "n", "p0"), [(0, 0, 0.85), (9, 10, 0.85), (45, 50, 0.9), (170, 200, 0.85), (3, 20, 0.5)])
def test_evidence_matches_numerical_integration(x, n, p0):
    def likelihood(p):
        return p**x * (1 - p) ** (n - x)

    above = integrate.quad(likelihood, p0, 1, epsabs=0, epsrel=1e-12)[0] / (1 - p0) / likelihood(p0)
    below = integrate.quad(likelihood, 0, p0, epsabs=0, epsrel=1e-12)[0] / p0 / likelihood(p0)
    assert np.exp(mixture_log_evidence(x, n, p0, direction="above")) == pytest.approx(above, rel=1e-8)
    assert np.exp(mixture_log_evidence(x, n, p0, direction="below")) == pytest.approx(below, rel=1e-8)


def test_large_counts_stay_finite():
    value = mixture_log_evidence(95_000, 100_000, 0.9, direction="above")
    assert np.isfinite(value) and value > 100


LOOKS = np.arange(25, 501, 25)  # 20 looks, every 25 responses


def simulate_counts(p: float, reps: int, rng: np.random.Generator) -> np.ndarray:
    batches = rng.binomial(25, p, size=(reps, len(LOOKS)))
    return np.cumsum(batches, axis=1)


def test_false_pass_rate_over_20_looks_stays_within_alpha():
    rng = np.random.default_rng(20261123)
    reps, alpha, p0 = 4000, 0.05, 0.85
    x = simulate_counts(p0, reps, rng)
    evidence = mixture_log_evidence(x, np.broadcast_to(LOOKS, x.shape), p0, direction="above")
    ever_passed = (evidence >= np.log(1 / alpha)).any(axis=1).mean()
    assert ever_passed <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / reps)

    # the naive alternative: a fixed-sample one-sided 95% exact lower bound checked at every look
    lower = stats.beta.ppf(alpha, x, LOOKS - x + 1)
    naive = (lower >= p0).any(axis=1).mean()
    assert naive > 2 * alpha  # the inflation these flags exist to avoid


def test_false_fail_rate_within_alpha():
    rng = np.random.default_rng(7)
    reps, alpha, p0 = 4000, 0.05, 0.9
    x = simulate_counts(p0, reps, rng)
    evidence = mixture_log_evidence(x, np.broadcast_to(LOOKS, x.shape), p0, direction="below")
    assert (evidence >= np.log(1 / alpha)).any(axis=1).mean() <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / reps)


def test_clear_cases_are_flagged():
    rng = np.random.default_rng(3)
    good = simulate_counts(0.95, 500, rng)
    bad = simulate_counts(0.75, 500, rng)
    assert np.mean([sequential_flags(row, LOOKS, 0.85)[-1] == PASSED for row in good]) > 0.9
    assert np.mean([sequential_flags(row, LOOKS, 0.85)[-1] == FAILED for row in bad]) > 0.9


def test_flag_stays_once_raised():
    x, n = [5, 30, 31, 32], [10, 32, 60, 100]
    assert mixture_log_evidence(32, 100, 0.5, direction="above") < 0  # the last look alone: no evidence
    flags = sequential_flags(x, n, 0.5, alpha=0.05)
    assert list(flags) == [OPEN, PASSED, PASSED, PASSED]


def clustered_data(p: float, psus: int, take: int, icc: float, rng: np.random.Generator) -> pd.DataFrame:
    a = p * (1 - icc) / icc
    b = (1 - p) * (1 - icc) / icc
    rates = rng.beta(a, b, size=psus)
    y = rng.binomial(1, np.repeat(rates, take))
    return pd.DataFrame({"y": y, "psu": np.repeat(np.arange(psus), take), "t": np.arange(psus * take)})


def test_clustered_false_pass_rate_within_alpha_with_deff():
    rng = np.random.default_rng(11)
    reps, alpha, p0 = 600, 0.05, 0.85
    passed = 0
    for _ in range(reps):
        frame = clustered_data(p0, psus=30, take=15, icc=0.1, rng=rng)
        passed += monitor(frame, "y", p0, order="t", psu="psu", alpha=alpha)["flag"].iloc[0] == PASSED
    assert passed / reps <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / reps)


def test_design_effect_against_kish_for_equal_clusters():
    rng = np.random.default_rng(5)
    frame = clustered_data(0.8, psus=400, take=20, icc=0.1, rng=rng)
    deff = design_effects(frame, "y", psu="psu")["all"]
    assert deff == pytest.approx(1 + (20 - 1) * 0.1, rel=0.15)  # Kish 1 + (m-1)ρ
    # the with-replacement PSU variance over the binomial variance, from the PSU totals
    x = frame.groupby("psu")["y"].sum().to_numpy(float)
    n = frame.groupby("psu")["y"].size().to_numpy(float)
    p, k, total = x.sum() / n.sum(), len(n), n.sum()
    by_hand = k / (k - 1) * np.sum((x - p * n) ** 2) / total**2 / (p * (1 - p) / total)
    assert deff == pytest.approx(by_hand, rel=0.01)


def test_design_effect_counts_strata_and_is_the_engines():
    rng = np.random.default_rng(9)
    parts = []
    for s, p in enumerate((0.95, 0.6)):  # two townships with very different rates
        part = clustered_data(p, psus=20, take=10, icc=0.05, rng=rng)
        part["psu"] += 100 * s
        part["town"] = f"t{s}"
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    flat = design_effects(frame, "y", psu="psu")["all"]
    stratified = design_effects(frame, "y", psu="psu", strata="town")["all"]
    assert stratified < flat  # the between-township difference is no sampling error
    engine = SurveyDesign(frame, strata="town", psu="psu", lonely_psu="adjust", nest=True).proportion("y")
    assert stratified == pytest.approx(max(1.0, float(engine["deff"].iloc[0])), rel=1e-12)
    per_town = design_effects(frame, "y", psu="psu", strata="town", by="town")
    assert set(per_town) == {"t0", "t1"} and all(v >= 1.0 for v in per_town.values())
    watched = monitor(frame, "y", 0.8, order="t", psu="psu", strata="town")
    assert watched["unweighted_deff"].iloc[0] == pytest.approx(stratified)
    assert "deff" not in watched.columns  # not the weighted estimates' deff: named for what it holds


def test_design_effect_is_one_for_a_single_psu():
    frame = pd.DataFrame({"y": [1, 0, 1, 1], "psu": [1, 1, 1, 1], "t": range(4)})
    assert design_effects(frame, "y", psu="psu") == {"all": 1.0}


def test_monitor_by_domain_drops_missing_and_counts():
    frame = pd.DataFrame(
        {
            "town": ["a"] * 60 + ["b"] * 60,
            "y": [1] * 58 + [0, None] + [0] * 40 + [1] * 20,
            "t": range(120),
        }
    )
    out = monitor(frame, "y", 0.8, order="t", by="town").set_index("domain")
    assert out.loc["a", "n"] == 59 and out.loc["a", "successes"] == 58 and out.loc["a", "flag"] == PASSED
    assert out.loc["b", "flag"] == FAILED


def test_monitor_rejects_non_binary_and_unknown_columns():
    frame = pd.DataFrame({"y": [0, 1, 2], "t": [1, 2, 3]})
    with pytest.raises(ValueError, match="'y' must be 0/1, found 2"):
        monitor(frame, "y", 0.8, order="t")
    with pytest.raises(ColumnError, match="'town'"):
        monitor(frame, "y", 0.8, order="t", by="town")


@given(x=st.integers(0, 300), extra=st.integers(0, 300), p0=st.floats(0.05, 0.95))
def test_evidence_is_finite_and_directions_agree(x, extra, p0):
    n = x + extra
    above = mixture_log_evidence(x, n, p0, direction="above")
    below = mixture_log_evidence(x, n, p0, direction="below")
    assert not np.isnan(above) and not np.isnan(below)
    if not (np.isfinite(above) and np.isfinite(below)):
        return  # a hopeless direction underflows to -inf: no evidence, never a flag
    # both mixtures average to the marginal likelihood ratio over (0, 1)
    whole = p0 * np.exp(below) + (1 - p0) * np.exp(above)
    from scipy.special import betaln

    expected = np.exp(betaln(x + 1, n - x + 1) - (x * np.log(p0) + (n - x) * np.log1p(-p0)))
    assert whole == pytest.approx(expected, rel=1e-6)
