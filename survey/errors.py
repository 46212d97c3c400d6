"""The exception tree of ``survey``: every error names where the problem is.

``SurveyError`` is the root. Questionnaire problems carry the file and question id, answer
problems carry the question id and a code the form can translate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class SurveyError(Exception):
    """Root of all errors raised by the ``survey`` library."""


class ProblemsError(SurveyError):
    """A file that cannot be used; ``problems`` lists every :class:`tabular.Problem` found (file,
    row, column, code, message), and the message is one line per problem."""

    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ExpressionError(SurveyError):
    """An expression (skip logic, constraint, rule) that cannot be parsed or evaluated."""

    def __init__(self, message: str, expression: str, position: int | None = None) -> None:
        self.expression = expression
        self.position = position
        where = f" at character {position + 1}" if position is not None else ""
        super().__init__(f"{message}{where} in {expression!r}")
        self.detail = message


@dataclass(frozen=True)
class QuestionnaireProblem:
    """One problem found in a questionnaire or profile (YAML) file: ``file: item: message``, the
    item being a question id, an indicator id or a key. Problems of tables (rows and columns of
    CSV/XLSX files) are :class:`tabular.Problem`."""

    file: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.message}"


class QuestionnaireError(SurveyError):
    """A questionnaire or profile file that cannot be used; ``problems`` lists every problem."""

    def __init__(self, problems: list[QuestionnaireProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownItemError(SurveyError, LookupError):
    """A question or indicator id that the questionnaire does not have (``kind``: ``question`` or
    ``indicator``)."""

    def __init__(self, questionnaire_id: str, kind: str, item_id: str) -> None:
        self.questionnaire_id = questionnaire_id
        self.kind = kind
        self.item_id = item_id
        super().__init__(f"{questionnaire_id}: no {kind} {item_id!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class ProfileError(QuestionnaireError):
    """A jurisdiction profile that does not exist, is malformed, or has no threshold for an
    indicator; the message lists the known profiles or indicators."""


@dataclass(frozen=True)
class AnswerProblem:
    """One answer that breaks the questionnaire.

    ``code`` is one of: ``unknown_question``, ``not_answerable``, ``hidden``, ``required``,
    ``invalid_choice``, ``invalid_type``, ``out_of_range``, ``too_long``, ``selection_count``,
    ``exclusive``, ``constraint``. ``detail`` is an English explanation for logs and errors;
    the form shows a translated message from the code.
    """

    question_id: str
    code: str
    detail: str
    message: Mapping[str, str] | None = None  # the questionnaire's own text per language, if any

    def __str__(self) -> str:
        return f"{self.question_id}: {self.detail}"


class AnswerError(SurveyError):
    """A set of answers that breaks the questionnaire; ``problems`` lists every problem."""

    def __init__(self, problems: list[AnswerProblem], questionnaire_id: str = "") -> None:
        self.problems = list(problems)
        self.questionnaire_id = questionnaire_id
        prefix = f"{questionnaire_id}: " if questionnaire_id else ""
        super().__init__("; ".join(prefix + str(p) for p in self.problems))
