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


@dataclass(frozen=True, eq=False)
class Checked:
    """Answers already walked and found valid (the form's last view, ``survey.collect.flow.view``),
    with that walk: :func:`clean_and_score` scores them without walking the questionnaire again.

    It holds only for the very mapping ``answers`` (by identity) and the questionnaire of
    ``version_hash``; with any other answers or questionnaire the answers are checked as usual."""

    answers: Mapping[str, Any]
    version_hash: str
    check: answer_rules.AnswerCheck


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
    questionnaire: Questionnaire, answers: Mapping[str, Any], profile: Any = None, checked: Checked | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The normalised answers and their indicator scores under ``profile`` (the campaign's), from
    one walk of the questionnaire (AnswerError listing every problem); no walk when ``checked`` is
    the walk of these very answers (:class:`Checked`)."""
    reuse = (checked is not None and checked.answers is answers and checked.version_hash == questionnaire.version_hash
             and not checked.check.problems)
    check = checked.check if reuse else answer_rules.check_answers(questionnaire, answers)  # type: ignore[union-attr]
    if check.problems:
        raise AnswerError(check.problems, questionnaire.id)
    return check.clean, score_check(questionnaire, check, profile=profile)
