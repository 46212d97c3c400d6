"""Validity lint: can a rate be reached without knowing anything, and is the form as short as it says?

For every binary indicator whose items all carry answer keys, computed exactly (no simulation):

- **habits**: the score of a respondent who answers by habit, every item shown:

  ============== =================================================================================
  ``always_yes`` 是/正确 on yes/no and true/false items, the first option of a single choice, every
                 option of a multi-select (except "don't know" and exclusive options)
  ``always_no``  否/错误 on yes/no and true/false items, the last option of a single choice, nothing
                 (or its exclusive option, e.g. "none of these") on a multi-select
  ``always_first`` the first option of every item (是, 正确; one option on a multi-select)
  ``always_last``  the last option of every item, "don't know" excluded (one option on a multi-select)
  ============== =================================================================================

  A habit whose answers meet the indicator's rule is a problem.
- **guessing**: the probability that a respondent who picks uniformly at random among the
  substantive answers of each item (never "don't know"; a multi-select: uniformly among the
  non-empty selections the item accepts) meets the rule. Dynamic programming over the items
  on (correct count, points), exact up to floating point. Above :data:`GUESS_PASS_LIMIT` it is a
  problem.
- **key balance**: how many yes/true against no/false keys, and the position of the keyed option
  of single-choice items (first, middle, last).

The rule is the instrument's, or a profile's (``IndicatorScope.rule`` and ``points``), so a
jurisdiction's cut-off is linted as it will be scored. Rules that read answers directly
(``${q}``) are not linted (their figures are ``None``).

**Completion time** (:func:`estimate_minutes`) for the longest path (every question shown, e.g.
the resident form of a TCM user): Chinese characters read (title, introduction, consent, section
titles, every label, hint and option; whitespace not counted) at :data:`READING_CPM` characters
per minute plus :data:`SECONDS_PER_ANSWER` per answered item for a literate adult, and at the
slower ``elderly`` figures for an older or less literate reader (or a surveyor reading aloud).
An instrument whose estimate for the slowest realistic reader (:data:`SLOWEST_READER`, the older
reader) exceeds its ``estimated_minutes`` is a problem: the stated minutes are a promise to everyone. The speeds
are documented in ``questionnaires/README.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from survey.errors import QuestionnaireProblem
from survey.questionnaire.cues import CueReport, cue_answer, lint_cues
from survey.questionnaire.expressions import EvaluationContext, Value, truthy
from survey.questionnaire.model import IndicatorKind, Question, Questionnaire, QuestionType, pick
from survey.questionnaire.rules import item_points

if TYPE_CHECKING:
    from survey.questionnaire.profiles import Profile

GUESS_PASS_LIMIT = 0.05  # a guesser passing more often than this is a problem
DONT_KNOW = "dont_know"
HABITS = ("always_yes", "always_no", "always_first", "always_last")
READING_CPM = {"adult": 300.0, "elderly": 150.0}  # Chinese characters read per minute
SECONDS_PER_ANSWER = {"adult": 3.0, "elderly": 6.0}  # choosing and tapping one answer
LINT_LANGUAGE = "zh"
SLOWEST_READER = "elderly"  # the stated minutes must hold for the slowest realistic reader

_YES = {QuestionType.YES_NO: "yes", QuestionType.TRUE_FALSE: "true"}
_NO = {QuestionType.YES_NO: "no", QuestionType.TRUE_FALSE: "false"}


@dataclass(frozen=True)
class HabitResult:
    """One habitual respondent: correct items, points and whether the rule counts them."""

    correct: int
    points: float
    share: float  # points / max points
    passes: bool


@dataclass(frozen=True)
class IndicatorLint:
    """The lint figures of one indicator under one scoring (``profile`` None: the instrument's)."""

    questionnaire: str
    indicator: str
    file: str
    profile: str | None
    items: int
    max_points: float
    habits: Mapping[str, HabitResult]
    guess_pass: float | None
    key_balance: Mapping[str, int]
    problems: tuple[QuestionnaireProblem, ...] = ()
    cue_follower: HabitResult | None = None  # survey.questionnaire.cues.cue_answer on every item
    cue_guess_pass: float | None = None  # the cue follower's right items kept, the others guessed

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire,
            "indicator": self.indicator,
            "file": self.file,
            "profile": self.profile,
            "items": self.items,
            "max_points": self.max_points,
            "habits": {
                name: {"correct": h.correct, "points": h.points, "share": round(h.share, 6), "passes": h.passes}
                for name, h in self.habits.items()
            },
            "guess_pass": self.guess_pass,
            "key_balance": dict(self.key_balance),
            "cue_follower": None if self.cue_follower is None else {
                "correct": self.cue_follower.correct, "points": self.cue_follower.points,
                "share": round(self.cue_follower.share, 6), "passes": self.cue_follower.passes},
            "cue_guess_pass": self.cue_guess_pass,
        }


@dataclass(frozen=True)
class TimeEstimate:
    """Estimated minutes for the longest path through an instrument."""

    questionnaire: str
    file: str
    characters: int
    items: int
    minutes: Mapping[str, float]  # reader ("adult", "elderly") -> minutes
    stated_minutes: int | None
    problems: tuple[QuestionnaireProblem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire,
            "file": self.file,
            "characters": self.characters,
            "items": self.items,
            "minutes": {k: round(v, 2) for k, v in self.minutes.items()},
            "stated_minutes": self.stated_minutes,
            "reading_cpm": dict(READING_CPM),
            "seconds_per_answer": dict(SECONDS_PER_ANSWER),
        }


@dataclass
class LintReport:
    indicators: list[IndicatorLint] = field(default_factory=list)
    times: list[TimeEstimate] = field(default_factory=list)
    cues: list[CueReport] = field(default_factory=list)

    @property
    def problems(self) -> list[QuestionnaireProblem]:
        out = [p for lint in self.indicators for p in lint.problems] + [p for t in self.times for p in t.problems]
        out += [p for c in self.cues for p in c.problems]
        return list(dict.fromkeys(out))

    def to_dict(self) -> dict[str, Any]:
        return {
            "guess_pass_limit": GUESS_PASS_LIMIT,
            "indicators": [i.to_dict() for i in self.indicators],
            "completion_time": [t.to_dict() for t in self.times],
            "cues": [c.to_dict() for c in self.cues],
        }


# ------------------------------------------------------------------------------------- answers


def substantive_values(question: Question) -> tuple[str, ...]:
    """The options a respondent can pick other than "don't know"."""
    return tuple(v for v in question.choice_values if v != DONT_KNOW)


def habit_answer(question: Question, habit: str) -> Value:
    """The answer a habitual respondent gives to a keyed item (None: no answer)."""
    values = substantive_values(question)
    if question.type is QuestionType.MULTIPLE:
        plain = [v for v in values if v not in question.exclusive]
        exclusive = [v for v in values if v in question.exclusive]
        if habit == "always_yes":
            return plain or None
        if habit == "always_no":
            return exclusive[:1] or None
        return [values[0]] if habit == "always_first" else [values[-1]]
    if habit == "always_yes":
        return _YES.get(question.type, values[0])
    if habit == "always_no":
        return _NO.get(question.type, values[-1])
    return values[0] if habit == "always_first" else values[-1]


def _is_correct(question: Question, value: Value) -> bool:
    if value is None:
        return False
    if question.type is QuestionType.MULTIPLE:
        return set(value) == set(question.answer or ())  # type: ignore[arg-type]
    return str(value) == str(question.answer)


def valid_selections(question: Question) -> int:
    """Number of non-empty selections a multi-select accepts, "don't know" excluded."""
    values = substantive_values(question)
    plain = [v for v in values if v not in question.exclusive]
    low = max(1, question.min_selected or 1)
    high = min(len(plain), question.max_selected if question.max_selected is not None else len(plain))
    count = sum(math.comb(len(plain), k) for k in range(low, high + 1))
    if low <= 1:
        count += len(values) - len(plain)  # each exclusive option alone
    return count


def guess_probability(question: Question) -> float:
    """Probability that a uniform guesser (never "don't know") answers a keyed item correctly."""
    if question.type is QuestionType.MULTIPLE:
        total = valid_selections(question)
        return 1.0 / total if total else 0.0
    values = substantive_values(question)
    return 1.0 / len(values) if values and str(question.answer) in values else 0.0


# --------------------------------------------------------------------------------------- rules


def _rule_passes(rule: Any, correct: int, points: float, n: int, max_points: float) -> bool:
    functions = {
        "correct_count": lambda: correct,
        "correct_share": lambda: correct / n if n else None,
        "points": lambda: float(points),
        "max_points": lambda: float(max_points),
        "answered_count": lambda: n,
        "item_mean": lambda: None,
        "item_share_at_least": lambda _cutoff: None,
    }
    return truthy(rule.evaluate(EvaluationContext(answers={}, functions=functions)))


def pass_probability(rule: Any, items: Sequence[tuple[float, float]]) -> float:
    """Exact probability that the rule holds when item i is correct with probability ``p_i``
    (independently) and then earns ``points_i``: items given as (p_i, points_i).

    Dynamic programming over the items on the state (correct count, points).
    """
    states: dict[tuple[int, float], float] = {(0, 0.0): 1.0}
    for p, pts in items:
        nxt: dict[tuple[int, float], float] = {}
        for (count, total), prob in states.items():
            if p > 0:
                key = (count + 1, round(total + pts, 9))
                nxt[key] = nxt.get(key, 0.0) + prob * p
            if p < 1:
                nxt[(count, total)] = nxt.get((count, total), 0.0) + prob * (1 - p)
        states = nxt
    n = len(items)
    max_points = sum(pts for _, pts in items)
    return sum(prob for (count, total), prob in states.items() if _rule_passes(rule, count, total, n, max_points))


# ---------------------------------------------------------------------------------------- lint


def lint_indicator(
    questionnaire: Questionnaire, indicator_id: str, profile: Profile | None = None
) -> IndicatorLint | None:
    """The lint figures of a binary indicator (None for a score, or when not every item is keyed)."""
    indicator = questionnaire.indicator(indicator_id)
    items = [questionnaire.question(q) for q in indicator.items]
    if indicator.kind is not IndicatorKind.BINARY or not items or not all(q.is_scored for q in items):
        return None
    scope = profile.scope(indicator_id) if profile is not None else None
    rule = scope.rule if scope is not None and scope.rule is not None else indicator.rule
    points_by_type = scope.points if scope is not None else None
    points = [item_points(q, points_by_type) for q in items]
    max_points = float(sum(points))
    file = indicator.source or questionnaire.source
    where = f"indicator {indicator.id}"
    under = f" under profile '{profile.id}'" if profile is not None else ""
    direct = bool(rule.references)
    problems: list[QuestionnaireProblem] = []
    habits: dict[str, HabitResult] = {}
    for habit in HABITS:
        marks = [_is_correct(q, habit_answer(q, habit)) for q in items]
        correct = sum(marks)
        earned = float(sum(p for p, ok in zip(points, marks) if ok))
        passes = False if direct else _rule_passes(rule, correct, earned, len(items), max_points)
        habits[habit] = HabitResult(correct, earned, earned / max_points if max_points else 0.0, passes)
        if passes:
            problems.append(QuestionnaireProblem(file, where, f"a respondent who answers {habit.replace('_', ' ')} scores "
                                    f"{earned:g} of {max_points:g} and passes '{rule.text}'{under}"))
    guess = None if direct else pass_probability(rule, [(guess_probability(q), p) for q, p in zip(items, points)])
    if guess is not None and guess > GUESS_PASS_LIMIT:
        problems.append(QuestionnaireProblem(file, where, f"a random guesser (never 'don't know') passes '{rule.text}'{under} "
                                f"with probability {guess:.1%} (limit {GUESS_PASS_LIMIT:.0%})"))
    marks = [_is_correct(q, cue_answer(q)) for q in items]
    earned = float(sum(p for p, ok in zip(points, marks) if ok))
    passes = False if direct else _rule_passes(rule, sum(marks), earned, len(items), max_points)
    follower = HabitResult(sum(marks), earned, earned / max_points if max_points else 0.0, passes)
    if passes:
        problems.append(QuestionnaireProblem(file, where, f"a respondent who follows the cues of the options' wording "
                                             f"scores {earned:g} of {max_points:g} and passes '{rule.text}'{under}"))
    cue_guess = None if direct else pass_probability(
        rule, [(1.0 if ok else guess_probability(q), p) for q, p, ok in zip(items, points, marks)])
    return IndicatorLint(questionnaire.id, indicator.id, file, profile.id if profile else None, len(items), max_points,
                         habits, guess, key_balance(items), tuple(problems), follower, cue_guess)


def key_balance(items: Iterable[Question]) -> dict[str, int]:
    """Counts of keys: yes/true, no/false, and single-choice keys in first, middle, last place."""
    out = {"yes": 0, "no": 0, "first": 0, "middle": 0, "last": 0, "multiple": 0}
    for q in items:
        if q.type in _YES:
            out["yes" if q.answer == _YES[q.type] else "no"] += 1
        elif q.type is QuestionType.MULTIPLE:
            out["multiple"] += 1
        else:
            values = substantive_values(q)
            place = values.index(str(q.answer)) if str(q.answer) in values else -1
            out["first" if place == 0 else "last" if place == len(values) - 1 else "middle"] += 1
    return out


def estimate_minutes(questionnaire: Questionnaire, language: str = LINT_LANGUAGE) -> TimeEstimate:
    """Minutes for the longest path (every question shown) by the speeds of this module."""
    texts = [questionnaire.title, questionnaire.introduction, questionnaire.consent]
    texts += [s.title for s in questionnaire.sections]
    items = 0
    for q in questionnaire.questions:
        texts += [q.label, q.hint, *(c.label for c in q.choices)]
        items += q.takes_answer
    characters = sum(len("".join(pick(t, language).split())) for t in texts if t)
    minutes = {reader: characters / READING_CPM[reader] + items * SECONDS_PER_ANSWER[reader] / 60 for reader in READING_CPM}
    problems: tuple[QuestionnaireProblem, ...] = ()
    stated = questionnaire.estimated_minutes
    slow = SLOWEST_READER
    if stated is not None and minutes[slow] > stated:
        problems = (QuestionnaireProblem(questionnaire.source, "estimated_minutes",
                            f"the longest path takes about {minutes[slow]:.1f} minutes for an older or less literate "
                            f"reader ({characters} characters at {READING_CPM[slow]:g}/min, {items} answers at "
                            f"{SECONDS_PER_ANSWER[slow]:g} s), more than the stated {stated}"),)
    return TimeEstimate(questionnaire.id, questionnaire.source, characters, items, minutes, stated, problems)


def lint_questionnaire(questionnaire: Questionnaire, profiles: Iterable[Profile] = ()) -> LintReport:
    """Lint every keyed indicator under the instrument's rule and under each profile that scores
    it differently (its own rule or points), plus the completion time."""
    report = LintReport()
    for indicator in questionnaire.indicators:
        result = lint_indicator(questionnaire, indicator.id)
        if result is None:
            continue
        report.indicators.append(result)
        for profile in profiles:
            scope = profile.scope(indicator.id)
            if scope is None or (scope.rule is None and not scope.points):
                continue
            if questionnaire.jurisdiction and questionnaire.jurisdiction != profile.id:
                continue
            linted = lint_indicator(questionnaire, indicator.id, profile)
            if linted is not None:
                report.indicators.append(linted)
    report.times.append(estimate_minutes(questionnaire))
    report.cues.append(lint_cues(questionnaire))
    return report


def lint_all(questionnaires: Iterable[Questionnaire], profiles: Iterable[Profile] = ()) -> LintReport:
    profiles = list(profiles)
    report = LintReport()
    for questionnaire in questionnaires:
        one = lint_questionnaire(questionnaire, profiles)
        report.indicators += one.indicators
        report.times += one.times
        report.cues += one.cues
    return report


__all__ = [
    "GUESS_PASS_LIMIT", "HABITS", "READING_CPM", "SECONDS_PER_ANSWER", "SLOWEST_READER", "HabitResult", "IndicatorLint",
    "LintReport", "TimeEstimate", "estimate_minutes", "guess_probability", "habit_answer", "key_balance",
    "lint_all", "lint_indicator", "lint_questionnaire", "pass_probability", "valid_selections",
]
