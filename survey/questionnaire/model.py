"""The questionnaire model: immutable instruments, sections, questions and indicators.

Built by ``survey.questionnaire.loader`` from YAML (or ``survey.questionnaire.xlsform`` from an XLSForm); read by the
answer validation, the scoring, the storage and the app. ``Questionnaire.version_hash`` is
the SHA-256 of the canonical JSON of everything a respondent sees and every rule that scores
them, so a stored response is tied to exactly the text that was shown.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from survey.errors import UnknownItemError
from survey.questionnaire.expressions import Expression

Text = Mapping[str, str]  # language code -> text


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    LIKERT5 = "likert5"
    YES_NO = "yes_no"
    TRUE_FALSE = "true_false"
    NUMBER = "number"
    TEXT = "text"
    NOTE = "note"


CHOICE_TYPES = frozenset(
    {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.LIKERT5, QuestionType.YES_NO, QuestionType.TRUE_FALSE}
)
KEYED_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.YES_NO, QuestionType.TRUE_FALSE})


class IndicatorKind(StrEnum):
    BINARY = "binary"  # 0/1 per response: the rates of the standard
    SCORE = "score"  # a number per response (e.g. share of items correct)


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Question:
    """One question. ``answer`` is the quiz key (a value, or a tuple for ``multiple``)."""

    id: str
    type: QuestionType
    label: Text
    section_id: str
    hint: Text | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = True
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: Text | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    max_length: int = 500
    min_selected: int | None = None
    max_selected: int | None = None
    exclusive: tuple[str, ...] = ()
    scale: str | None = None
    answer: str | tuple[str, ...] | None = None
    points: float = 0.0
    explanation: Text | None = None
    ends_form_if: Expression | None = None  # screen-out: when true of this answer the form ends here
    end_message: Text | None = None  # the polite words shown when ``ends_form_if`` ends the form

    @property
    def is_scored(self) -> bool:
        """True for a quiz item with an answer key."""
        return self.answer is not None

    @property
    def takes_answer(self) -> bool:
        return self.type is not QuestionType.NOTE

    @functools.cached_property
    def choice_values(self) -> tuple[str, ...]:
        """The choices' values in order (worked out once per question: every answer check reads them)."""
        return tuple(choice.value for choice in self.choices)

    def choice_label(self, value: str, language: str) -> str:
        for choice in self.choices:
            if choice.value == str(value):
                return pick(choice.label, language)
        return str(value)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    question_ids: tuple[str, ...]
    relevant: Expression | None = None


@dataclass(frozen=True)
class Indicator:
    """How one response becomes a 0/1 value (binary) or a number (score) for one indicator."""

    id: str
    label: Text
    kind: IndicatorKind
    items: tuple[str, ...]
    rule: Expression
    applies_if: Expression | None = None
    description: Text | None = None
    source: str = field(default="", compare=False)  # the file that defines it (instrument or module)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    languages: tuple[str, ...]
    title: Text
    introduction: Text
    consent: Text | None
    estimated_minutes: int | None
    audience: str
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    indicators: tuple[Indicator, ...]
    source: str = ""
    jurisdiction: str | None = None  # profile id the answer keys follow (e.g. local targets), if any
    _by_id: Mapping[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

    def question(self, question_id: str) -> Question:
        try:
            return self._by_id[question_id]
        except KeyError:
            raise UnknownItemError(self.id, "question", question_id) from None

    def has_question(self, question_id: str) -> bool:
        return question_id in self._by_id

    @functools.cached_property
    def section_of(self) -> Mapping[str, int]:
        """Question id -> index of its section (worked out once per questionnaire)."""
        return {qid: i for i, s in enumerate(self.sections) for qid in s.question_ids}

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise UnknownItemError(self.id, "indicator", indicator_id)

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_scored)

    def to_dict(self) -> dict[str, Any]:
        """The canonical form: plain data, modules resolved, standard choices written out."""
        return {
            "id": self.id,
            "version": self.version,
            "languages": list(self.languages),
            "title": dict(self.title),
            "introduction": dict(self.introduction),
            "consent": _text_or_none(self.consent),
            "estimated_minutes": self.estimated_minutes,
            "audience": self.audience,
            **({"jurisdiction": self.jurisdiction} if self.jurisdiction else {}),
            "sections": [
                {
                    "id": s.id,
                    "title": dict(s.title),
                    "relevant": s.relevant.text if s.relevant else None,
                    "questions": [_question_dict(self.question(qid)) for qid in s.question_ids],
                }
                for s in self.sections
            ],
            "indicators": [
                {
                    "id": i.id,
                    "label": dict(i.label),
                    "kind": str(i.kind),
                    "items": list(i.items),
                    "rule": i.rule.text,
                    "applies_if": i.applies_if.text if i.applies_if else None,
                    "description": _text_or_none(i.description),
                }
                for i in self.indicators
            ],
        }

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def version_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON: the identity of exactly this text and these rules."""
        cached = self.__dict__.get("_version_hash")
        if cached is None:
            cached = hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()
            object.__setattr__(self, "_version_hash", cached)
        return cached

    @property
    def short_hash(self) -> str:
        return self.version_hash[:12]


def _text_or_none(text: Text | None) -> dict[str, str] | None:
    return dict(text) if text is not None else None


def _question_dict(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": q.id,
        "type": str(q.type),
        "label": dict(q.label),
        "required": q.required,
    }
    optional: dict[str, Any] = {
        "hint": _text_or_none(q.hint),
        "choices": [{"value": c.value, "label": dict(c.label)} for c in q.choices] or None,
        "relevant": q.relevant.text if q.relevant else None,
        "constraint": q.constraint.text if q.constraint else None,
        "constraint_message": _text_or_none(q.constraint_message),
        "min": q.min,
        "max": q.max,
        "integer": q.integer or None,
        "max_length": q.max_length if q.type is QuestionType.TEXT else None,
        "min_selected": q.min_selected,
        "max_selected": q.max_selected,
        "exclusive": list(q.exclusive) or None,
        "scale": q.scale,
        "answer": list(q.answer) if isinstance(q.answer, tuple) else q.answer,
        "points": q.points if q.is_scored else None,
        "explanation": _text_or_none(q.explanation),
        "ends_form_if": q.ends_form_if.text if q.ends_form_if else None,
        "end_message": _text_or_none(q.end_message),
    }
    out.update({k: v for k, v in optional.items() if v is not None})
    return out


def pick(text: Text | None, language: str, fallback: str = "zh") -> str:
    """The text in ``language``, else in ``fallback``, else any; empty for no text."""
    if not text:
        return ""
    return text.get(language) or text.get(fallback) or next(iter(text.values()), "")


_Fact = TypeVar("_Fact")


def per_version(work_out: Callable[[Questionnaire], _Fact]) -> Callable[[Questionnaire], _Fact]:
    """``work_out(questionnaire)`` computed once per instrument version (keyed by ``version_hash``: a
    version never changes), for facts a form's every request asks of its questionnaire."""
    known: dict[str, _Fact] = {}

    @functools.wraps(work_out)
    def once(questionnaire: Questionnaire) -> _Fact:
        try:
            return known[questionnaire.version_hash]
        except KeyError:
            fact = known[questionnaire.version_hash] = work_out(questionnaire)
            return fact

    return once
