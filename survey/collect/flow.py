"""The respondent form's flow, without any UI: which sections are shown, what is wrong, where next.

A form goes through the introduction (with consent), then one section at a time (sections that
skip logic hides entirely are passed over), then the thank-you page. The page itself carries the
form's state (``app.web.state``); :func:`view` answers every question the page asks of it from one
walk of the questionnaire (:class:`FormView`). The other helpers are thin wrappers over it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from survey.collect.submission import NONCE, Checked  # noqa: F401 - NONCE: the form's nonce rule (app.web.state)
from survey.errors import AnswerProblem
from survey.questionnaire import Questionnaire, QuestionType
from survey.questionnaire.answers import AnswerCheck, check_answers
from survey.questionnaire.expressions import Value

INTRO = -1  # the step before the first section


@dataclass(frozen=True)
class FormView:
    """A form's answers seen from section ``step``: what is shown, kept, wrong, and where next."""

    step: int
    shown: Mapping[str, bool]  # question id -> shown by skip logic
    clean: Mapping[str, Any]  # the answers as given, without those of hidden questions (and blanks)
    values: Mapping[str, Value]  # the clean answers normalised (``check_answers(...).clean``)
    problems: tuple[AnswerProblem, ...]  # every problem of the clean answers
    by_section: Mapping[int, Mapping[str, AnswerProblem]]  # section -> question id -> its first problem
    ended_by: str | None  # the screen-out question that ended the form, if any
    sections: tuple[int, ...]  # indices of the sections with a question shown
    version_hash: str = ""  # the questionnaire's (``checked``)

    @property
    def checked(self) -> Checked | None:
        """``clean`` with this walk, for the store to score without walking again (None with problems).

        One walk of the answers as given is the walk of ``clean`` (hidden answers never count in
        skip logic), so ``check_answers(questionnaire, clean)`` would give these shown questions
        and values, with no problem."""
        if self.problems:
            return None
        return Checked(self.clean, self.version_hash, AnswerCheck(dict(self.shown), dict(self.values), [], self.ended_by))

    def at(self, step: int) -> FormView:
        """The same answers seen from another section (no walk)."""
        return replace(self, step=step)

    @property
    def next(self) -> int | None:
        """The next shown section after ``step`` (None after the last one)."""
        return next((i for i in self.sections if i > self.step), None)

    @property
    def previous(self) -> int:
        """The shown section before ``step``, or :data:`INTRO`."""
        return max((i for i in self.sections if i < self.step), default=INTRO)

    @property
    def position(self) -> int:
        """Where ``step`` stands among the shown sections, counting from 1."""
        if self.step in self.sections:
            return self.sections.index(self.step) + 1
        return sum(1 for i in self.sections if i < self.step)

    @property
    def total(self) -> int:
        return len(self.sections)

    @property
    def here(self) -> Mapping[str, AnswerProblem]:
        """The problems of section ``step``."""
        return self.by_section.get(self.step, {})

    @property
    def first_with_problems(self) -> int | None:
        """The first section holding a problem (where the form sends the respondent back to)."""
        return min(self.by_section, default=None)


def view(questionnaire: Questionnaire, answers: Mapping[str, Any], step: int = INTRO) -> FormView:
    """The form with ``answers`` at ``step``, from one walk of the questionnaire.

    Answers to hidden questions never count in skip logic, so one walk of the answers as given
    shows what a walk of the clean answers would; the problems of the clean answers are those of
    the questions shown that take an answer.
    """
    check = check_answers(questionnaire, answers)
    shown = check.shown

    def kept(qid: Any) -> bool:
        return bool(shown.get(qid)) and questionnaire.question(qid).takes_answer

    clean = {k: v for k, v in answers.items() if kept(k) and not _empty(v)}
    problems = tuple(p for p in check.problems if kept(p.question_id))
    section_of = questionnaire.section_of
    by_section: dict[int, dict[str, AnswerProblem]] = {}
    for problem in problems:
        by_section.setdefault(section_of[problem.question_id], {}).setdefault(problem.question_id, problem)
    sections = tuple(i for i, s in enumerate(questionnaire.sections) if any(shown.get(qid) for qid in s.question_ids))
    return FormView(step, shown, clean, check.clean, problems, dict(sorted(by_section.items())), check.ended_by, sections,
                    questionnaire.version_hash)


def with_section(
    questionnaire: Questionnaire, answers: Mapping[str, Any], step: int, posted: Callable[[str], Sequence[Any]]
) -> dict[str, Any]:
    """``answers`` with those of section ``step`` replaced by what the page posted: ``posted(name)``
    gives the values of field ``q.<question id>`` (several for a multiple choice, else the last
    one counts; blank text is no answer). Hidden answers stay until :func:`view` drops them."""
    merged = dict(answers)
    for qid in questionnaire.sections[step].question_ids:
        question = questionnaire.question(qid)
        if not question.takes_answer:
            continue
        values = posted(f"q.{qid}")
        if question.type is QuestionType.MULTIPLE:
            value: Any = [v for v in values if isinstance(v, str)] or None
        else:
            raw = values[-1] if values else None
            value = raw.strip() if isinstance(raw, str) and raw.strip() else None
        if value is None:
            merged.pop(qid, None)
        else:
            merged[qid] = value
    return merged


def new_nonce() -> str:
    """A client nonce for the store: 32 hex characters, made once per form."""
    return uuid.uuid4().hex


def prune_hidden(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only the answers of questions that skip logic shows, given those answers (the store
    refuses an answer to a hidden question)."""
    return dict(view(questionnaire, answers).clean)


def shown_sections(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[int]:
    """Indices of the sections with at least one question shown."""
    return list(view(questionnaire, answers).sections)


def next_step(questionnaire: Questionnaire, answers: Mapping[str, Any], step: int) -> int | None:
    """The next shown section after ``step`` (None after the last one)."""
    return view(questionnaire, answers, step).next


def previous_step(questionnaire: Questionnaire, answers: Mapping[str, Any], step: int) -> int:
    """The shown section before ``step``, or :data:`INTRO`."""
    return view(questionnaire, answers, step).previous


def progress(questionnaire: Questionnaire, answers: Mapping[str, Any], step: int) -> tuple[int, int]:
    """(position of ``step`` among the shown sections, counting from 1; number shown)."""
    at = view(questionnaire, answers, step)
    return at.position, at.total


def section_problems(questionnaire: Questionnaire, answers: Mapping[str, Any], step: int) -> dict[str, AnswerProblem]:
    """Question id -> the first problem of each shown question in section ``step``."""
    return dict(view(questionnaire, answers, step).here)


def first_section_with_problems(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> int | None:
    """The first section holding a problem (where the form sends the respondent back to)."""
    return view(questionnaire, answers).first_with_problems


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


__all__ = [
    "INTRO",
    "FormView",
    "first_section_with_problems",
    "new_nonce",
    "next_step",
    "previous_step",
    "progress",
    "prune_hidden",
    "section_problems",
    "shown_sections",
    "view",
    "with_section",
]
