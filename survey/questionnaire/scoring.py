"""Turn one response into indicator values, and grade quiz items for the respondent.

``score(questionnaire, answers)`` validates the answers first (``AnswerError`` on any problem),
then evaluates each indicator's rule: binary indicators give 0 or 1, score indicators a number,
and an indicator whose ``applies_if`` is false gives ``None`` (the response is outside its
denominator, e.g. satisfaction for someone who used no TCM service).

With ``profile=`` the jurisdiction's scoring replaces the instrument's where the profile gives
one (``survey.questionnaire.profiles.IndicatorScope``: denominator, rule, points per item type), so stored
answers can be scored again under another profile; the instrument (and its hash) is unchanged.
A response that a screen-out question ended (e.g. not resident in the county) is in no
indicator's denominator: every value is ``None``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from survey.questionnaire.answers import AnswerCheck, check_answers
from survey.errors import AnswerError
from survey.questionnaire.expressions import EvaluationContext, Expression, Value, truthy
from survey.questionnaire.model import IndicatorKind, Questionnaire, Text
from survey.questionnaire.rules import is_correct, rule_functions

if TYPE_CHECKING:
    from survey.questionnaire.profiles import Profile

IndicatorValue = int | float | None


def score(
    questionnaire: Questionnaire, answers: Mapping[str, Any], *, profile: Profile | None = None
) -> dict[str, IndicatorValue]:
    """Each indicator's value for one response (indicator id -> 0/1, a number, or None), under
    the instrument's own rules or, with ``profile``, under that jurisdiction's scoring."""
    check = check_answers(questionnaire, answers)
    if check.problems:
        raise AnswerError(check.problems, questionnaire.id)
    return score_check(questionnaire, check, profile=profile)


def score_check(questionnaire: Questionnaire, check: AnswerCheck, *, profile: Profile | None = None) -> dict[str, IndicatorValue]:
    """Score a valid answer walk (``survey.questionnaire.answers.check_answers``): a screened-out response is
    in no denominator (every value None)."""
    if check.ended_by is not None:
        return {indicator.id: None for indicator in questionnaire.indicators}
    return score_clean(questionnaire, check.clean, check.shown, profile=profile)


def rescore(
    questionnaire: Questionnaire, stored_answers: Mapping[str, Any], profile: Profile | None
) -> dict[str, IndicatorValue]:
    """Score a stored response again under ``profile`` (the answers are validated again)."""
    return score(questionnaire, stored_answers, profile=profile)


def score_clean(
    questionnaire: Questionnaire,
    clean: Mapping[str, Value],
    shown: Mapping[str, bool],
    *,
    profile: Profile | None = None,
    only: Collection[str] | None = None,
) -> dict[str, IndicatorValue]:
    """Score answers that ``validate_answers`` already accepted (with their visibility); with
    ``only``, just those indicator ids."""
    out: dict[str, IndicatorValue] = {}
    bound: dict[tuple, dict] = {}
    for indicator in questionnaire.indicators:
        if only is not None and indicator.id not in only:
            continue
        scope = profile.scope(indicator.id) if profile is not None else None
        applies_if = _scoped(questionnaire, scope.applies_if if scope else None, None) or indicator.applies_if
        rule = _scoped(questionnaire, scope.rule if scope else None, indicator.items) or indicator.rule
        if applies_if is not None and not applies_if.is_true(EvaluationContext(clean)):
            out[indicator.id] = None
            continue
        points = scope.points if scope is not None else None
        key = (indicator.items, tuple(sorted(points.items())) if points else ())
        functions = bound.get(key)
        if functions is None:  # indicators over the same items (a pass mark and a score) share their counts
            functions = bound[key] = rule_functions([questionnaire.question(qid) for qid in indicator.items], clean, shown, points)
        context = EvaluationContext(answers=clean, functions=functions)
        value = rule.evaluate(context)
        if indicator.kind is IndicatorKind.BINARY:
            out[indicator.id] = 1 if truthy(value) else 0
        else:
            out[indicator.id] = None if value is None else float(value)
    return out


def _scoped(questionnaire: Questionnaire, expression: Expression | None, items: Sequence[str] | None) -> Expression | None:
    """A profile's expression when it fits this instrument (every question it names exists, and
    a rule names only the indicator's items), else None: the instrument's own applies.
    ``survey check`` reports a profile whose expressions do not fit an instrument."""
    if expression is None:
        return None
    for ref in expression.references:
        if not questionnaire.has_question(ref) or (items is not None and ref not in items):
            return None
    return expression


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
