"""Which mode each indicator needs, and the household stage of a drawn plan (the planner's section)."""

from __future__ import annotations

import doctest
import math

import pytest

from sampling import draw_plan, household_plan
from sampling.demo import demo_frame
from sampling.errors import InputError
from sampling.household_plan import MODE_WORDS, MODES, indicator_mode, plan_households


def test_docstring_examples():
    result = doctest.testmod(household_plan)
    assert result.failed == 0 and result.attempted > 0


def test_modes_of_the_indicators():
    assert [indicator_mode(i) for i in ("satisfaction", "knowledge", "service_awareness", "literacy", "staff_policy")] == [
        "site", "household", "household", "household", "staff"]
    assert indicator_mode("something_new") == "household"
    assert set(MODE_WORDS) == set(MODES) and all(set(w) == {"zh", "en"} for w in MODE_WORDS.values())


@pytest.fixture(scope="module")
def plan():
    return draw_plan(demo_frame(), 3, take=18, seed=7)


def test_households_per_village_follow_the_interviews_and_the_eligible_share(plan):
    stage = plan_households(plan, people_per_household=3.0, eligible_share=0.9)
    assert len(stage) == len(plan.table) and stage["village"].tolist() == plan.table[plan.frame.psu].astype(str).tolist()
    assert set(stage["take"]) == {20}  # ceil(18 / 0.9)
    population = plan.table[plan.frame.size].astype(float).tolist()
    assert stage["households_listed"].tolist() == [max(round(p / 3.0), 20) for p in population]
    for row, p1 in zip(stage.itertuples(), plan.table["inclusion_prob"]):
        assert row.household_prob == pytest.approx(row.take / row.households_listed)
        assert row.household_weight == pytest.approx(1 / (p1 * row.household_prob))
    assert set(stage["mode"]) == {"list"}


def test_counted_households_and_modes_per_village(plan):
    first = str(plan.table[plan.frame.psu].iloc[0])
    stage = plan_households(plan, households={first: 400}, mode={first: "随机行走"})
    assert int(stage["households_listed"].iloc[0]) == 400 and stage["mode"].iloc[0] == "random_walk"
    assert set(stage["mode"].iloc[1:]) == {"list"}
    assert math.isclose(stage["household_prob"].iloc[0], int(stage["take"].iloc[0]) / 400)


@pytest.mark.parametrize("kwargs", [{"eligible_share": 0}, {"eligible_share": 1.5}, {"people_per_household": 0.5},
                                    {"people_per_household": True}, {"mode": "door"}])
def test_bad_inputs_are_refused(plan, kwargs):
    with pytest.raises(InputError):
        plan_households(plan, **kwargs)


def test_a_plan_is_needed():
    with pytest.raises(InputError):
        plan_households("plan")  # type: ignore[arg-type]
