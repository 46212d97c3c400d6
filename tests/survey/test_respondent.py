"""The respondent form's UI-free state: drafts in a cookie, hidden answers dropped, steps."""

from __future__ import annotations

import numpy as np

from survey.catalog import shipped_questionnaires
from survey.respondent import (
    INTRO,
    Draft,
    decode_draft,
    encode_draft,
    first_section_with_problems,
    next_step,
    previous_step,
    progress,
    prune_hidden,
    shown_sections,
)
from survey.simulate import simulate_answers

RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]


def test_draft_round_trip_fits_a_cookie():
    answers = simulate_answers(STAFF, np.random.default_rng(1))
    draft = Draft("a" * 32, answers, 2, True, False)
    text = encode_draft(draft)
    assert len(text) < 3800 and all(c.isalnum() or c in "-_" for c in text)
    assert decode_draft(text, STAFF) == draft


def test_damaged_or_foreign_drafts_are_ignored():
    assert decode_draft(None) is None
    assert decode_draft("not a draft") is None
    assert decode_draft(encode_draft(Draft("bad nonce!", {}))) is None
    restored = decode_draft(encode_draft(Draft("b" * 32, {"nope": 1, "sex": "male"}, 99)), RESIDENT)
    assert restored.answers == {"sex": "male"} and restored.step == len(RESIDENT.sections) - 1


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
