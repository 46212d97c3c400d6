"""The respondent form's UI-free flow: hidden answers dropped, shown sections, steps."""

from __future__ import annotations

import numpy as np

from survey.questionnaire.catalog import shipped_questionnaires
from survey.collect.flow import (
    INTRO,
    first_section_with_problems,
    next_step,
    previous_step,
    progress,
    prune_hidden,
    shown_sections,
)
from survey.collect.simulate import simulate_answers

RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]


def test_changing_an_answer_drops_answers_that_skip_logic_now_hides():
    answers = {"used_tcm": "yes", "sat_site": "township_centre", "overall_satisfaction": 5}
    assert prune_hidden(RESIDENT, answers) == answers
    assert prune_hidden(RESIDENT, {**answers, "used_tcm": "no"}) == {"used_tcm": "no"}
    # a visit outside the county is not rated
    assert prune_hidden(RESIDENT, {**answers, "sat_site": "outside_county"}) == {"used_tcm": "yes", "sat_site": "outside_county"}
    # a screen-out ends the form: every later answer is dropped
    assert prune_hidden(RESIDENT, {"resident_6m": "no", "age_group": "25_34", **answers}) == {"resident_6m": "no"}


def test_steps_pass_over_hidden_sections():
    assert shown_sections(RESIDENT, {}) == [0, 2, 3, 4]
    assert next_step(RESIDENT, {}, INTRO) == 0
    assert next_step(RESIDENT, {}, 0) == 2
    assert next_step(RESIDENT, {"used_tcm": "yes"}, 0) == 1
    assert previous_step(RESIDENT, {}, 2) == 0
    assert previous_step(RESIDENT, {}, 0) == INTRO
    assert next_step(RESIDENT, {}, 4) is None
    assert progress(RESIDENT, {}, 2) == (2, 4)
    assert progress(RESIDENT, {"used_tcm": "yes"}, 2) == (3, 5)


def test_a_screen_out_leaves_no_further_section():
    assert shown_sections(RESIDENT, {"resident_6m": "no"}) == [0]
    assert next_step(RESIDENT, {"resident_6m": "no"}, 0) is None
    assert shown_sections(RESIDENT, {"resident_6m": "yes", "age_group": "under_15"}) == [0]


def test_first_section_with_problems():
    answers = simulate_answers(STAFF, np.random.default_rng(2))
    assert first_section_with_problems(STAFF, answers) is None
    missing = dict(answers)
    missing.pop(STAFF.sections[2].question_ids[0])
    assert first_section_with_problems(STAFF, missing) == 2
