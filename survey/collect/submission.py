"""A response on its way to the store: :class:`Submission`, and the one place answers are
normalised and scored before a transaction opens (:func:`clean_and_score`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from survey.errors import AnswerError
from survey.questionnaire import answers as answer_rules
from survey.questionnaire.model import Questionnaire
from survey.questionnaire.scoring import score_check

if TYPE_CHECKING:
    from survey.collect.paradata import Paradata

#: A client nonce: made once per form (or visit) on the phone, sent with every attempt; 8-64 of [A-Za-z0-9_-].
NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Submission:
    """One response for :meth:`Store.submit_batch`."""

    site_code: str
    questionnaire: Questionnaire
    answers: Mapping[str, Any]
    nonce: str
    source: str = "import"
    submitted_at: dt.datetime | None = None
    language: str | None = None
    simulated: bool = False
    paradata: Mapping[str, Any] | Paradata | None = None


@dataclass(frozen=True)
class ImportRow:
    """One checked response of an import: clean answers, their scores, paradata as stored columns."""

    site_code: str
    nonce: str
    answers: Mapping[str, Any]
    scores: Mapping[str, Any]
    submitted_at: dt.datetime | None = None
    paradata: Mapping[str, Any] | None = None  # survey.collect.paradata.Paradata.stored(...)


def clean_and_score(
    questionnaire: Questionnaire, answers: Mapping[str, Any], profile: Any = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The normalised answers and their indicator scores under ``profile`` (the campaign's), from
    one walk of the questionnaire (AnswerError listing every problem)."""
    check = answer_rules.check_answers(questionnaire, answers)
    if check.problems:
        raise AnswerError(check.problems, questionnaire.id)
    return check.clean, score_check(questionnaire, check, profile=profile)
