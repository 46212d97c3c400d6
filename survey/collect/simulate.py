"""Random valid answer sets, for demos, load tests and property tests (always labelled simulated).

Each shown question gets an answer that passes validation. For the items of an indicator,
``rates[indicator]`` steers the answers; a Likert item gets 4 or 5 with that probability. Keyed
items follow a simple item-response model, so that item statistics look like real ones: each
simulated respondent has an ability theta ~ N(0, 1), each item a difficulty d_j in [-1.2, 1.2]
fixed by its id, and

    logit P(correct) = logit(rate) - d_j + 1.2 theta;

a wrong answer is a distractor chosen with fixed unequal popularity (one of them rarely),
不知道 where offered (more often at low ability), or for a multiple choice the key with one option
missing or one added. Skip logic is followed live.

An item in several indicators follows the rate of the most specific one given (fewest items):
e.g. a literacy item follows its dimension's rate rather than the whole test's. A question
without a key that is the one item of a binary indicator read from the answer (e.g. 信任率:
``${p_trust} in ('very', 'fairly')``) meets that rule with probability ``rates[indicator]``.
:data:`TYPICAL_RATES` holds illustrative rates for the 中医药健康文化素养 instrument, used unless
``rates`` says otherwise, so that simulated literacy looks like survey results.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping

import numpy as np

from survey.questionnaire.answers import normalise_answer
from survey.questionnaire.expressions import EvaluationContext, Value
from survey.questionnaire import IndicatorKind, Question, Questionnaire, QuestionType

DEFAULT_RATE = 0.85
SAMPLE_TEXTS = ("", "", "", "希望增加中医服务时间", "服务很好", "Please add weekend hours")


# Illustrative rates for questionnaires/literacy.yaml (not survey results): per-item rates of the
# five dimensions chosen so that simulated literacy (70% of the points) lands near the national
# level of recent years (about 20-25%), with the dimensions ordered as national and provincial
# reports find them (simple methods lowest, information understanding highest), and the four
# 普及 rates near those reported (普及, 阅读, 信任 high; 行动 about half).
TYPICAL_RATES: dict[str, float] = {
    "lit_concepts": 0.56, "lit_lifestyle": 0.54, "lit_methods": 0.44, "lit_culture": 0.52, "lit_information": 0.66,
    "popularization": 0.85, "reading": 0.75, "trust": 0.8, "action": 0.45,
}


def _item_rates(questionnaire: Questionnaire, rates: Mapping[str, float]) -> dict[str, float]:
    """Each item's rate: that of the most specific indicator (fewest items) listing it with a rate."""
    out: dict[str, float] = {}
    ranked = sorted(questionnaire.indicators, key=lambda indicator: len(indicator.items))  # stable: file order on ties
    for indicator in ranked:
        rate = rates.get(indicator.id)
        if rate is None:
            continue
        for item in indicator.items:
            out.setdefault(item, float(rate))
    return out


def _steered(questionnaire: Questionnaire, rates: Mapping[str, float]) -> dict[str, tuple[object, float]]:
    """Unkeyed questions that alone make a binary indicator with a rate: question -> (rule, rate)."""
    out: dict[str, tuple[object, float]] = {}
    for indicator in questionnaire.indicators:
        rate = rates.get(indicator.id)
        if rate is None or indicator.kind is not IndicatorKind.BINARY or len(indicator.items) != 1:
            continue
        question = questionnaire.question(indicator.items[0])
        if not question.is_scored and question.type in (QuestionType.SINGLE, QuestionType.YES_NO):
            out.setdefault(question.id, (indicator.rule, float(rate)))
    return out


def _draw_steered(question: Question, rule, rate: float, answers: Mapping[str, Value], rng: np.random.Generator) -> Value:  # noqa: ANN001
    """A choice that meets ``rule`` with probability ``rate`` (uniform within each side)."""
    meets = [v for v in question.choice_values if rule.is_true(EvaluationContext({**answers, question.id: v}))]
    fails = [v for v in question.choice_values if v not in meets]
    side = meets if meets and (not fails or rng.random() < rate) else fails
    return str(side[int(rng.integers(len(side)))])


ABILITY_SLOPE = 0.9
DONT_KNOW = "dont_know"


def _unit(*parts: str) -> float:
    """A number in [0, 1) fixed by ``parts`` (an item's difficulty, a distractor's popularity)."""
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big") / 2**64


def _p_correct(question: Question, rate: float, ability: float) -> float:
    rate = min(max(rate, 0.01), 0.99)
    difficulty = 2.4 * _unit("difficulty", question.id) - 1.2
    z = math.log(rate / (1 - rate)) - difficulty + ABILITY_SLOPE * ability
    return 1 / (1 + math.exp(-z))


def _wrong(question: Question, rng: np.random.Generator, ability: float) -> Value:
    """A plausible wrong answer: a popular distractor more often than a rare one, 不知道 at low ability."""
    values = list(question.choice_values)
    if question.type is QuestionType.MULTIPLE:
        keyed = list(question.answer)
        others = [v for v in values if v not in keyed and v not in question.exclusive]
        if others and (len(keyed) == 1 or rng.random() < 0.5):
            return keyed + [str(rng.choice(others))]
        return [v for v in keyed if v != keyed[int(rng.integers(len(keyed)))]] or keyed[:1] + others[:1]
    wrong = [v for v in values if v != question.answer and v != DONT_KNOW]
    if DONT_KNOW in values and rng.random() < 0.25 + 0.15 * max(-ability, 0.0):
        return DONT_KNOW
    if not wrong:
        return question.answer
    weights = np.asarray([0.03 + _unit("distractor", question.id, v) ** 2 for v in wrong])
    return str(wrong[int(rng.choice(len(wrong), p=weights / weights.sum()))])


def _draw(question: Question, rng: np.random.Generator, rate: float, ability: float = 0.0) -> Value:
    qtype = question.type
    if question.is_scored:
        if rng.random() < _p_correct(question, rate, ability):
            return list(question.answer) if isinstance(question.answer, tuple) else question.answer
        return _wrong(question, rng, ability)
    if qtype is QuestionType.LIKERT5:
        return int(rng.choice([4, 5])) if rng.random() < rate else int(rng.integers(1, 4))
    if qtype in (QuestionType.SINGLE, QuestionType.YES_NO, QuestionType.TRUE_FALSE):
        return str(rng.choice(question.choice_values))
    if qtype is QuestionType.MULTIPLE:
        values = [v for v in question.choice_values if v not in question.exclusive]
        chosen = [v for v in values if rng.random() < 0.4]
        return chosen or [str(rng.choice(question.choice_values))]
    if qtype is QuestionType.NUMBER:
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else low + 100
        value = rng.uniform(low, high)
        return int(round(value)) if question.integer else round(float(value), 1)
    if qtype is QuestionType.TEXT:
        return str(rng.choice(SAMPLE_TEXTS))
    return None


def simulate_answers(
    questionnaire: Questionnaire,
    rng: np.random.Generator,
    *,
    rates: Mapping[str, float] | None = None,
    use_rate: float = 0.6,
) -> dict[str, Value]:
    """One random answer set that passes ``validate_answers``.

    ``use_rate`` is the chance that a yes/no question gating a section (e.g. "used TCM services
    in the past 12 months") is answered yes, so that skip logic is exercised both ways.
    """
    given = {**TYPICAL_RATES, **(rates or {})}
    item_rates = _item_rates(questionnaire, given)
    steered = _steered(questionnaire, given)
    ability = float(rng.normal())
    answers: dict[str, Value] = {}
    for section in questionnaire.sections:
        if section.relevant is not None and not section.relevant.is_true(EvaluationContext(answers)):
            continue
        for qid in section.question_ids:
            question = questionnaire.question(qid)
            if not question.takes_answer:
                continue
            if question.relevant is not None and not question.relevant.is_true(EvaluationContext(answers)):
                continue
            if not question.required and question.type is not QuestionType.TEXT and rng.random() < 0.1:
                continue
            for _ in range(20):
                if qid in steered:
                    raw: Value = _draw_steered(question, *steered[qid], answers, rng)
                elif question.type is QuestionType.YES_NO and not question.is_scored and question.ends_form_if is None:
                    raw = "yes" if rng.random() < use_rate else "no"
                else:
                    raw = _draw(question, rng, item_rates.get(qid, DEFAULT_RATE), ability)
                value, problem = normalise_answer(question, raw)
                if problem is None and question.constraint is not None:
                    ok = question.constraint.is_true(EvaluationContext(answers=answers, current=value))
                    problem = None if ok else problem or True  # type: ignore[assignment]
                if problem is None and question.ends_form_if is not None:  # simulated people are in scope
                    ends = question.ends_form_if.is_true(EvaluationContext(answers=answers, current=value))
                    problem = True if ends else None  # type: ignore[assignment]
                if problem is None:
                    if value not in (None, ""):
                        answers[qid] = value
                    break
    return answers
