"""Check one respondent's answers against a questionnaire and normalise them.

Questions are walked in order; a question's ``relevant`` (and its section's) is evaluated on
the answers to the questions shown before it, so skip logic is applied exactly as on the form.
Every problem is collected (not just the first), each naming its question. Text answers are
stored without C0 control characters (tab and newline kept); a text that is not valid Unicode
(a lone surrogate) is refused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from survey.errors import AnswerError, AnswerProblem
from survey.questionnaire.expressions import EvaluationContext, Value, is_empty
from survey.questionnaire.model import Question, Questionnaire, QuestionType


# C0 control characters other than tab, newline and carriage return (and DEL): removed from text
# answers (a vertical tab pasted from Word breaks spreadsheets; PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class AnswerCheck(NamedTuple):
    """The outcome of walking a questionnaire with a set of answers."""

    shown: dict[str, bool]  # question id -> shown by skip logic
    clean: dict[str, Value]  # normalised answers of the shown, answered questions
    problems: list[AnswerProblem]
    ended_by: str | None = None  # the screen-out question whose answer ended the form, if any


def screened_out(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Question | None:
    """The question whose ``ends_form_if`` ended the form for these answers (None: in scope)."""
    ended_by = check_answers(questionnaire, answers).ended_by
    return None if ended_by is None else questionnaire.question(ended_by)


def visibility(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, bool]:
    """Which questions are shown, given the answers so far (question id -> shown)."""
    return check_answers(questionnaire, answers).shown


def validate_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Value]:
    """Return the normalised answers of the shown questions; raise AnswerError on any problem.

    A question whose ``ends_form_if`` is true of its answer (a screen-out, e.g. not resident in
    the county) ends the form: every later question counts as hidden.

    Problems: an unknown question id; an answer to a note; an answer to a question that skip
    logic hides; a missing required answer; a choice that does not exist; a value of the wrong
    type, out of range or too long; a selection count or exclusive choice broken; a constraint
    that fails.
    """
    check = check_answers(questionnaire, answers)
    if check.problems:
        raise AnswerError(check.problems, questionnaire.id)
    return check.clean


def answer_problems(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[AnswerProblem]:
    """Every problem with ``answers`` (empty when they are valid)."""
    return check_answers(questionnaire, answers).problems


def check_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> AnswerCheck:
    """Walk the questions in order, applying skip logic, and collect every problem."""
    problems: list[AnswerProblem] = []
    shown: dict[str, bool] = {}
    clean: dict[str, Value] = {}
    ended_by: str | None = None
    for key in answers:
        if not questionnaire.has_question(str(key)):
            problems.append(AnswerProblem(str(key), "unknown_question", "no such question in this questionnaire"))
    context = EvaluationContext(answers=clean)  # sees each answer as it is added to ``clean``
    for section in questionnaire.sections:
        section_shown = section.relevant is None or section.relevant.is_true(context)
        for qid in section.question_ids:
            question = questionnaire.question(qid)
            raw = answers.get(qid)
            if isinstance(raw, str) and not raw.strip():
                raw = None  # blank text is no answer
            visible = ended_by is None and section_shown and (
                question.relevant is None or question.relevant.is_true(context)
            )
            shown[qid] = visible
            if not question.takes_answer:
                if not is_empty(raw):
                    problems.append(AnswerProblem(qid, "not_answerable", "a note takes no answer"))
                continue
            if not visible:
                if not is_empty(raw):
                    problems.append(AnswerProblem(qid, "hidden", "answered although skip logic hides this question"))
                continue
            if is_empty(raw):
                if question.required:
                    problems.append(AnswerProblem(qid, "required", "a required answer is missing"))
                continue
            value, problem = normalise_answer(question, raw)
            if problem is None and question.constraint is not None:
                if not question.constraint.is_true(EvaluationContext(answers=clean, current=value)):
                    own = question.constraint_message
                    detail = own.get("en") or next(iter(own.values())) if own else (
                        f"the answer breaks the rule {question.constraint.text!r}"
                    )
                    problem = AnswerProblem(qid, "constraint", detail, own)
            if problem is not None:
                problems.append(problem)
                continue
            clean[qid] = value
            if question.ends_form_if is not None and question.ends_form_if.is_true(
                EvaluationContext(answers=clean, current=value)
            ):
                ended_by = qid  # a screen-out: every later question is hidden
    return AnswerCheck(shown, clean, problems, ended_by)


_ONE_CHOICE = frozenset({QuestionType.SINGLE, QuestionType.YES_NO, QuestionType.TRUE_FALSE})


def normalise_answer(question: Question, raw: Any) -> tuple[Value, AnswerProblem | None]:
    """The answer in its stored form, or a problem naming what is wrong with it."""
    qid = question.id

    def bad(code: str, detail: str) -> tuple[Value, AnswerProblem]:
        return None, AnswerProblem(qid, code, detail)

    qtype = question.type
    if qtype in _ONE_CHOICE:
        if type(raw) is str and raw in question.choice_values:  # as a form posts it: nothing to convert
            return raw, None
        if isinstance(raw, (list, tuple, dict)):
            return bad("invalid_type", "expected one choice")
        value = _choice_text(raw)
        if value not in question.choice_values:
            return bad("invalid_choice", f"'{value}' is not one of {list(question.choice_values)}")
        return value, None
    if qtype is QuestionType.LIKERT5:
        if raw == "na" and "na" in question.choice_values:
            return "na", None
        number = _number(raw)
        if number is None or not number.is_integer() or not 1 <= number <= 5:
            allowed = "1-5" + (" or 'na'" if "na" in question.choice_values else "")
            return bad("invalid_choice", f"expected a rating {allowed}, got {_shown(raw)}")
        return int(number), None
    if qtype is QuestionType.MULTIPLE:
        if isinstance(raw, str):
            raw = raw.split()
        if not isinstance(raw, (list, tuple)):
            return bad("invalid_type", "expected a list of choices")
        values = [_choice_text(v) for v in raw]
        unknown = [v for v in values if v not in question.choice_values]
        if unknown:
            return bad("invalid_choice", f"{unknown} not among {list(question.choice_values)}")
        if len(set(values)) != len(values):
            return bad("invalid_choice", "a choice is selected twice")
        count = len(values)
        if (question.min_selected is not None and count < question.min_selected) or (
            question.max_selected is not None and count > question.max_selected
        ):
            return bad(
                "selection_count",
                f"{count} selected, expected {question.min_selected or 1} to {question.max_selected or 'any'}",
            )
        exclusive = [v for v in values if v in question.exclusive]
        if exclusive and count > 1:
            return bad("exclusive", f"'{exclusive[0]}' cannot be combined with other choices")
        order = {v: i for i, v in enumerate(question.choice_values)}
        return sorted(values, key=order.__getitem__), None
    if qtype is QuestionType.NUMBER:
        number = _number(raw)
        if number is None or not math.isfinite(number):
            return bad("invalid_type", f"expected a number, got {_shown(raw)}")
        if question.integer and not number.is_integer():
            return bad("invalid_type", f"expected a whole number, got {_shown(raw)}")
        if (question.min is not None and number < question.min) or (question.max is not None and number > question.max):
            return bad("out_of_range", f"{_format(number)} is outside {_format(question.min)} to {_format(question.max)}")
        return (int(number) if number.is_integer() else number), None
    if qtype is QuestionType.TEXT:
        if not isinstance(raw, str):
            return bad("invalid_type", "expected text")
        if _SURROGATE.search(raw):
            return bad("invalid_type", "the text holds a broken character (a lone UTF-16 surrogate)")
        text = _CONTROL.sub("", raw).strip()
        if len(text) > question.max_length:
            return bad("too_long", f"{len(text)} characters, at most {question.max_length}")
        return text, None
    return bad("not_answerable", "this question takes no answer")  # pragma: no cover - notes handled above


def _shown(raw: Any) -> str:
    """``raw`` for a message: at most 40 characters (repr of an int of 4,300+ digits raises)."""
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= 10**18:
        return "a number of more than 18 digits"
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def _choice_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and abs(value) >= 10**18:  # no choice is such a number (and str() of 4,300+ digits raises)
        return "?"
    return str(value).strip()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            return float(value.strip())
    except (ValueError, OverflowError):  # not a number, or an integer beyond any float (400 digits)
        return None
    return None


def _format(number: float | None) -> str:
    if number is None:
        return "any"
    return str(int(number)) if float(number).is_integer() else str(number)
