"""The respondent form's state, without any UI: steps, live skip logic, drafts and their nonce.

A form goes through the introduction (with consent), then one section at a time (sections that
skip logic hides entirely are passed over), then the thank-you page. The form keeps one
:class:`Draft`: the client nonce made once when the form is first shown, the answers so far, the
step and whether consent was given. The draft is small enough to live in a cookie on the
respondent's phone (:func:`encode_draft`), so a reload or a lost session brings the answers and,
above all, the same nonce back: submitting again then finds the stored row instead of adding one.

>>> draft = new_draft()
>>> decode_draft(encode_draft(draft)) == draft
True
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from survey.answers import check_answers
from survey.errors import AnswerProblem
from survey.questionnaire import Questionnaire, QuestionType

NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
INTRO = -1  # the step before the first section
MAX_DRAFT_CHARS = 3800  # a cookie holds about 4 KB


@dataclass(frozen=True)
class Draft:
    """One form in progress. ``step``: :data:`INTRO`, a section index, or ``done``."""

    nonce: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    step: int = INTRO
    consent: bool = False
    done: bool = False

    def with_answers(self, answers: Mapping[str, Any]) -> Draft:
        return replace(self, answers=dict(answers))


def new_nonce() -> str:
    """A client nonce for the store: 32 hex characters, made once per form."""
    return uuid.uuid4().hex


def new_draft() -> Draft:
    return Draft(nonce=new_nonce())


def encode_draft(draft: Draft) -> str:
    """The draft as compact URL- and cookie-safe text (zlib-compressed JSON, base64url)."""
    payload = {"n": draft.nonce, "a": dict(draft.answers), "s": draft.step, "c": int(draft.consent), "d": int(draft.done)}
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode("ascii")


def decode_draft(text: str | None, questionnaire: Questionnaire | None = None) -> Draft | None:
    """The draft in ``text`` (from :func:`encode_draft`), or None when it is missing or damaged.

    With ``questionnaire``, answers to unknown questions are dropped and the step is kept within
    the questionnaire's sections, so an edited or stale cookie cannot break the form.
    """
    if not isinstance(text, str) or not text or len(text) > 8000:
        return None
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), bufsize=65536)
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    nonce, answers, step = payload.get("n"), payload.get("a"), payload.get("s")
    if not isinstance(nonce, str) or not NONCE.match(nonce) or not isinstance(answers, dict):
        return None
    if not isinstance(step, int) or isinstance(step, bool):
        step = INTRO
    if questionnaire is not None:
        answers = {k: v for k, v in answers.items() if questionnaire.has_question(k)}
        step = max(INTRO, min(step, len(questionnaire.sections) - 1))
    return Draft(nonce, answers, step, bool(payload.get("c")), bool(payload.get("d")))


def cookie_name(campaign_id: int, site_code: str, instrument: str) -> str:
    """One cookie per poster, so two questionnaires on one phone keep their own drafts."""
    return f"tcmf_{campaign_id}_{re.sub(r'[^A-Za-z0-9_-]', '', site_code)}_{instrument}"


def prune_hidden(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only the answers of questions that skip logic shows, given those answers.

    Changing an earlier answer can hide later questions; their old answers are dropped (the
    store refuses an answer to a hidden question). Repeated until nothing changes, as a hidden
    answer can itself have shown another question.
    """
    current = {k: v for k, v in answers.items() if questionnaire.has_question(k) and not _empty(v)}
    while True:
        shown = check_answers(questionnaire, current).shown
        kept = {k: v for k, v in current.items() if shown.get(k) and questionnaire.question(k).takes_answer}
        if kept == current:
            return kept
        current = kept


def shown_sections(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[int]:
    """Indices of the sections with at least one question shown."""
    shown = check_answers(questionnaire, answers).shown
    return [
        index for index, section in enumerate(questionnaire.sections) if any(shown.get(qid) for qid in section.question_ids)
    ]


def next_step(questionnaire: Questionnaire, answers: Mapping[str, Any], step: int) -> int | None:
    """The next shown section after ``step`` (None after the last one)."""
    return next((i for i in shown_sections(questionnaire, answers) if i > step), None)


def previous_step(questionnaire: Questionnaire, answers: Mapping[str, Any], step: int) -> int:
    """The shown section before ``step``, or :data:`INTRO`."""
    return max((i for i in shown_sections(questionnaire, answers) if i < step), default=INTRO)


def progress(questionnaire: Questionnaire, answers: Mapping[str, Any], step: int) -> tuple[int, int]:
    """(position of ``step`` among the shown sections, counting from 1; number shown)."""
    sections = shown_sections(questionnaire, answers)
    if step in sections:
        return sections.index(step) + 1, len(sections)
    return sum(1 for i in sections if i < step), len(sections)


def section_problems(questionnaire: Questionnaire, answers: Mapping[str, Any], step: int) -> dict[str, AnswerProblem]:
    """Question id -> the first problem of each shown question in section ``step``."""
    section_ids = set(questionnaire.sections[step].question_ids)
    out: dict[str, AnswerProblem] = {}
    for problem in check_answers(questionnaire, prune_hidden(questionnaire, answers)).problems:
        if problem.question_id in section_ids:
            out.setdefault(problem.question_id, problem)
    return out


def first_section_with_problems(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> int | None:
    """The first section holding a problem (where the form sends the respondent back to)."""
    problems = {p.question_id for p in check_answers(questionnaire, prune_hidden(questionnaire, answers)).problems}
    for index, section in enumerate(questionnaire.sections):
        if problems.intersection(section.question_ids):
            return index
    return None


def widget_value(questionnaire: Questionnaire, question_id: str, answer: Any) -> Any:
    """A stored answer as the form's widget holds it (choices as text, several as a list)."""
    question = questionnaire.question(question_id)
    if question.type is QuestionType.MULTIPLE:
        return [str(v) for v in answer] if isinstance(answer, (list, tuple)) else []
    if question.type in (QuestionType.SINGLE, QuestionType.YES_NO, QuestionType.TRUE_FALSE, QuestionType.LIKERT5):
        return None if answer is None else str(answer)
    return answer


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


__all__ = [
    "Draft",
    "INTRO",
    "cookie_name",
    "decode_draft",
    "encode_draft",
    "first_section_with_problems",
    "new_draft",
    "new_nonce",
    "next_step",
    "previous_step",
    "progress",
    "prune_hidden",
    "section_problems",
    "shown_sections",
    "widget_value",
]
