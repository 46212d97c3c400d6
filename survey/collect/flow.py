"""The respondent form's flow, without any UI: which sections are shown, what is wrong, where next.

A form goes through the introduction (with consent), then one section at a time (sections that
skip logic hides entirely are passed over), then the thank-you page. The page itself carries the
form's state (``app.web.state``); this module answers the questions the page asks of it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from survey.questionnaire.answers import check_answers
from survey.errors import AnswerProblem
from survey.questionnaire import Questionnaire, QuestionType

NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
INTRO = -1  # the step before the first section


def new_nonce() -> str:
    """A client nonce for the store: 32 hex characters, made once per form."""
    return uuid.uuid4().hex


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
    "INTRO",
    "first_section_with_problems",
    "new_nonce",
    "next_step",
    "previous_step",
    "progress",
    "prune_hidden",
    "section_problems",
    "shown_sections",
    "widget_value",
]
