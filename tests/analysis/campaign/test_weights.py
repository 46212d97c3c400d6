"""The weighting policy: plan weights, else N_h / n_h from the stratum's population, else equal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.campaign import ResultOptions
from analysis.campaign.weights import base_weights, campaign_design
from survey.questionnaire.catalog import shipped_questionnaires

RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]


def _rows(design_weight: list[float], stratum_population: list[float]) -> pd.DataFrame:
    return pd.DataFrame({
        "stratum": ["a", "a", "a", "b", "b"],
        "psu": ["a1", "a1", "a2", "b1", "b2"],
        "design_weight": design_weight,
        "stratum_population": stratum_population,
        "stratum_psus": [np.nan] * 5,
        "y": [1.0, 0.0, 1.0, 1.0, 1.0],
    })


def test_plan_weight_first():
    w, how, _ = base_weights(_rows([2.0, 2.0, 3.0, 5.0, 5.0], [900.0] * 3 + [400.0] * 2), RESIDENT)
    assert how == "plan" and w.tolist() == [2.0, 2.0, 3.0, 5.0, 5.0]


def test_stratum_population_over_respondents_without_plan_weights():
    w, how, _ = base_weights(_rows([np.nan, 2.0, 3.0, 5.0, 5.0], [900.0] * 3 + [400.0] * 2), RESIDENT)
    assert how == "population" and w.tolist() == [300.0] * 3 + [200.0] * 2


def test_equal_without_either_and_always_for_staff():
    assert base_weights(_rows([np.nan] * 5, [900.0] * 3 + [np.nan] * 2), RESIDENT)[1] == "equal"
    w, how, _ = base_weights(_rows([2.0, 2.0, 3.0, 5.0, 5.0], [900.0] * 5), STAFF)
    assert how == "equal_staff" and (w == 1).all()


def test_fpc_only_when_every_site_gives_its_stratum_psus():
    rows = _rows([2.0, 2.0, 3.0, 5.0, 5.0], [900.0] * 5)
    assert campaign_design(rows, RESIDENT, ResultOptions()).fpc is None
    rows["stratum_psus"] = [4.0, 4.0, 4.0, 10.0, 10.0]
    made = campaign_design(rows, RESIDENT, ResultOptions())
    assert made.fpc == "stratum_psus" and made.design.stages[0].has_fpc
    assert made.design.weights.tolist() == [2.0, 2.0, 3.0, 5.0, 5.0]
    equal = campaign_design(rows, RESIDENT, ResultOptions(weighting="equal"))
    assert equal.how == "equal" and (equal.design.weights == 1).all()
    assert float(equal.design.proportion("y")["estimate"].iloc[0]) == pytest.approx(0.8)
