"""Complaints and suggestions (柳南's plan item 4): which answer is one, and a phone number for a reply.

A questionnaire's *feedback* questions are its free-text questions that are always asked (no skip
rule, so not an "other, please say" follow-up) and feed no indicator: the resident form's
意见、建议或投诉. A response whose feedback text is not empty is a complaint or suggestion the
office lists (``Store.complaints``).

A respondent may leave a phone number for a reply, after ticking its own consent on the
thank-you page. :func:`parse_phone` accepts a mainland Chinese mobile number (11 digits from 13-19,
``+86`` allowed) or a landline with its area code (``0772-3825100``, an extension after ``-`` or
``转``) and returns it in one written form. The number is stored apart from the answers
(``survey.storage.complaints``) and never leaves the store in an export, a report, the response
frame or a bundle. :func:`mask_phones` hides any number-like run in free text (a handling note)
before it goes into the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from survey.errors import SurveyError
from survey.questionnaire import Questionnaire, QuestionType

STATUSES = ("open", "handled")
MAX_NOTE = 1000

# status code -> its words (zh, en); the codes are stored, people see the words
STATUS_WORDS: dict[str, dict[str, str]] = {
    "open": {"zh": "待处理", "en": "Open"},
    "handled": {"zh": "已处理", "en": "Handled"},
}

_SEPARATORS = re.compile(r"[\s\-－—()（）]+")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
# area codes: 010 and 020-029 have three digits, every other one four; local numbers start with 2-9
_LANDLINE = re.compile(r"(?:\+?86)?(0[12]\d|0[3-9]\d{2})([2-9]\d{6,7})(?:(?:转|ext\.?|x)(\d{1,6}))?", re.IGNORECASE)
_NUMBER_RUN = re.compile(r"(?:\+?\d[\d\s\-－—()（）]{5,}\d)")


class PhoneError(SurveyError):
    """A phone number that is neither a Chinese mobile nor a landline with its area code."""


class ComplaintError(SurveyError):
    """A complaint action that cannot be recorded as given (unknown response, bad status, long note)."""


def feedback_questions(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The ids of the questionnaire's feedback questions (always-asked free text outside indicators)."""
    counted = {item for indicator in questionnaire.indicators for item in indicator.items}
    return tuple(
        q.id for q in questionnaire.questions if q.type is QuestionType.TEXT and q.relevant is None and q.id not in counted
    )


def feedback_text(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> str:
    """The response's complaint or suggestion: its feedback answers, stripped and joined ('' if none)."""
    parts = [str(answers.get(qid) or "").strip() for qid in feedback_questions(questionnaire)]
    return "\n".join(p for p in parts if p)


def parse_phone(text: object) -> str:
    """The phone number written as stored: ``13812345678`` or ``0772-3825100`` (``转12`` for an extension).

    Raises PhoneError for anything else (empty, letters, too short or long, a wrong prefix)."""
    if not isinstance(text, str) or not text.strip() or len(text) > 40:
        raise PhoneError("a phone number is needed: a mobile (11 digits) or a landline with its area code")
    compact = _SEPARATORS.sub("", text.strip())
    mobile = _MOBILE.fullmatch(compact)
    if mobile:
        return mobile.group(1)
    landline = _LANDLINE.fullmatch(compact)
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f"转{extension}" if extension else "")
    raise PhoneError(f"{text.strip()[:40]!r} is not a Chinese mobile number or a landline with its area code")


def mask_phones(text: str) -> str:
    """``text`` with every run of 7 or more digits (and separators) shown as its first 3 and last 2 digits."""

    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) < 7:
            return match.group(0)
        return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]

    return _NUMBER_RUN.sub(mask, text)


def check_note(note: str | None) -> str:
    """The handling note as stored: stripped, at most :data:`MAX_NOTE` characters."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ComplaintError(f"the note is longer than {MAX_NOTE} characters")
    return note


__all__ = [
    "MAX_NOTE",
    "STATUSES",
    "STATUS_WORDS",
    "ComplaintError",
    "PhoneError",
    "check_note",
    "feedback_questions",
    "feedback_text",
    "mask_phones",
    "parse_phone",
]
