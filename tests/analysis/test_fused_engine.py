"""The fused engine (analysis.domain_sums) gives the previous code's numbers (legacy_estimates) to 1e-12
on random designs: strata, one or two stages, fpc, zero weights, missing values, lonely PSUs under
every rule, domains with rows outside them, proportions, means and totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import SurveyDesign
from analysis import domain_sums
from analysis.domain_sums import compute

from . import legacy_estimates as legacy

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RTOL = 1e-12


@st.composite
def designs(draw):
    """A random design and data: 1-5 strata, 1-6 PSUs each (a lonely one is possible), 1-8 rows per
    PSU, optionally households in PSUs with fpc at both stages, some zero weights."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = []
    two_stage = draw(st.booleans())
    for h in range(draw(st.integers(1, 5))):
        for c in range(draw(st.integers(1, 6))):
            for r in range(draw(st.integers(1, 8))):
                rows.append((h, c, r % 3 if two_stage else r))
    df = pd.DataFrame(rows, columns=["h", "c", "hh"])
    n = len(df)
    df["psu"] = df["h"] * 10 + df["c"]
    df["hhid"] = df["psu"] * 10 + df["hh"]
    df["w"] = rng.uniform(0.5, 40.0, n) * (rng.random(n) > draw(st.sampled_from([0.0, 0.1])))
    if not (df["w"] > 0).any():
        df.loc[0, "w"] = 1.0
    miss = draw(st.sampled_from([0.0, 0.15]))
    for j in range(3):
        y = (rng.random(n) < rng.uniform(0.05, 0.95)).astype(np.float64)
        y[rng.random(n) < miss] = np.nan
        df[f"y{j}"] = y if miss else y.astype(draw(st.sampled_from(["int8", "int64", "bool", "float64"])))
    x = rng.normal(50.0, 10.0, n)
    x[rng.random(n) < miss] = np.nan
    df["x"] = x
    dom = rng.choice(np.array(["a", "b", "c"], dtype=object), n)
    if draw(st.booleans()):
        dom[rng.random(n) < 0.1] = None
    df["dom"] = dom
    df["cat"] = pd.Categorical(rng.choice(["p", "q"], n), categories=["p", "q", "unused"])
    lonely = draw(st.sampled_from(["adjust", "average", "certainty", "remove"]))
    kw = dict(weights="w", strata="h", lonely_psu=lonely)
    if two_stage:
        df["N1"] = df.groupby("h")["psu"].transform("nunique") * 3
        df["N2"] = df.groupby("psu")["hhid"].transform("nunique") + 2
        design = SurveyDesign(df, psu=["psu", "hhid"], fpc=["N1", "N2"], **kw)
    else:
        design = SurveyDesign(df, psu=draw(st.sampled_from(["psu", None])), **kw)
    return design


def _close(new, old, name, scale=None):
    """Equal to a relative 1e-12, or to 1e-12 of ``scale`` (default: the largest value) near zero."""
    new, old = np.asarray(new, dtype=np.float64), np.asarray(old, dtype=np.float64)
    assert np.array_equal(np.isnan(new), np.isnan(old)), name
    ok = ~np.isnan(old)
    scale = np.max(np.abs(old[ok]), initial=0.0) if scale is None else scale
    np.testing.assert_allclose(new[ok], old[ok], rtol=RTOL, atol=RTOL * scale, err_msg=name)


def _same(new, old):
    for f in ("n", "missing", "n_rows", "df"):
        np.testing.assert_array_equal(getattr(new, f), getattr(old, f), err_msg=f)
    _close(new.estimate, old.estimate, "estimate")
    # standard errors: relative, or absolute against the estimates' size where the variance is a
    # rounding residue of an exact 0 (e.g. 3e-29 one way, 2e-29 the other)
    size = np.max(np.abs(np.nan_to_num(old.estimate)), initial=1.0)
    _close(np.sqrt(new.variance), np.sqrt(old.variance), "se", size)
    _close(new.variance, old.variance, "variance", np.nanmax(old.variance, initial=0.0) + size * size * 1e-12)
    _close(new.deff, old.deff, "deff", np.nanmax(np.abs(old.deff), initial=1.0))
    assert new.labels == old.labels
    assert (new.deff_note == old.deff_note).all()


@given(designs(), st.sampled_from([None, "h", "dom", "cat"]))
@SETTINGS
def test_proportions_match_the_previous_engine(design, by):
    vars = ["y0", "y1", "y2"]
    new = compute(design, vars, by, "proportion", whole=True)
    old = legacy._compute(design, vars, by, "proportion")
    _same(new, old)
    if new.whole_deff is not None:
        _close(new.whole_deff, legacy.whole_deff(design, old, by, "proportion"), "whole_deff", 1.0)  # a ratio near 1: 1e-12 absolute near zero


@given(designs(), st.sampled_from([None, "h", "dom"]), st.sampled_from(["mean", "total"]))
@SETTINGS
def test_means_and_totals_match_the_previous_engine(design, by, kind):
    _same(compute(design, ["x", "y0"], by, kind), legacy._compute(design, ["x", "y0"], by, kind))


def _clustered(n=20_000, seed=3):
    rng = np.random.default_rng(seed)
    psu = np.sort(rng.integers(0, 200, n))
    y = (rng.random((n, 4)) < rng.uniform(0.2, 0.9, 200)[psu, None]).astype(np.int8)
    df = pd.DataFrame({"st": psu // 10, "psu": psu, "w": rng.uniform(10, 100, 200)[psu] * rng.uniform(0.8, 1.2, n),
                       **{f"y{j}": y[:, j] for j in range(4)}})
    return SurveyDesign(df, weights="w", strata="st", psu="psu")


@pytest.mark.parametrize("by", [None, "st"])
def test_a_clustered_design_goes_through_the_cells_and_matches(by, monkeypatch):
    design = _clustered()
    vars = [f"y{j}" for j in range(4)]
    old = legacy._compute(design, vars, by, "proportion")
    monkeypatch.setattr(domain_sums, "_rows", None)  # the cells route only
    new = compute(design, vars, by, "proportion", whole=True)
    _same(new, old)
    _close(new.whole_deff, legacy._compute(design, vars, None, "proportion").deff[:, 0], "whole_deff", 1.0)


def test_by_the_strata_reuses_their_codes():
    design = _clustered(2_000)
    dom, labels = domain_sums.domain_codes(design, "st")
    assert dom is design.strata_codes
    assert labels == list(range(20))
