"""Answer validation and scoring: every rule function, question type and skip-logic case."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.questionnaire.answers import check_answers, validate_answers, visibility
from survey.errors import AnswerError
from survey.questionnaire.scoring import grade, score
from survey.collect.simulate import simulate_answers


def problem_codes(questionnaire, answers) -> dict[str, str]:
    with pytest.raises(AnswerError) as info:
        validate_answers(questionnaire, answers)
    return {p.question_id: p.code for p in info.value.problems}


def test_valid_answers_score(sample, valid_answers):
    assert score(sample, valid_answers) == {
        "satisfaction": 1,
        "knowledge": 1,  # k1, k2, k3, k5 right, k4 "don't know": 4 of 5 >= 0.6
        "knowledge_score": 0.8,
        "knowledge_points": 5.0,  # k1 is worth 2
        "dimension_mean": 5.0,  # "na" is left out of the mean
    }


def test_normalisation(sample, valid_answers):
    clean = validate_answers(sample, {**valid_answers, "age": "70", "overall": 5.0, "comment": "  好  "})
    assert clean["age"] == 70 and clean["overall"] == 5 and clean["comment"] == "好"
    assert clean["kinds"] == ["acupuncture", "cupping"]  # choice order, not tap order


def test_satisfaction_rule_cutoff(sample, valid_answers):
    for overall, expected in [(1, 0), (3, 0), (4, 1), (5, 1)]:
        assert score(sample, {**valid_answers, "overall": overall})["satisfaction"] == expected


def test_applies_if_false_gives_none_and_skip_logic_hides_section(sample, valid_answers):
    answers = {k: v for k, v in valid_answers.items() if k not in ("kinds", "waiting", "overall")}
    answers["used_tcm"] = "no"
    result = score(sample, answers)
    assert result["satisfaction"] is None and result["dimension_mean"] is None
    shown = visibility(sample, answers)
    assert not shown["overall"] and not shown["kinds"] and shown["k1"]


def test_hidden_item_leaves_the_denominator(sample, valid_answers):
    young = {k: v for k, v in valid_answers.items() if k != "k5"}
    young["age"] = 30  # k5 only for 65+
    young["k4"] = "yes"
    result = score(sample, young)
    assert result["knowledge_score"] == 1.0  # 4 of 4 shown items
    assert [g.question_id for g in grade(sample, young)] == ["k1", "k2", "k3", "k4"]


def test_knowledge_cutoff_is_data(sample, valid_answers):
    wrong = {**valid_answers, "k1": "a", "k2": "true"}  # 2 of 5 right
    assert score(sample, wrong)["knowledge"] == 0
    assert score(sample, wrong)["knowledge_score"] == pytest.approx(0.4)
    three = {**valid_answers, "k1": "a"}  # 3 of 5 = 0.6: the cut-off itself counts
    assert score(sample, three)["knowledge"] == 1


def test_multiple_choice_key_needs_exactly_the_set(sample, valid_answers):
    assert score(sample, {**valid_answers, "k3": ["x"]})["knowledge_score"] == pytest.approx(0.6)
    assert score(sample, {**valid_answers, "k3": ["x", "y", "z"]})["knowledge_score"] == pytest.approx(0.6)


def test_grade_reports_key_and_explanation(sample, valid_answers):
    grades = {g.question_id: g for g in grade(sample, {**valid_answers, "k1": "c"})}
    assert not grades["k1"].correct and grades["k1"].answer == "b" and grades["k1"].max_points == 2
    assert grades["k1"].explanation["zh"] == "解释一"
    assert grades["k3"].correct and grades["k3"].answer == ("x", "z")


@pytest.mark.parametrize(
    ("change", "question", "code"),
    [
        ({"age": None}, "age", "required"),
        ({"age": 12}, "age", "out_of_range"),
        ({"age": 30.5}, "age", "invalid_type"),
        ({"age": "abc"}, "age", "invalid_type"),
        ({"age": True}, "age", "invalid_type"),
        ({"used_tcm": "maybe"}, "used_tcm", "invalid_choice"),
        ({"kinds": ["acupuncture", "laser"]}, "kinds", "invalid_choice"),
        ({"kinds": ["acupuncture", "acupuncture"]}, "kinds", "invalid_choice"),
        ({"kinds": ["none", "cupping"]}, "kinds", "exclusive"),
        ({"kinds": ["acupuncture", "cupping", "tuina", "moxa"]}, "kinds", "selection_count"),
        ({"kinds": 5}, "kinds", "invalid_type"),
        ({"comment": "字" * 21}, "comment", "too_long"),
        ({"comment": 42}, "comment", "invalid_type"),
        ({"overall": 6}, "overall", "invalid_choice"),
        ({"overall": "na"}, "overall", "invalid_choice"),  # only 'waiting' allows na
        ({"k1": ["b"]}, "k1", "invalid_type"),
        ({"intro_note": "x"}, "intro_note", "not_answerable"),
        ({"nonsense": 1}, "nonsense", "unknown_question"),
        ({"k5": "no", "age": 40}, "k5", "hidden"),
    ],
)
def test_each_problem_names_its_question(sample, valid_answers, change, question, code):
    answers = {**valid_answers, **change}
    answers = {k: v for k, v in answers.items() if v is not None}
    assert problem_codes(sample, answers)[question] == code


def test_answer_to_hidden_section_is_rejected(sample, valid_answers):
    answers = {**valid_answers, "used_tcm": "no"}
    codes = problem_codes(sample, answers)
    assert codes == {"kinds": "hidden", "waiting": "hidden", "overall": "hidden"}


def test_all_problems_reported_at_once(sample):
    with pytest.raises(AnswerError) as info:
        score(sample, {"used_tcm": "yes"})
    ids = {p.question_id for p in info.value.problems}
    assert {"age", "kinds", "waiting", "overall", "k1", "k2", "k3", "k4"} <= ids
    assert "sample: age: a required answer is missing" in str(info.value)


def test_blank_text_is_no_answer(sample, valid_answers):
    assert "comment" not in validate_answers(sample, {**valid_answers, "comment": "   "})
    assert problem_codes(sample, {**valid_answers, "used_tcm": " "})["used_tcm"] == "required"


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), rate=st.floats(0, 1))
def test_simulated_answers_are_always_valid(sample, seed, rate):
    answers = simulate_answers(sample, np.random.default_rng(seed), rates={"knowledge": rate, "satisfaction": rate})
    result = score(sample, answers)
    assert result["knowledge"] in (0, 1)
    assert result["satisfaction"] in (0, 1, None)
    assert (result["satisfaction"] is None) == (answers["used_tcm"] == "no")
    assert 0.0 <= result["knowledge_score"] <= 1.0
    assert result["knowledge"] == int(result["knowledge_score"] >= 0.6)


answer_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=True), st.text(max_size=5),
    st.lists(st.sampled_from(["a", "b", "x", "z", "none", "cupping", "acupuncture"]), max_size=4),
    st.sampled_from(["yes", "no", "true", "false", "dont_know", "na", "a", "b", "c", "1", "5"]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answers=st.dictionaries(
        st.sampled_from(["age", "used_tcm", "kinds", "comment", "waiting", "overall", "k1", "k2", "k3", "k4", "k5", "zz"]),
        answer_values,
        max_size=12,
    )
)
def test_random_answers_score_or_raise_answer_error(sample, answers):
    """Any answer set either scores to well-formed values or raises AnswerError, nothing else."""
    check = check_answers(sample, answers)
    try:
        result = score(sample, answers)
    except AnswerError as exc:
        assert exc.problems == check.problems and exc.problems
        assert all(sample.has_question(p.question_id) or p.code == "unknown_question" for p in exc.problems)
        return
    assert not check.problems
    assert set(result) == {i.id for i in sample.indicators}
    assert result["knowledge"] in (0, 1)
    # scoring is a pure function of the answers
    assert score(sample, answers) == result
