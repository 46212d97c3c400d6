"""Functions available in indicator rules, computed over the indicator's items.

An item that skip logic hid is left out of every count; an item that was shown but left
unanswered counts as not correct. ``correct_share() = correct items / shown keyed items``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

from survey.questionnaire.expressions import Value, is_empty
from survey.questionnaire.model import Question, QuestionType

# name -> (min args, max args)
RULE_FUNCTION_ARITY: dict[str, tuple[int, int | None]] = {
    "correct_count": (0, 0),
    "correct_share": (0, 0),
    "points": (0, 0),
    "max_points": (0, 0),
    "answered_count": (0, 0),
    "item_mean": (0, 0),
    "item_share_at_least": (1, 1),
}
KEYED_RULE_FUNCTIONS = frozenset({"correct_count", "correct_share", "points", "max_points"})
NUMERIC_RULE_FUNCTIONS = frozenset({"item_mean", "item_share_at_least"})


def is_correct(question: Question, value: Value) -> bool:
    """True when ``value`` matches the key: the same choice, or exactly the keyed set (multiple)."""
    if question.answer is None or is_empty(value):
        return False
    if question.type is QuestionType.MULTIPLE:
        chosen = {str(v) for v in value} if isinstance(value, (list, tuple)) else {str(value)}
        return chosen == set(question.answer)
    return str(value) == str(question.answer)


def _numeric(value: Value) -> float | None:
    if is_empty(value) or value == "na" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def item_points(question: Question, points_by_type: Mapping[str, float] | None = None) -> float:
    """Points of a correct answer: the profile's points for the item's type, else the item's own."""
    if points_by_type and str(question.type) in points_by_type:
        return float(points_by_type[str(question.type)])
    return question.points


class _Items:
    """One response's view of an indicator's items, each part worked out on first use: a rule that
    counts correct answers never converts the answers to numbers, and the other way round."""

    def __init__(self, items: Sequence[Question], answers: Mapping[str, Value], shown: Mapping[str, bool],
                 points_by_type: Mapping[str, float] | None) -> None:
        self.answers = answers
        self.points_by_type = points_by_type
        self.visible = [q for q in items if shown.get(q.id, False)]

    @functools.cached_property
    def keyed(self) -> list[Question]:
        return [q for q in self.visible if q.is_scored]

    @functools.cached_property
    def correct(self) -> list[Question]:
        return [q for q in self.keyed if is_correct(q, self.answers.get(q.id))]

    @functools.cached_property
    def numbers(self) -> list[float]:
        return [v for v in (_numeric(self.answers.get(q.id)) for q in self.visible) if v is not None]

    def correct_count(self) -> Value:
        return len(self.correct)

    def correct_share(self) -> Value:
        return len(self.correct) / len(self.keyed) if self.keyed else None

    def points(self) -> Value:
        return float(sum(item_points(q, self.points_by_type) for q in self.correct))

    def max_points(self) -> Value:
        return float(sum(item_points(q, self.points_by_type) for q in self.keyed))

    def answered_count(self) -> Value:
        return sum(not is_empty(self.answers.get(q.id)) for q in self.visible)

    def item_mean(self) -> Value:
        return sum(self.numbers) / len(self.numbers) if self.numbers else None

    def item_share_at_least(self, cutoff: Value) -> Value:
        if not self.numbers or _numeric(cutoff) is None:
            return None
        return sum(v >= float(cutoff) for v in self.numbers) / len(self.numbers)


def rule_functions(
    items: Sequence[Question],
    answers: Mapping[str, Value],
    shown: Mapping[str, bool],
    points_by_type: Mapping[str, float] | None = None,
) -> dict[str, Callable[..., Value]]:
    """Bind the rule functions to one response's answers for the given items.

    ``points_by_type`` (from a jurisdiction profile, e.g. ``{"multiple": 2}``) replaces the
    items' own ``points`` for the types it names. Each count is made when a rule first asks for it.
    """
    bound = _Items(items, answers, shown, points_by_type)
    return {name: getattr(bound, name) for name in RULE_FUNCTION_ARITY}
