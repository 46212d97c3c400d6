"""The 中医药健康文化素养 instrument (questionnaires/literacy.yaml): it loads and passes the validity
lint with margin, scores hand-made answer sets exactly (multi-select 2 points only for an exact
match, the 70% rule at its boundary), screens out ages outside 15-69, carries 钦州's 25% target
with its source, and its simulated answers look like survey results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.items import item_analysis
from survey.collect.simulate import simulate_answers
from survey.questionnaire import IndicatorKind, QuestionType
from survey.questionnaire.catalog import shipped_questionnaires
from survey.questionnaire.checks import check_paths, default_paths
from survey.questionnaire.lint import lint_questionnaire
from survey.questionnaire.profiles import load_profile
from survey.questionnaire.scoring import score

LITERACY = shipped_questionnaires()["literacy"]
QINZHOU = load_profile("qinzhou")
DIMENSIONS = ("lit_concepts", "lit_lifestyle", "lit_methods", "lit_culture", "lit_information")
REACH = ("popularization", "reading", "trust", "action")
ITEMS = LITERACY.indicator("literacy").items
BACKGROUND = {"resident_6m": "yes", "age_group": "35_44", "sex": "female", "education": "junior_secondary",
              "residence": "rural", "p_heard": "yes", "p_channels": ["tv_radio", "doctor"], "p_read": "no",
              "p_trust": "fairly", "p_act": "no"}


def key(qid: str):  # noqa: ANN201
    answer = LITERACY.question(qid).answer
    return list(answer) if isinstance(answer, tuple) else answer


def wrong(qid: str):  # noqa: ANN201
    """A wrong substantive answer (a multi-select: the key plus one wrong option)."""
    q = LITERACY.question(qid)
    if q.type is QuestionType.MULTIPLE:
        extra = next(v for v in q.choice_values if v not in q.answer and v not in q.exclusive)
        return [*q.answer, extra]
    return next(v for v in q.choice_values if v != q.answer and v != "dont_know")


def answers(wrong_items=(), dont_know=()) -> dict:  # noqa: ANN001
    out = dict(BACKGROUND)
    for qid in ITEMS:
        if qid in dont_know:
            out[qid] = ["dont_know"] if LITERACY.question(qid).type is QuestionType.MULTIPLE else "dont_know"
        else:
            out[qid] = wrong(qid) if qid in wrong_items else key(qid)
    return out


def points(qid: str) -> int:
    return 2 if LITERACY.question(qid).type is QuestionType.MULTIPLE else 1


def test_structure_and_check():
    assert LITERACY.audience == "residents" and LITERACY.estimated_minutes == 20
    kinds = {i.id: i.kind for i in LITERACY.indicators}
    assert [i.id for i in LITERACY.indicators] == ["literacy", *DIMENSIONS, *REACH, "literacy_score"]
    assert kinds["literacy_score"] is IndicatorKind.SCORE and all(kinds[i] is IndicatorKind.BINARY for i in (*DIMENSIONS, *REACH))
    dims = [set(LITERACY.indicator(d).items) for d in DIMENSIONS]
    assert set().union(*dims) == set(ITEMS) and sum(map(len, dims)) == len(ITEMS) == 37  # five disjoint dimensions
    types = [LITERACY.question(q).type for q in ITEMS]
    assert types.count(QuestionType.MULTIPLE) == 8 and sum(points(q) for q in ITEMS) == 45
    for qid in ITEMS:  # every item offers "don't know" and its key is a real choice
        q = LITERACY.question(qid)
        assert "dont_know" in q.choice_values and q.explanation and q.explanation["zh"] and q.explanation["en"]
        if q.type is QuestionType.MULTIPLE:
            assert q.points == 2 and q.exclusive == ("dont_know",) and 2 <= len(q.answer) < len(q.choice_values) - 1
    report = check_paths(default_paths())
    assert report.ok, report.problems


def test_lint_figures_every_indicator_with_margin():
    """No habit passes; a random guesser passes each literacy indicator at most 2% of the time
    (the lint's limit is 5%), under the instrument's rule and 钦州's; the form fits its 20 minutes."""
    report = lint_questionnaire(LITERACY, [QINZHOU])
    figures = {(i.indicator, i.profile): i for i in report.indicators}
    for indicator in ("literacy", *DIMENSIONS):
        for profile in (None, "qinzhou"):
            lint = figures[(indicator, profile)]
            assert not lint.problems
            assert lint.guess_pass is not None and lint.guess_pass <= 0.02, (indicator, lint.guess_pass)
            assert not any(h.passes for h in lint.habits.values())
            assert max(h.share for h in lint.habits.values()) < 0.5
    assert figures[("literacy", None)].guess_pass < 1e-6 and figures[("literacy", None)].max_points == 45
    balance = figures[("literacy", None)].key_balance
    assert balance["yes"] == balance["no"] == 4 and min(balance["first"], balance["last"]) >= 4
    (time,) = report.times
    assert not time.problems and time.minutes["adult"] <= 20 <= time.minutes["elderly"] + 2  # honest for a slow reader


def test_all_right_all_wrong_and_dont_know():
    full = score(LITERACY, answers(), profile=QINZHOU)
    assert full["literacy"] == 1 and full["literacy_score"] == 1.0 and all(full[d] == 1 for d in DIMENSIONS)
    assert (full["popularization"], full["reading"], full["trust"], full["action"]) == (1, 0, 1, 0)
    none = score(LITERACY, answers(dont_know=ITEMS), profile=QINZHOU)
    assert none["literacy"] == 0 and none["literacy_score"] == 0.0 and not any(none[d] for d in DIMENSIONS)
    assert none["popularization"] == 1  # 普及 has no right answers: don't-knows elsewhere change nothing


def test_multi_select_scores_two_points_only_for_an_exact_match():
    qid = "c_principles"
    q = LITERACY.question(qid)
    for given, earned in ((list(q.answer), 2), (list(q.answer)[:2], 0), ([*q.answer, "tonics"], 0), (["dont_know"], 0)):
        a = answers()
        a[qid] = given
        assert score(LITERACY, a, profile=QINZHOU)["literacy_score"] == pytest.approx((43 + earned) / 45)


def test_the_70_percent_rule_at_the_boundary():
    """45 points: 70% is 31.5, so 32 passes and 31 does not; 钦州's profile scores alike."""
    singles = [q for q in ITEMS if points(q) == 1]
    multis = [q for q in ITEMS if points(q) == 2]
    at_32 = answers(wrong_items=multis[:6] + singles[:1])  # 45 - 12 - 1
    at_31 = answers(wrong_items=multis[:6] + singles[:2])
    for profile in (None, QINZHOU):
        s32, s31 = score(LITERACY, at_32, profile=profile), score(LITERACY, at_31, profile=profile)
        assert s32["literacy_score"] == pytest.approx(32 / 45) and s32["literacy"] == 1
        assert s31["literacy_score"] == pytest.approx(31 / 45) and s31["literacy"] == 0
    # a dimension of 9 points (7 items): 7 points pass (>= 6.3), 6 do not
    concepts = LITERACY.indicator("lit_concepts").items
    one_multi = [q for q in concepts if points(q) == 2][:1]
    ones = [q for q in concepts if points(q) == 1]
    assert score(LITERACY, answers(wrong_items=one_multi), profile=QINZHOU)["lit_concepts"] == 1  # 7 of 9
    assert score(LITERACY, answers(wrong_items=one_multi + ones[:1]), profile=QINZHOU)["lit_concepts"] == 0  # 6 of 9


@pytest.mark.parametrize("age, screened", [("under_15", True), ("15_24", False), ("65_69", False), ("70_plus", True)])
def test_ages_outside_15_to_69_are_screened_out(age, screened):
    a = {"resident_6m": "yes", "age_group": age} if screened else {**answers(), "age_group": age}
    values = score(LITERACY, a)
    assert all(v is None for v in values.values()) is screened


def test_qinzhou_profile_threshold_rule_and_sources():
    assert QINZHOU.threshold("literacy") == 0.25 and QINZHOU.household_ages == (15, 69)
    scope = QINZHOU.scope("literacy")
    assert "钦政办〔2023〕26号" in scope.source["zh"] and "25%" in scope.source["zh"] and "18.9%" in scope.source["zh"]
    assert scope.rule.text == "points() >= 0.7 * max_points()" and scope.official == "share"
    assert dict(scope.points) == {"true_false": 1, "yes_no": 1, "single": 1, "multiple": 2}
    assert "70%" in scope.scoring_source["zh"] and "2016" in scope.scoring_source["zh"]
    for dim in DIMENSIONS:
        assert QINZHOU.scope(dim).rule.text == scope.rule.text and "约定" in QINZHOU.scope(dim).scoring_source["zh"]
    assert QINZHOU.scope("literacy_score").official == "mean"
    assert load_profile("liunan").find_threshold("literacy") is None  # 柳南's plan sets no 素养 target


def test_simulated_answers_look_like_survey_results():
    rng = np.random.default_rng(7)
    rows = []
    for _ in range(1500):
        a = simulate_answers(LITERACY, rng)
        rows.append({**a, **score(LITERACY, a, profile=QINZHOU)})
    frame = pd.DataFrame(rows)
    rates = frame[[i.id for i in LITERACY.indicators]].mean()
    assert 0.15 <= rates["literacy"] <= 0.35  # near the national level of recent years
    assert rates["lit_methods"] == min(rates[list(DIMENSIONS)]) and rates["lit_information"] == max(rates[list(DIMENSIONS)])
    assert 0.75 <= rates["trust"] <= 0.85 and 0.38 <= rates["action"] <= 0.52 and rates["popularization"] > rates["action"]
    result = item_analysis(frame, LITERACY, "literacy", points={"multiple": 2})
    correct = [i.correct for i in result.items]
    assert max(correct) - min(correct) > 0.3 and min(correct) > 0.15 and max(correct) < 0.95  # easy and hard items
    assert all(i.item_total > 0.15 for i in result.items) and 0.7 < result.alpha < 0.95
    assert np.mean([i.dont_know for i in result.items if LITERACY.question(i.id).type is not QuestionType.MULTIPLE]) > 0.05
