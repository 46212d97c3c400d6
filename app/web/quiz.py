"""The staff quiz's result on the thank-you page: points, the pass mark and whether it is reached.

The points and the pass mark are those of the campaign's profile (``questionnaires/profiles``:
the indicator's ``rule``, e.g. ``points() >= 0.6 * max_points()``, and its points per item type),
so the line the respondent reads agrees with how the dashboard counts the response. Only the
questions the respondent was shown count, so "满分" and "共 n 题" agree with the form.

>>> pass_share("points() >= 0.6 * max_points()")
0.6
>>> pass_share("correct_share() >= 0.8")
0.8
>>> pass_share("${x} = 'yes'") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.i18n import translate
from survey.errors import SurveyError
from survey.questionnaire import Questionnaire
from survey.questionnaire.answers import check_answers
from survey.questionnaire.rules import rule_functions
from survey.questionnaire.expressions import EvaluationContext, truthy

_SHARE = re.compile(r"^\s*(?:points\(\)\s*>=\s*([0-9.]+)\s*\*\s*max_points\(\)|correct_share\(\)\s*>=\s*([0-9.]+))\s*$")


def pass_share(rule_text: str) -> float | None:
    """The share of the maximum a rule asks for, when it is of the usual form (else None)."""
    match = _SHARE.match(rule_text or "")
    if not match:
        return None
    return float(match.group(1) or match.group(2))


@dataclass(frozen=True)
class QuizScore:
    points: float
    max_points: float
    questions: int  # scored questions shown
    passed: bool | None  # None: the rule could not be read for this response
    share: float | None  # the pass mark as a share of the maximum

    def line(self, lang: str) -> str:
        values = {"points": _number(self.points), "total": _number(self.max_points), "n": self.questions}
        text = translate("respond.quiz.points", lang, **values)
        if self.passed is None:
            return text
        mark = f"{self.share:.0%}" if self.share is not None else ""
        key = ("respond.quiz.passed" if self.passed else "respond.quiz.not_passed") + ("" if mark else ".plain")
        return text + translate(key, lang, mark=mark)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _profile(profile_id: str):  # noqa: ANN202
    from survey.questionnaire.profiles import load_profile

    try:
        return load_profile(profile_id)
    except (SurveyError, OSError, ValueError):
        return None


def quiz_score(questionnaire: Questionnaire, answers: Mapping[str, Any], profile_id: str) -> QuizScore | None:
    """The result of a staff quiz under the campaign's profile (None for other questionnaires)."""
    if questionnaire.audience != "staff" or not questionnaire.scored_questions:
        return None
    check = check_answers(questionnaire, answers)
    profile = _profile(profile_id)
    for indicator in questionnaire.indicators:
        scope = profile.scope(indicator.id) if profile is not None else None
        rule = indicator.rule
        if scope is not None and scope.rule is not None and all(ref in indicator.items for ref in scope.rule.references):
            rule = scope.rule
        if "points" not in rule.text and "correct_share" not in rule.text:
            continue
        items = [questionnaire.question(qid) for qid in indicator.items]
        functions = rule_functions(items, check.clean, check.shown, scope.points if scope is not None else None)
        keyed = [q for q in items if check.shown.get(q.id) and q.is_scored]
        try:  # the rule itself, whoever answers (a nurse outside the indicator's denominator too)
            passed: bool | None = truthy(rule.evaluate(EvaluationContext(answers=check.clean, functions=functions)))
        except SurveyError:
            passed = None
        return QuizScore(float(functions["points"]()), float(functions["max_points"]()), len(keyed), passed,
                         pass_share(rule.text))
    return None


def key_note(answer_key: str, shown: bool, lang: str) -> str:
    """What the thank-you page says about the answer key when it is not shown now."""
    if shown:
        return ""
    return translate("respond.quiz.key_never" if answer_key == "never" else "respond.quiz.key_later", lang)


__all__ = ["QuizScore", "key_note", "pass_share", "quiz_score"]
