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
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping

import numpy as np

from survey.questionnaire.answers import normalise_answer
from survey.questionnaire.expressions import EvaluationContext, Value
from survey.questionnaire import Question, Questionnaire, QuestionType

DEFAULT_RATE = 0.85
SAMPLE_TEXTS = ("", "", "", "希望增加中医服务时间", "服务很好", "Please add weekend hours")


def _item_rates(questionnaire: Questionnaire, rates: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for indicator in questionnaire.indicators:
        rate = rates.get(indicator.id)
        if rate is None:
            continue
        for item in indicator.items:
            out.setdefault(item, float(rate))
    return out


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
    item_rates = _item_rates(questionnaire, rates or {})
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
                if question.type is QuestionType.YES_NO and not question.is_scored and question.ends_form_if is None:
                    raw: Value = "yes" if rng.random() < use_rate else "no"
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
