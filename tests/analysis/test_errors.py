"""Bad input: clear errors naming the column, value or stratum; never a NaN passed off as a result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import (
    AnalysisError,
    ColumnError,
    DataValueError,
    DesignError,
    LonelyPSUError,
    OptionError,
    SurveyDesign,
)

from .conftest import dataset


def frame(**extra):
    df = pd.DataFrame({
        "town": ["太阳村镇"] * 4 + ["洛满镇"] * 4,
        "village": [1, 1, 2, 2, 1, 1, 2, 2],
        "w": [10.0] * 4 + [20.0] * 4,
        "ok": [1, 0, 1, 1, 0, 1, 1, 1],
    })
    for k, v in extra.items():
        df[k] = v
    return df


def test_every_error_is_an_analysis_error_and_a_value_error():
    for cls in (ColumnError, DataValueError, DesignError, LonelyPSUError, OptionError):
        assert issubclass(cls, AnalysisError) and issubclass(cls, ValueError)


def test_unknown_column_is_named():
    with pytest.raises(ColumnError, match="unknown column 'weight'.*given as weights") as e:
        SurveyDesign(frame(), weights="weight")
    assert e.value.column == "weight"
    d = SurveyDesign(frame(), weights="w")
    with pytest.raises(ColumnError, match="'satisfied'"):
        d.proportion("satisfied")
    with pytest.raises(ColumnError, match="'township'"):
        d.proportion("ok", by="township")


@pytest.mark.parametrize("bad,match", [(-1.0, "non-negative"), (np.nan, "missing"), (np.inf, "non-negative finite")])
def test_bad_weights_name_column_and_row(bad, match):
    df = frame()
    df.loc[5, "w"] = bad
    with pytest.raises(DataValueError, match=f"'w'.*{match}.*row 5|'w'.*row 5.*{match}|{match}.*row 5") as e:
        SurveyDesign(df, weights="w")
    assert e.value.column == "w"


def test_non_numeric_weights():
    with pytest.raises(DataValueError, match="column 'w' \\(weights\\) must be numeric; row 2 has 'ten'"):
        SurveyDesign(frame(w=[1, 1, "ten", 1, 1, 1, 1, 1]), weights="w")


def test_missing_stratum_or_psu_values_are_named():
    with pytest.raises(DataValueError, match="column 'town' has a missing value at row 3"):
        SurveyDesign(frame(town=["a", "a", "a", None, "b", "b", "b", "b"]), strata="town")
    with pytest.raises(DataValueError, match="column 'village' has a missing value at row 0"):
        SurveyDesign(frame(village=[None, 1, 2, 2, 1, 1, 2, 2]), strata="town", psu="village", nest=True)


def test_indicator_not_zero_one():
    d = SurveyDesign(frame(ok=[1, 0, 2, 1, 0, 1, 1, 1]))
    with pytest.raises(DataValueError, match="column 'ok' must be a 0/1 indicator.*row 2 has 2") as e:
        d.proportion("ok")
    assert e.value.value == 2
    with pytest.raises(DataValueError, match="'ok' \\(a 0/1 indicator\\) must be numeric; row 0 has 'yes'"):
        SurveyDesign(frame(ok=["yes", "no"] * 4)).proportion("ok")


def test_missing_indicator_values_are_dropped_and_counted():
    d = SurveyDesign(frame(ok=[1, 0, None, 1, 0, 1, np.nan, 1]), weights="w", strata="town", psu="village", nest=True)
    t = d.proportion("ok")
    assert int(t["n"][0]) == 6 and int(t["missing"][0]) == 2
    by = d.proportion("ok", by="town")
    assert list(by["missing"]) == [1, 1]


def test_psu_ids_repeated_across_strata_need_nest():
    with pytest.raises(DesignError, match="PSU 1 \\(column 'village'\\) appears in strata '太阳村镇' and '洛满镇'.*nest=True"):
        SurveyDesign(frame(), strata="town", psu="village")
    assert SurveyDesign(frame(), strata="town", psu="village", nest=True).df == 2


def test_lonely_psu_under_fail_names_the_stratum():
    df = frame(village=[1, 1, 1, 1, 1, 1, 2, 2])
    with pytest.raises(LonelyPSUError, match="stratum '太阳村镇' \\(column 'town'\\) has only one sampled unit") as e:
        SurveyDesign(df, strata="town", psu="village", nest=True)
    assert e.value.stratum == "太阳村镇"
    assert "adjust" in str(e.value)
    for rule in ("adjust", "average", "certainty", "remove"):
        t = SurveyDesign(df, strata="town", psu="village", nest=True, lonely_psu=rule).proportion("ok")
        assert not pd.isna(t["se"][0])


@pytest.mark.parametrize("bad", ["Fail", "adj", "scaled", None])
def test_lonely_rule_is_a_closed_set(bad):
    with pytest.raises(OptionError, match="lonely_psu must be one of 'fail', 'adjust', 'average', 'certainty', 'remove'"):
        SurveyDesign(frame(), lonely_psu=bad)


def test_fpc_checks():
    with pytest.raises(DesignError, match="mix population counts"):
        SurveyDesign(frame(N=[100, 100, 100, 100, 0.5, 0.5, 0.5, 0.5]), strata="town", fpc="N")
    with pytest.raises(DesignError, match="varies within stratum '太阳村镇'"):
        SurveyDesign(frame(N=[100, 100, 100, 90, 50, 50, 50, 50]), strata="town", fpc="N")
    with pytest.raises(DesignError, match="more than 100% sampling in stratum '洛满镇'"):
        SurveyDesign(frame(N=[100, 100, 100, 100, 3, 3, 3, 3]), strata="town", fpc="N")
    with pytest.raises(DataValueError, match="positive"):
        SurveyDesign(frame(N=[100, 100, 100, 100, -3, -3, -3, -3]), strata="town", fpc="N")
    with pytest.raises(DesignError, match="one fpc column per stage"):
        SurveyDesign(frame(N=100, M=10), psu="village", fpc=["N", "M"])


def test_empty_domain_is_a_row_with_n_zero_and_no_estimate():
    df = frame()
    df["grp"] = pd.Categorical(["x"] * 8, categories=["x", "y"])
    t = SurveyDesign(df, weights="w").proportion("ok", by="grp", threshold=0.8)
    empty = t[t["domain"] == "y"].iloc[0]
    assert empty["n"] == 0
    for col in ("estimate", "se", "ci_low", "ci_high", "deff"):
        assert empty[col] is pd.NA
    assert empty["verdict"] is pd.NA and "no respondents" in empty["note"]
    # all values missing in a domain: the same
    df2 = frame(ok=[1, 0, 1, 1, None, None, None, None])
    t2 = SurveyDesign(df2, weights="w").proportion("ok", by="town")
    row = t2[t2["domain"] == "洛满镇"].iloc[0]
    assert row["n"] == 0 and row["missing"] == 4 and row["estimate"] is pd.NA


def test_results_never_hold_nan():
    d = SurveyDesign(dataset("township"), weights="w", strata="town", psu="village", nest=True, lonely_psu="adjust")
    for ci in ("logit", "beta", "wilson"):
        t = d.proportion(["satisfaction", "allyes", "somezero"], by="town", ci=ci, threshold=0.85)
        for col in ("estimate", "se", "ci_low", "ci_high", "deff", "threshold"):
            values = t[col].to_numpy(dtype=object)
            assert not any(isinstance(v, float) and np.isnan(v) for v in values), col


def test_threshold_checks():
    d = SurveyDesign(frame())
    for bad in (0, 1, 85, -0.1, "high"):
        with pytest.raises(OptionError, match="threshold"):
            d.proportion("ok", threshold=bad)
    with pytest.raises(ColumnError, match="threshold given for 'other'"):
        d.proportion("ok", threshold={"other": 0.8})


def test_design_is_immutable():
    d = SurveyDesign(frame(), weights="w")
    with pytest.raises(AttributeError):
        d._w = None
    with pytest.raises(ValueError):
        d.weights[0] = 3.0
    df = frame()
    d = SurveyDesign(df, weights="w")
    df.loc[0, "ok"] = 0  # changing the caller's frame later does not change the design
    assert d.data.loc[0, "ok"] == 1
