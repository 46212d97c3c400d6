"""The respondent form's UI-free flow: the view of one walk, hidden answers dropped, shown sections, steps."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.collect.flow import (
    INTRO,
    first_section_with_problems,
    next_step,
    previous_step,
    progress,
    prune_hidden,
    section_problems,
    shown_sections,
    view,
    with_section,
)
from survey.collect.simulate import simulate_answers
from survey.questionnaire import QuestionType
from survey.questionnaire.answers import check_answers
from survey.questionnaire.catalog import shipped_questionnaires

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


def test_view_answers_every_question_of_one_screen():
    answers = {"resident_6m": "yes", "used_tcm": "no", "sat_site": "township_centre", "ghost": "x", "sex": "  "}
    seen = view(RESIDENT, answers, 0)
    assert seen.clean == {"resident_6m": "yes", "used_tcm": "no"}  # unknown, blank and hidden answers dropped
    assert seen.sections == (0, 2, 3, 4) and (seen.next, seen.previous, seen.position, seen.total) == (2, INTRO, 1, 4)
    assert {"sex", "age_group"} <= set(seen.here) and seen.here["sex"].code == "required"
    assert seen.first_with_problems == 0 and seen.ended_by is None and seen.values["used_tcm"] == "no"
    assert "ghost" not in {p.question_id for p in seen.problems}
    at = seen.at(4)
    assert (at.next, at.previous, at.position) == (None, 3, 4) and at.shown is seen.shown
    ended = view(RESIDENT, {"resident_6m": "no", "sex": "male"}, 0)
    assert ended.ended_by == "resident_6m" and ended.sections == (0,) and ended.next is None


def test_with_section_replaces_only_that_section():
    posted = {"q.sex": ["male", "female"], "q.age_group": ["  "], "q.used_tcm": ["yes"]}
    merged = with_section(RESIDENT, {"sex": "male", "age_group": "25_34", "sat_site": "x"}, 0, lambda name: posted.get(name, []))
    assert merged == {"sex": "female", "used_tcm": "yes", "sat_site": "x"}  # the last value counts; blank is no answer
    kinds = next(q for s in RESIDENT.sections for q in map(RESIDENT.question, s.question_ids) if q.type is QuestionType.MULTIPLE)
    step = next(i for i, s in enumerate(RESIDENT.sections) if kinds.id in s.question_ids)
    values = [c.value for c in kinds.choices[:2]]
    assert with_section(RESIDENT, {}, step, lambda name: values if name == f"q.{kinds.id}" else [])[kinds.id] == values


def _old_prune(questionnaire, answers):
    """prune_hidden as it was: walk again until no answer of a hidden question is left."""
    current = {k: v for k, v in answers.items() if questionnaire.has_question(k) and v not in (None, "", []) and not (
        isinstance(v, str) and not v.strip())}
    while True:
        shown = check_answers(questionnaire, current).shown
        kept = {k: v for k, v in current.items() if shown.get(k) and questionnaire.question(k).takes_answer}
        if kept == current:
            return kept
        current = kept


def _answer_sets(questionnaire):
    """Answers as a page might post them: real choices, wrong values, blanks, unknown ids."""
    values = st.sampled_from(["", " ", "no", "yes", "under_15", "25_34", "3", "999", "-1", "abc", "1.5", "outside_county"])
    per_question = {}
    for qid in (q for section in questionnaire.sections for q in section.question_ids):
        question = questionnaire.question(qid)
        options = [st.sampled_from(list(question.choice_values))] if question.choice_values else []
        if question.type is QuestionType.MULTIPLE:
            options = [st.lists(st.sampled_from(list(question.choice_values)), max_size=3)]
        per_question[qid] = st.one_of(values, *options)
    return st.fixed_dictionaries({}, optional={**per_question, "ghost": values})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_view_agrees_with_walking_the_clean_answers(data):
    questionnaire = data.draw(st.sampled_from([RESIDENT, STAFF]))
    simulated = st.integers(0, 10_000).map(lambda seed: simulate_answers(questionnaire, np.random.default_rng(seed)))
    answers = data.draw(st.one_of(_answer_sets(questionnaire), simulated))
    seen = view(questionnaire, answers)
    assert seen.clean == _old_prune(questionnaire, answers) == prune_hidden(questionnaire, answers)
    walked = check_answers(questionnaire, seen.clean)
    assert seen.problems == tuple(walked.problems) and seen.ended_by == walked.ended_by
    assert seen.values == walked.clean and seen.shown == walked.shown
    assert view(questionnaire, seen.clean) == seen
    checked = seen.checked  # what the store scores without a second walk: exactly the walk of the clean answers
    assert (checked is None) == bool(walked.problems)
    if checked is not None:
        assert checked.answers is seen.clean and checked.version_hash == questionnaire.version_hash
        assert checked.check == walked
    shown = check_answers(questionnaire, answers).shown
    sections = [i for i, s in enumerate(questionnaire.sections) if any(shown.get(q) for q in s.question_ids)]
    assert list(seen.sections) == sections == shown_sections(questionnaire, answers)
    for step in [INTRO, *range(len(questionnaire.sections))]:
        at = seen.at(step)
        assert at.next == next((i for i in sections if i > step), None) == next_step(questionnaire, answers, step)
        assert at.previous == max((i for i in sections if i < step), default=INTRO) == previous_step(questionnaire, answers, step)
        assert (at.position, at.total) == progress(questionnaire, answers, step)
        ids = set(questionnaire.sections[step].question_ids) if step != INTRO else set()
        first = {}
        for problem in walked.problems:
            if problem.question_id in ids:
                first.setdefault(problem.question_id, problem)
        assert dict(at.here) == first == (section_problems(questionnaire, answers, step) if step != INTRO else {})
    assert seen.first_with_problems == first_section_with_problems(questionnaire, answers) == next(
        (i for i, s in enumerate(questionnaire.sections) if {p.question_id for p in walked.problems} & set(s.question_ids)), None)
