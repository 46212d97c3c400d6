"""The order in which a respondent sees the options of a quiz item, drawn from the form's nonce.

Keyed single and multiple choice items (the quiz items of the knowledge, service-content and staff
indicators) show their options in an order of their own for each respondent, so that "第3题选B"
passed around a chat group means nothing; "don't know" and any exclusive option (e.g. "none of
these") stay last. Everything else keeps the order of the instrument: scales, yes/no and
true/false items, unkeyed choices (age groups, places) whose order carries meaning.

The order is a pure function of the question and the nonce (SHA-256 of both seeds the shuffle),
so every page of one form, the no-JavaScript path, the phone's draft and a reload all show the same
order, and the order shown can be stored with the paradata (``option_orders``). Answers are
by value, so scoring never sees the order.

"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Mapping

from survey.questionnaire import Question, Questionnaire, QuestionType

DONT_KNOW = "dont_know"
_SHUFFLED = (QuestionType.SINGLE, QuestionType.MULTIPLE)


def shuffles(question: Question) -> bool:
    """Whether the item's options are shown in a per-respondent order (keyed single/multiple)."""
    return question.type in _SHUFFLED and question.is_scored and len(question.choices) > 2


def option_order(question: Question, nonce: str) -> tuple[str, ...]:
    """The choice values of ``question`` in the order the respondent with ``nonce`` sees them."""
    values = question.choice_values
    if not shuffles(question):
        return values
    return _shuffled(values, tuple(question.exclusive), question.id, nonce)


@functools.lru_cache(maxsize=16_384)  # a form's pages and its submit ask for the same orders: about 1,500 recent forms' worth
def _shuffled(values: tuple[str, ...], exclusive: tuple[str, ...], question_id: str, nonce: str) -> tuple[str, ...]:
    last = [v for v in values if v == DONT_KNOW or v in exclusive]
    body = [v for v in values if v not in last]
    seed = hashlib.sha256(f"tcm-survey/option-order/v1\0{nonce}\0{question_id}".encode("utf-8")).digest()
    random.Random(int.from_bytes(seed[:16], "big")).shuffle(body)
    return tuple(body + last)


def option_orders(questionnaire: Questionnaire, nonce: str, shown: Mapping[str, bool] | None = None) -> dict[str, list[str]]:
    """``{question id: values in the order shown}`` for the shuffled items (with ``shown``: only those
    skip logic showed), as stored with the paradata."""
    return {
        q.id: list(option_order(q, nonce))
        for q in questionnaire.questions
        if shuffles(q) and (shown is None or shown.get(q.id))
    }


__all__ = ["option_order", "option_orders", "shuffles"]
