"""Turn one response into indicator values, and grade quiz items for the respondent.

``score(questionnaire, answers)`` validates the answers first (``AnswerError`` on any problem),
then evaluates each indicator's rule: binary indicators give 0 or 1, score indicators a number,
and an indicator whose ``applies_if`` is false gives ``None`` (the response is outside its
denominator, e.g. satisfaction for someone who used no TCM service).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from survey.answers import check_answers
from survey.errors import AnswerError
from survey.expressions import EvaluationContext, Value, truthy
from survey.questionnaire import IndicatorKind, Questionnaire, Text
from survey.rules import is_correct, rule_functions

IndicatorValue = int | float | None


def score(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, IndicatorValue]:
    """Each indicator's value for one response (indicator id -> 0/1, a number, or None)."""
    check = check_answers(questionnaire, answers)
    if check.problems:
        raise AnswerError(check.problems, questionnaire.id)
    return score_clean(questionnaire, check.clean, check.shown)


def score_clean(
    questionnaire: Questionnaire, clean: Mapping[str, Value], shown: Mapping[str, bool]
) -> dict[str, IndicatorValue]:
    """Score answers that ``validate_answers`` already accepted (with their visibility)."""
    out: dict[str, IndicatorValue] = {}
    for indicator in questionnaire.indicators:
        if indicator.applies_if is not None and not indicator.applies_if.is_true(EvaluationContext(clean)):
            out[indicator.id] = None
            continue
        items = [questionnaire.question(qid) for qid in indicator.items]
        context = EvaluationContext(answers=clean, functions=rule_functions(items, clean, shown))
        value = indicator.rule.evaluate(context)
        if indicator.kind is IndicatorKind.BINARY:
            out[indicator.id] = 1 if truthy(value) else 0
        else:
            out[indicator.id] = None if value is None else float(value)
    return out


@dataclass(frozen=True)
class ItemGrade:
    """One quiz item as the respondent sees it after submitting."""

    question_id: str
    label: Text
    given: Value
    correct: bool
    points: float
    max_points: float
    answer: str | tuple[str, ...]
    explanation: Text | None


def grade(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[ItemGrade]:
    """Per keyed item shown: the answer given, whether it is correct, the key and explanation."""
    check = check_answers(questionnaire, answers)
    if check.problems:
        raise AnswerError(check.problems, questionnaire.id)
    shown, clean = check.shown, check.clean
    grades: list[ItemGrade] = []
    for question in questionnaire.scored_questions:
        if not shown.get(question.id):
            continue
        given = clean.get(question.id)
        correct = is_correct(question, given)
        assert question.answer is not None
        grades.append(
            ItemGrade(
                question_id=question.id,
                label=question.label,
                given=given,
                correct=correct,
                points=question.points if correct else 0.0,
                max_points=question.points,
                answer=question.answer,
                explanation=question.explanation,
            )
        )
    return grades
