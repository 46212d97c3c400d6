"""Post-stratification, raking, non-response adjustment and trimming (SEs versus R: test_r_reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import CalibrationError, DataValueError, OptionError, SurveyDesign

from .conftest import POP_AGE, POP_SEX, POP_TYPES, design


def test_poststratify_reproduces_population_counts_and_keeps_the_design_frozen():
    base = design("dclus1")
    ps = base.poststratify("stype", POP_TYPES)
    sums = pd.Series(ps.weights).groupby(ps.data["stype"].to_numpy()).sum()
    assert sums.to_dict() == pytest.approx(POP_TYPES, rel=1e-12)
    assert base.calibrations == () and len(ps.calibrations) == 1
    assert not np.array_equal(base.weights, ps.weights)


def test_poststratify_errors_name_the_level():
    d = design("dclus1")
    with pytest.raises(CalibrationError, match="level 'M' of 'stype'.*no population count"):
        d.poststratify("stype", {"E": 4421, "H": 755})
    with pytest.raises(CalibrationError, match="cell 'X' of 'stype' has a population count but no respondents"):
        d.poststratify("stype", {**POP_TYPES, "X": 10})
    with pytest.raises(CalibrationError, match="must be positive"):
        d.poststratify("stype", {"E": 0, "H": 755, "M": 1018})


def test_poststratify_matches_numbers_written_as_text():
    df = pd.DataFrame({"g": [1, 1, 2, 2, 2], "y": [1, 0, 1, 1, 0]})
    d = SurveyDesign(df).poststratify("g", {"1": 40, "2": 60})
    assert d.weights.tolist() == pytest.approx([20, 20, 20, 20, 20])


def test_rake_reproduces_every_margin():
    r = design("dtown2").rake({"sex": POP_SEX, "agegroup": POP_AGE})
    data = r.data
    for col, pop in (("sex", POP_SEX), ("agegroup", POP_AGE)):
        sums = pd.Series(r.weights).groupby(data[col].to_numpy()).sum().to_dict()
        assert sums == pytest.approx(pop, rel=1e-9)


def test_rake_failures_are_clear():
    d = design("dtown2")
    with pytest.raises(CalibrationError, match="did not converge in 1 sweeps"):
        d.rake({"sex": POP_SEX, "agegroup": POP_AGE}, tol=1e-14, max_iter=1)
    with pytest.raises(CalibrationError, match="totals disagree"):
        d.rake({"sex": POP_SEX, "agegroup": {**POP_AGE, "65+": 99999}})
    with pytest.raises(CalibrationError, match="cell '80\\+' of 'agegroup'"):
        d.rake({"sex": POP_SEX, "agegroup": {"15-39": 21000, "40-64": 30500, "65+": 14100, "80+": 100}})
    with pytest.raises(OptionError, match="max_iter"):
        d.rake({"sex": POP_SEX}, max_iter=0)


def test_nonresponse_adjustment_keeps_class_totals():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({
        "town": np.repeat(["a", "b", "c"], 20),
        "village": np.tile(np.repeat([1, 2, 3, 4], 5), 3),
        "w": rng.uniform(5, 15, 60),
        "resp": (rng.random(60) < 0.7).astype(int),
        "y": rng.integers(0, 2, 60).astype(float),
    })
    df.loc[df["resp"] == 0, "y"] = np.nan
    d = SurveyDesign(df, weights="w", strata="town", psu="village", nest=True)
    adj = d.adjust_nonresponse("resp", classes="town")
    before = df.groupby("town")["w"].sum()
    after = pd.Series(adj.weights).groupby(df["town"].to_numpy()).sum()
    assert after.to_dict() == pytest.approx(before.to_dict(), rel=1e-12)
    assert (adj.weights[df["resp"].to_numpy() == 0] == 0).all()
    assert adj.df == d.df  # rows and PSUs stay in the design
    t = adj.proportion("y")
    assert int(t["n"][0]) == int(df["resp"].sum())
    with pytest.raises(DataValueError, match="'town' \\(responded\\) must be numeric; row 0 has 'a'"):
        d.adjust_nonresponse("town")
    df2 = df.assign(resp=np.where(df["town"] == "c", 0, df["resp"]))
    with pytest.raises(CalibrationError, match="class \\(town='c'\\) has no respondents"):
        SurveyDesign(df2, weights="w").adjust_nonresponse("resp", classes="town")


def test_trim_as_r_trimweights():
    df = pd.DataFrame({"w": [1.0, 2.0, 3.0, 10.0, 20.0], "y": [1, 0, 1, 1, 0]})
    d = SurveyDesign(df, weights="w")
    t = d.trim(upper=8)
    # R: trimWeights(d, upper = 8): (10 - 8) + (20 - 8) = 14 shared by the 3 untrimmed rows
    assert t.weights.tolist() == pytest.approx([1 + 14 / 3, 2 + 14 / 3, 3 + 14 / 3, 8, 8])
    assert t.weights.sum() == pytest.approx(36)
    strict = d.trim(upper=8, strict=True)
    assert strict.weights.max() <= 8 + 1e-9 and strict.weights.sum() == pytest.approx(36)
    with pytest.raises(CalibrationError, match="keep the total 36"):
        d.trim(upper=6, strict=True)
    with pytest.raises(OptionError):
        d.trim()
    with pytest.raises(OptionError, match="above upper"):
        d.trim(lower=5, upper=2)


def test_calibration_after_calibration_chains_like_r():
    d = design("dstratpsrk")
    assert [c.kind for c in d.calibrations] == ["poststratify", "rake"]
