"""What the screens show, from the model: screen-outs, numbering, quiz results, preview keys."""

from __future__ import annotations

import numpy as np

from app.web.views import Context, preview_sections, question_view, quiz_result, render, screened_out, section_questions
from survey.questionnaire.answers import check_answers
from survey.questionnaire.catalog import shipped_questionnaires
from survey.questionnaire.loader import parse_questionnaire_text
from survey.collect.flow import section_problems, view
from survey.collect.simulate import simulate_answers

RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]


def test_an_age_below_the_survey_is_a_screen_out_not_a_mistake() -> None:
    # the shipped form marks it with ends_form_if: the walk ends there, with no problem to fix
    answers = {"resident_6m": "yes", "age_group": "under_15"}
    assert check_answers(RESIDENT, answers).ended_by == "age_group"
    assert section_problems(RESIDENT, answers, 0) == {}
    # a form that marks it with a constraint on the choice alone is recognised too
    form = parse_questionnaire_text(
        "id: f\nversion: '1'\nlanguages: [zh, en]\ntitle: {zh: 表, en: F}\nintroduction: {zh: 说明, en: I}\n"
        "sections:\n  - id: s\n    title: {zh: 节, en: S}\n    questions:\n"
        "      - {id: age, type: single, label: {zh: 年龄, en: Age}, constraint: \". != 'young'\",\n"
        "         choices: [{value: young, label: {zh: 小, en: Young}}, {value: old, label: {zh: 大, en: Old}}]}\n")
    out = screened_out(form, section_problems(form, {"age": "young"}, 0))
    assert out is not None and out.question_id == "age"
    assert screened_out(form, section_problems(form, {"age": "old"}, 0)) is None


def test_numbering_counts_only_questions_shown_before() -> None:
    answers = simulate_answers(RESIDENT, np.random.default_rng(3))
    answers["used_tcm"] = "no"
    answers = {k: v for k, v in answers.items() if check_answers(RESIDENT, answers).shown.get(k)}
    knowledge = next(i for i, s in enumerate(RESIDENT.sections) if s.id == "knowledge")
    first = next(q for q in section_questions(RESIDENT, view(RESIDENT, answers, knowledge), "zh") if q["number"])
    shown_before = sum(1 for s in RESIDENT.sections[:knowledge] for qid in s.question_ids
                       if check_answers(RESIDENT, answers).shown.get(qid))
    assert first["number"] == shown_before + 1


def test_quiz_result_gives_the_score_and_the_key_only_when_allowed() -> None:
    answers = simulate_answers(STAFF, np.random.default_rng(4))
    line, items = quiz_result(STAFF, answers, "zh", with_key=False)
    assert line.startswith("您的得分") and items == []
    line_en, items = quiz_result(STAFF, answers, "en", with_key=True)
    assert line_en.startswith("Your score") and len(items) == len(STAFF.scored_questions)
    assert quiz_result(RESIDENT, simulate_answers(RESIDENT, np.random.default_rng(4)), "zh", with_key=True) == ("", [])


def test_preview_has_keys_only_when_asked() -> None:
    plain = preview_sections(STAFF, "zh", keys=False)
    keyed = preview_sections(STAFF, "zh", keys=True)
    assert not any(q["key"] for s in plain for q in s["questions"])
    assert sum(1 for s in keyed for q in s["questions"] if q["key"]) == len(STAFF.scored_questions)


def test_templates_escape_labels() -> None:
    question = RESIDENT.question("sex")
    view = question_view(question, "zh", answer="female")
    view["label"] = "<b onmouseover=x>性别</b>"
    html = render("section.html", Context("zh", csrf="c", sealed="s"), title="t", section_title="<i>x</i>", position=1, total=2,
                  last=False, questions=[view], earlier_answers="{}", message="", action_url="/?t=a", surveyor=None,
                  mode_line="", notice="", maybe_parts="[]")
    assert "<b onmouseover" not in html and "&lt;b onmouseover=x&gt;" in html and "&lt;i&gt;x&lt;/i&gt;" in html
    assert 'value="female" checked' in html
