"""AAPOR outcome rates: hand computations from AAPOR's formulas, edge cases, properties.

Reference: AAPOR, *Standard Definitions: Final Dispositions of Case Codes and Outcome Rates for
Surveys*, 10th ed. (2023), "Calculating rates from response distributions". Each expected value
below is the formula written out on the counts of the example, not a call into the module.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analysis.response_rates as rr
from analysis import AnalysisError, ColumnError, DataValueError, OptionError
from analysis.response_rates import (
    COLUMNS,
    outcome_rates,
    response_rate_table,
    response_rates,
)

GROUPS = ["I", "P", "R", "NC", "O", "UH", "UO", "NE"]
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_doctests() -> None:
    assert doctest.testmod(rr).failed == 0


def test_columns_are_the_json_contract() -> None:
    assert COLUMNS == ("level", "domain", "I", "P", "R", "NC", "O", "UH", "UO", "NE", "e",
                       "RR1", "RR2", "RR3", "RR4", "COOP1", "REF1", "CON1")
    assert list(response_rates(["I"]).columns) == list(COLUMNS)


def _expand(**counts: int) -> list[str]:
    return [g for g in GROUPS for _ in range(counts.get(g, 0))]


# -- hand computations -------------------------------------------------------------------------

def test_issue_village_6_complete_2_refusal_1_noncontact_1_ineligible() -> None:
    # I = 6, R = 2, NC = 1, NE = 1; P = O = UH = UO = 0
    row = response_rates(_expand(I=6, R=2, NC=1, NE=1)).iloc[0]
    assert (row.I, row.P, row.R, row.NC, row.O, row.UH, row.UO, row.NE) == (6, 0, 2, 1, 0, 0, 0, 1)
    # e = (I+P+R+NC+O)/(I+P+R+NC+O+NE) = 9/10
    assert row.e == pytest.approx(9 / 10)
    # RR1 = I/((I+P)+(R+NC+O)+(UH+UO)) = 6/(6+3+0) = 6/9
    assert row.RR1 == pytest.approx(6 / 9)
    # RR2 = (I+P)/(...) = 6/9; RR3 = RR4 = 6/(9 + e*0) = 6/9
    assert row.RR2 == row.RR3 == row.RR4 == pytest.approx(6 / 9)
    # COOP1 = I/((I+P)+R+O) = 6/8
    assert row.COOP1 == pytest.approx(6 / 8)
    # REF1 = R/((I+P)+(R+NC+O)+(UH+UO)) = 2/9
    assert row.REF1 == pytest.approx(2 / 9)
    # CON1 = ((I+P)+R+O)/((I+P)+R+O+NC+(UH+UO)) = 8/9
    assert row.CON1 == pytest.approx(8 / 9)


def test_every_group_present() -> None:
    I, P, R, NC, O, UH, UO, NE = 50, 5, 10, 8, 2, 6, 4, 15
    row = response_rates(_expand(I=I, P=P, R=R, NC=NC, O=O, UH=UH, UO=UO, NE=NE)).iloc[0]
    e = (50 + 5 + 10 + 8 + 2) / (50 + 5 + 10 + 8 + 2 + 15)  # 75/90
    assert row.e == pytest.approx(75 / 90)
    assert row.RR1 == pytest.approx(50 / (55 + 20 + 10))          # 50/85
    assert row.RR2 == pytest.approx(55 / 85)
    assert row.RR3 == pytest.approx(50 / (55 + 20 + e * 10))      # 50/83.33 = 0.6
    assert row.RR3 == pytest.approx(0.6)
    assert row.RR4 == pytest.approx(55 / (75 + 10 * 75 / 90))     # 0.66
    assert row.COOP1 == pytest.approx(50 / (55 + 10 + 2))         # 50/67
    assert row.REF1 == pytest.approx(10 / 85)
    assert row.CON1 == pytest.approx((55 + 10 + 2) / (55 + 10 + 2 + 8 + 10))  # 67/85


def test_e_set_by_the_campaign() -> None:
    data = _expand(I=50, P=5, R=10, NC=8, O=2, UH=6, UO=4, NE=15)
    row = response_rates(data, e=0.5).iloc[0]
    assert row.e == 0.5
    assert row.RR3 == pytest.approx(50 / (75 + 0.5 * 10))  # 50/80
    assert row.RR4 == pytest.approx(55 / 80)
    assert response_rates(data, e=1).iloc[0].RR3 == pytest.approx(50 / 85)  # e = 1: RR3 = RR1
    assert response_rates(data, e=0).iloc[0].RR3 == pytest.approx(50 / 75)  # e = 0: AAPOR's RR5
    for bad in (-0.1, 1.5, "0.5", True, float("nan")):
        with pytest.raises(AnalysisError):
            response_rates(data, e=bad)


def test_codes_and_words_count_in_their_groups() -> None:
    data = ["1.1", "完成", "complete", "1.2", "2.11", "2.12", "拒访", "2.24", "未接触", "2.33", "3.18", "3.20",
            "资格不明", "4.70", "不符合条件", "nc", "I", 2.2]
    row = response_rates(data).iloc[0]
    assert (row.I, row.P, row.R, row.NC, row.O, row.UH, row.UO, row.NE) == (4, 1, 3, 4, 1, 1, 2, 2)


@pytest.mark.parametrize("bad", ["bogus", None, float("nan"), "1.3"])
def test_bad_disposition_is_named(bad) -> None:
    with pytest.raises(DataValueError, match="row 1"):
        response_rates(["I", bad, "R"])


# -- zero denominators -------------------------------------------------------------------------

def test_all_not_eligible() -> None:
    row = response_rates(["NE", "NE"]).iloc[0]
    assert row.e == 0.0  # 0/(0+2)
    for key in ("RR1", "RR2", "RR3", "RR4", "COOP1", "REF1", "CON1"):
        assert math.isnan(row[key]), key


def test_all_unknown() -> None:
    row = response_rates(["UH", "UO", "UO"]).iloc[0]
    assert math.isnan(row.e)  # no case of known eligibility: 0/0
    assert row.RR1 == 0.0 and row.REF1 == 0.0 and row.CON1 == 0.0  # 0/3
    assert math.isnan(row.RR3) and math.isnan(row.RR4) and math.isnan(row.COOP1)
    assert response_rates(["UH", "UO", "UO"], e=0.5).iloc[0].RR3 == 0.0  # 0/(0.5*3)


def test_only_noncontacts() -> None:
    row = response_rates(["NC"] * 3).iloc[0]
    assert row.RR1 == 0.0 and row.CON1 == 0.0 and math.isnan(row.COOP1)


def test_empty_input_gives_one_row_of_nan() -> None:
    row = response_rates([]).iloc[0]
    assert row.I == 0 and math.isnan(row.e) and math.isnan(row.RR1)


# -- domains -----------------------------------------------------------------------------------

def test_domains_sorted_with_their_level() -> None:
    data = pd.DataFrame({"disposition": ["I", "R", "I", "NC", "NE", "I"],
                         "township": ["乙", "甲", "甲", "乙", "甲", "乙"]})
    out = response_rates(data, "township", level="township")
    assert list(out.domain) == sorted(["甲", "乙"])
    assert list(out.level) == ["township", "township"]
    jia = out.set_index("domain").loc["甲"]
    assert (jia.I, jia.R, jia.NE) == (1, 1, 1) and jia.RR1 == pytest.approx(1 / 2)
    yi = out.set_index("domain").loc["乙"]
    assert (yi.I, yi.NC) == (2, 1) and yi.RR1 == pytest.approx(2 / 3)


def test_arrays_with_domains() -> None:
    out = response_rates(np.array(["I", "R", "I"]), np.array([2, 1, 2]), level="site")
    assert list(out.domain) == [1, 2] and list(out.I) == [0, 2]


def test_table_county_then_levels() -> None:
    data = pd.DataFrame({"group": ["I", "R", "I", "NC", "UO", "I"], "t": list("aabbab"), "s": list("xyzxyz")})
    out = response_rate_table(data, {"township": "t", "site": "s"}, name="灵山县")
    assert list(out.level) == ["county", "township", "township", "site", "site", "site"]
    assert out.domain[0] == "灵山县"
    for level in ("township", "site"):
        assert (out[out.level == level][GROUPS].sum().to_numpy() == out.loc[0, GROUPS].to_numpy()).all()


def test_option_errors() -> None:
    data = pd.DataFrame({"disposition": ["I"], "t": ["a"]})
    with pytest.raises(OptionError, match="level"):
        response_rates(data, "t")
    with pytest.raises(OptionError):
        response_rates(data, "t", level="village")
    with pytest.raises(ColumnError):
        response_rates(data, "nope", level="township")
    with pytest.raises(ColumnError):
        response_rates(data, column="result")
    with pytest.raises(ColumnError):
        response_rates(pd.DataFrame({"x": ["I"]}))
    with pytest.raises(OptionError):
        response_rate_table(data, {"county": "t"})
    with pytest.raises(DataValueError):
        response_rates(["I", "R"], ["a"], level="site")
    with pytest.raises(DataValueError, match="row 1"):
        response_rates(["I", "R"], ["a", None], level="site")
    with pytest.raises(DataValueError):
        outcome_rates([[1, 2, 3]])


# -- properties --------------------------------------------------------------------------------

def _scalar_rates(c: dict[str, int], e: float | None) -> dict[str, float]:
    """AAPOR's formulas case by case in plain Python, independent of the vectorised code."""
    def div(a, b):
        return a / b if b > 0 else math.nan
    elig = c["I"] + c["P"] + c["R"] + c["NC"] + c["O"]
    unk = c["UH"] + c["UO"]
    if e is None:
        e = div(elig, elig + c["NE"])
    eu = e * unk if unk else 0.0
    return {
        "e": e,
        "RR1": div(c["I"], elig + unk), "RR2": div(c["I"] + c["P"], elig + unk),
        "RR3": div(c["I"], elig + eu), "RR4": div(c["I"] + c["P"], elig + eu),
        "COOP1": div(c["I"], c["I"] + c["P"] + c["R"] + c["O"]),
        "REF1": div(c["R"], elig + unk),
        "CON1": div(c["I"] + c["P"] + c["R"] + c["O"], c["I"] + c["P"] + c["R"] + c["O"] + c["NC"] + unk),
    }


samples = st.lists(st.tuples(st.sampled_from(GROUPS), st.sampled_from(["t1", "t2", "t3"])), min_size=0, max_size=80)
e_values = st.one_of(st.none(), st.floats(0, 1))


@given(samples, e_values)
@SETTINGS
def test_matches_the_formulas_case_by_case(rows, e) -> None:
    data = pd.DataFrame(rows, columns=["group", "t"])
    out = response_rate_table(data, {"township": "t"}, e=e)
    for _, row in out.iterrows():
        sub = data if row.level == "county" else data[data.t == row.domain]
        counts = {g: int((sub.group == g).sum()) for g in GROUPS}
        assert {g: row[g] for g in GROUPS} == counts
        for key, want in _scalar_rates(counts, e).items():
            assert (math.isnan(want) and math.isnan(row[key])) or row[key] == pytest.approx(want), key


@given(samples, e_values)
@SETTINGS
def test_rate_orderings_and_bounds(rows, e) -> None:
    data = pd.DataFrame(rows, columns=["group", "t"])
    out = response_rate_table(data, {"township": "t"}, e=e)
    tol = 1e-12
    for _, r in out.iterrows():
        for key in ("e", "RR1", "RR2", "RR3", "RR4", "COOP1", "REF1", "CON1"):
            assert math.isnan(r[key]) or -tol <= r[key] <= 1 + tol, key
        if not math.isnan(r.RR1):
            assert r.RR1 <= r.RR2 + tol
            assert r.RR1 + r.REF1 <= r.CON1 + tol  # I + R <= contacted
            if not math.isnan(r.RR4):
                assert r.RR2 <= r.RR4 + tol and r.RR1 <= r.RR3 + tol and r.RR3 <= r.RR4 + tol
            if not math.isnan(r.COOP1):
                assert r.COOP1 >= r.RR1 - tol


@given(samples)
@SETTINGS
def test_domain_counts_sum_to_the_county(rows) -> None:
    data = pd.DataFrame(rows, columns=["group", "t"])
    out = response_rate_table(data, {"township": "t"})
    county = out[out.level == "county"][GROUPS].to_numpy()[0]
    towns = out[out.level == "township"][GROUPS].to_numpy().sum(axis=0)
    assert (towns == county).all() if len(data) else county.sum() == 0
    assert county.sum() == len(data)


def test_village_of_issue_19_from_visit_logs() -> None:
    # 10 households: 6 completes (two after a non-contact), 2 refusals, 1 non-contact after 3 visits,
    # 1 not eligible found on the 2nd visit. Final codes by AAPOR precedence, then RR1 = 6/(6+2+1) = 6/9.
    from survey.collect.dispositions import final_disposition

    visits = [["1.1"], ["2.24", "1.1"], ["1.1"], ["2.25", "完成"], ["1.1"], ["complete"],
              ["2.11"], ["2.24", "拒访"], ["2.24", "2.24", "2.24"], ["2.24", "4.70"]]
    finals = [final_disposition(v) for v in visits]
    row = response_rates(finals).iloc[0]
    assert (row.I, row.R, row.NC, row.NE) == (6, 2, 1, 1)
    assert row.RR1 == pytest.approx(6 / 9)
