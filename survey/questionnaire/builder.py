"""Turning a parsed instrument (and the modules it includes) into questions, sections and
indicators, naming every problem as ``file: item: message``; ``survey.questionnaire.loader``
reads the files and calls it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey.errors import ExpressionError, QuestionnaireProblem
from survey.questionnaire.expressions import Expression, compile_expression
from survey.questionnaire.model import KEYED_TYPES, Choice, Indicator, IndicatorKind, Question, QuestionType, Section
from survey.questionnaire.rules import KEYED_RULE_FUNCTIONS, NUMERIC_RULE_FUNCTIONS, RULE_FUNCTION_ARITY
from survey.questionnaire.standard_choices import DEFAULT_SCALE, LIKERT_SCALES, implicit_choices
from survey.questionnaire.yaml_files import read_yaml

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
CHOICE_VALUE_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]+$")
#: The longest text answer an instrument may allow: a section's post is at most 64 kB
#: (``app.web.security.MAX_BODY_BYTES``) and a Chinese character is sent as 9 bytes (%XX%XX%XX).
MAX_TEXT_LENGTH = 2000
MODULE_KEYS = {"module", "languages", "title", "description", "sections", "indicators"}
SECTION_KEYS = {"id", "title", "relevant", "questions"}
QUESTION_KEYS = {
    "id", "type", "label", "hint", "choices", "dont_know", "scale", "allow_na", "required",
    "relevant", "min", "max", "integer", "max_length", "min_selected", "max_selected",
    "exclusive", "constraint", "constraint_message", "answer", "points", "explanation",
    "ends_form_if", "end_message",
}
INDICATOR_KEYS = {"id", "label", "kind", "items", "rule", "applies_if", "description"}


@dataclass
class Builder:
    """Collects questions, sections and problems while walking one instrument and its modules."""

    languages: tuple[str, ...]
    problems: list[QuestionnaireProblem] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    question_file: dict[str, str] = field(default_factory=dict)
    section_ids: set[str] = field(default_factory=set)
    # raw expressions to check once every question is known: (file, item, key, expression, position)
    pending: list[tuple[str, str, str, Expression, int]] = field(default_factory=list)
    indicator_raw: list[tuple[str, Indicator]] = field(default_factory=list)

    def problem(self, file: str, item: str, message: str) -> None:
        self.problems.append(QuestionnaireProblem(file, item, message))

    # -- helpers ---------------------------------------------------------------------------
    def text(self, file: str, item: str, key: str, raw: Any, *, required: bool = True) -> dict[str, str] | None:
        if raw is None:
            if required:
                self.problem(file, item, f"{key} is missing")
            return None
        if isinstance(raw, str):
            if len(self.languages) > 1:
                self.problem(file, item, f"{key}: give the text per language ({', '.join(self.languages)})")
            return {lang: raw for lang in self.languages}
        if not isinstance(raw, Mapping):
            self.problem(file, item, f"{key}: expected text per language, got {type(raw).__name__}")
            return None
        out = {str(k): ("" if v is None else str(v)) for k, v in raw.items()}
        for lang in self.languages:
            if not out.get(lang, "").strip():
                self.problem(file, item, f"{key}: missing translation '{lang}'")
        for lang in out:
            if lang not in self.languages:
                self.problem(file, item, f"{key}: language '{lang}' is not in languages {list(self.languages)}")
        return out

    def expression(
        self, file: str, item: str, key: str, raw: Any, *, allow_current: bool = False, rule: bool = False
    ) -> Expression | None:
        if raw is None:
            return None
        if isinstance(raw, bool):
            raw = "true()" if raw else "false()"
        if not isinstance(raw, (str, int, float)):
            self.problem(file, item, f"{key}: expected an expression, got {type(raw).__name__}")
            return None
        try:
            return compile_expression(
                str(raw), allow_current=allow_current, extra_functions=RULE_FUNCTION_ARITY if rule else None
            )
        except ExpressionError as exc:
            self.problem(file, item, f"{key}: {exc}")
            return None

    def unknown_keys(self, file: str, item: str, raw: Mapping[str, Any], allowed: set[str]) -> None:
        for key in raw:
            if key not in allowed:
                self.problem(file, item, f"unknown key '{key}'")

    # -- sections and questions --------------------------------------------------------------
    def add_sections(self, file: str, raw_sections: Any, base_dir: Path, *, in_module: bool) -> None:
        if not isinstance(raw_sections, list) or not raw_sections:
            self.problem(file, "sections", "expected a non-empty list of sections")
            return
        for index, raw in enumerate(raw_sections, start=1):
            if not isinstance(raw, Mapping):
                self.problem(file, f"sections[{index}]", "expected a mapping")
                continue
            if "include" in raw:
                if in_module:
                    self.problem(file, f"sections[{index}]", "modules cannot include other modules")
                    continue
                if set(raw) != {"include"}:
                    self.problem(file, f"sections[{index}]", "an include entry takes only 'include'")
                self.add_module(base_dir / str(raw["include"]))
                continue
            self.add_section(file, index, raw)

    def add_module(self, path: Path) -> None:
        file = str(path)
        data, problems = read_yaml(path)
        self.problems.extend(problems)
        if problems:
            return
        if not isinstance(data, Mapping):
            self.problem(file, "file", "expected a mapping with 'module', 'sections' and 'indicators'")
            return
        self.unknown_keys(file, "module", data, MODULE_KEYS)
        langs = data.get("languages")
        if langs is not None and tuple(langs) != self.languages:
            self.problem(file, "languages", f"module languages {list(langs)} differ from {list(self.languages)}")
        self.add_sections(file, data.get("sections"), path.parent, in_module=True)
        self.add_indicators(file, data.get("indicators") or [])

    def add_section(self, file: str, index: int, raw: Mapping[str, Any]) -> None:
        section_id = str(raw.get("id") or f"sections[{index}]")
        if not ID_PATTERN.match(section_id):
            self.problem(file, section_id, "section id must match [a-z][a-z0-9_]*")
        elif section_id in self.section_ids:
            self.problem(file, section_id, "duplicate section id")
        self.section_ids.add(section_id)
        self.unknown_keys(file, section_id, raw, SECTION_KEYS)
        title = self.text(file, section_id, "title", raw.get("title")) or {}
        relevant = self.expression(file, section_id, "relevant", raw.get("relevant"))
        first_question = len(self.questions)
        if relevant is not None:
            self.pending.append((file, section_id, "relevant", relevant, first_question))
        raw_questions = raw.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            self.problem(file, section_id, "questions: expected a non-empty list")
            raw_questions = []
        ids: list[str] = []
        for q_index, raw_q in enumerate(raw_questions, start=1):
            question = self.question(file, section_id, q_index, raw_q)
            if question is not None:
                ids.append(question.id)
        self.sections.append(Section(section_id, title, tuple(ids), relevant))

    def question(self, file: str, section_id: str, index: int, raw: Any) -> Question | None:
        where = f"{section_id}.questions[{index}]"
        if not isinstance(raw, Mapping):
            self.problem(file, where, "expected a mapping")
            return None
        qid = raw.get("id")
        if not isinstance(qid, str) or not ID_PATTERN.match(qid):
            self.problem(file, where, f"question id {qid!r} must match [a-z][a-z0-9_]*")
            return None
        if qid in self.question_file:
            self.problem(file, qid, f"duplicate question id (first in {self.question_file[qid]})")
            return None
        self.unknown_keys(file, qid, raw, QUESTION_KEYS)
        try:
            qtype = QuestionType(raw.get("type"))
        except ValueError:
            allowed = ", ".join(t.value for t in QuestionType)
            self.problem(file, qid, f"unknown type {raw.get('type')!r} (allowed: {allowed})")
            return None
        label = self.text(file, qid, "label", raw.get("label")) or {}
        hint = self.text(file, qid, "hint", raw.get("hint"), required=False)
        choices = self.choices(file, qid, qtype, raw)
        required_default = qtype not in (QuestionType.NOTE, QuestionType.TEXT)
        required = raw.get("required", required_default)
        if not isinstance(required, bool):
            self.problem(file, qid, f"required: expected true or false, got {required!r}")
            required = required_default
        if qtype is QuestionType.NOTE and required:
            self.problem(file, qid, "a note cannot be required")
            required = False
        relevant = self.expression(file, qid, "relevant", raw.get("relevant"))
        position = len(self.questions)
        if relevant is not None:
            self.pending.append((file, qid, "relevant", relevant, position))
        constraint = self.expression(file, qid, "constraint", raw.get("constraint"), allow_current=True)
        if constraint is not None:
            self.pending.append((file, qid, "constraint", constraint, position + 1))
        constraint_message = self.text(file, qid, "constraint_message", raw.get("constraint_message"), required=False)
        ends_form_if = self.expression(file, qid, "ends_form_if", raw.get("ends_form_if"), allow_current=True)
        if ends_form_if is not None:
            self.pending.append((file, qid, "ends_form_if", ends_form_if, position + 1))
            if qtype is QuestionType.NOTE:
                self.problem(file, qid, "ends_form_if: a note takes no answer, so it cannot end the form")
        end_message = self.text(file, qid, "end_message", raw.get("end_message"), required=ends_form_if is not None)
        if end_message is not None and ends_form_if is None:
            self.problem(file, qid, "end_message given without ends_form_if")
        numbers = self.number_options(file, qid, qtype, raw)
        answer, points, explanation = self.answer_key(file, qid, qtype, raw, choices)
        exclusive = tuple(str(v) for v in raw.get("exclusive") or ())
        for value in exclusive:
            if value not in {c.value for c in choices}:
                self.problem(file, qid, f"exclusive: '{value}' is not among the choices")
        question = Question(
            id=qid, type=qtype, label=label, section_id=section_id, hint=hint, choices=choices,
            required=required, relevant=relevant, constraint=constraint,
            constraint_message=constraint_message, exclusive=exclusive,
            scale=_likert_scale(qtype, raw.get("scale")),
            answer=answer, points=points, explanation=explanation,
            ends_form_if=ends_form_if, end_message=end_message, **numbers,
        )
        self.questions.append(question)
        self.question_file[qid] = file
        return question

    def choices(self, file: str, qid: str, qtype: QuestionType, raw: Mapping[str, Any]) -> tuple[Choice, ...]:
        raw_choices = raw.get("choices")
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            if not isinstance(raw_choices, list) or len(raw_choices) < 2:
                self.problem(file, qid, f"choices: a {qtype.value} question needs a list of at least 2 choices")
                return ()
            out: list[Choice] = []
            seen: set[str] = set()
            for index, rc in enumerate(raw_choices, start=1):
                if not isinstance(rc, Mapping) or "value" not in rc:
                    self.problem(file, qid, f"choices[{index}]: expected a mapping with 'value' and 'label'")
                    continue
                value = str(rc["value"])
                if not CHOICE_VALUE_PATTERN.match(value):
                    self.problem(file, qid, f"choices[{index}]: value '{value}' must match [A-Za-z0-9_.-]+")
                if value in seen:
                    self.problem(file, qid, f"choices: duplicate value '{value}'")
                seen.add(value)
                for key in rc:
                    if key not in ("value", "label"):
                        self.problem(file, qid, f"choices[{index}]: unknown key '{key}'")
                label = self.text(file, qid, f"choices[{index}].label", rc.get("label")) or {}
                out.append(Choice(value, label))
            return tuple(out)
        scale = raw.get("scale")
        if raw_choices is not None:
            written_out = _standard_choices_written_out(qtype, scale, raw_choices)
            if written_out is not None:
                return written_out
            self.problem(file, qid, f"choices: not allowed for type {qtype.value} (its choices are standard)")
        if scale is not None and (qtype is not QuestionType.LIKERT5 or scale not in LIKERT_SCALES):
            self.problem(file, qid, f"scale: expected one of {sorted(LIKERT_SCALES)} on a likert5 question")
            scale = None
        for key, types in (("dont_know", {QuestionType.YES_NO, QuestionType.TRUE_FALSE}), ("allow_na", {QuestionType.LIKERT5})):
            if key in raw and qtype not in types:
                self.problem(file, qid, f"{key}: only for {', '.join(sorted(t.value for t in types))} questions")
        return implicit_choices(
            qtype, dont_know=bool(raw.get("dont_know")), scale=scale, allow_na=bool(raw.get("allow_na"))
        )

    def number_options(self, file: str, qid: str, qtype: QuestionType, raw: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        specs = {
            "min": (QuestionType.NUMBER,), "max": (QuestionType.NUMBER,), "integer": (QuestionType.NUMBER,),
            "max_length": (QuestionType.TEXT,), "min_selected": (QuestionType.MULTIPLE,),
            "max_selected": (QuestionType.MULTIPLE,),
        }
        for key, types in specs.items():
            if key not in raw:
                continue
            if qtype not in types:
                self.problem(file, qid, f"{key}: only for {types[0].value} questions")
                continue
            value = raw[key]
            if key == "integer":
                if not isinstance(value, bool):
                    self.problem(file, qid, "integer: expected true or false")
                    continue
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                self.problem(file, qid, f"{key}: expected a number, got {value!r}")
                continue
            out[key] = value
        if "min" in out and "max" in out and out["min"] > out["max"]:
            self.problem(file, qid, f"min {out['min']} is greater than max {out['max']}")
        if out.get("max_length") is not None and out["max_length"] < 1:
            self.problem(file, qid, "max_length must be at least 1")
        elif out.get("max_length") is not None and out["max_length"] > MAX_TEXT_LENGTH:
            self.problem(file, qid, f"max_length {out['max_length']} cannot fit in one page's post (64 kB, each Chinese "
                                    f"character sent as 9 bytes): at most {MAX_TEXT_LENGTH}")
        return out

    def answer_key(
        self, file: str, qid: str, qtype: QuestionType, raw: Mapping[str, Any], choices: tuple[Choice, ...]
    ) -> tuple[str | tuple[str, ...] | None, float, dict[str, str] | None]:
        explanation = self.text(file, qid, "explanation", raw.get("explanation"), required=False)
        if "answer" not in raw:
            if "points" in raw:
                self.problem(file, qid, "points given without an answer key")
            return None, 0.0, explanation
        if qtype not in KEYED_TYPES:
            self.problem(file, qid, f"answer: a {qtype.value} question cannot have an answer key")
            return None, 0.0, explanation
        values = {c.value for c in choices}
        key = raw["answer"]
        answer: str | tuple[str, ...]
        if qtype is QuestionType.MULTIPLE:
            items = key if isinstance(key, list) else [key]
            answer = tuple(sorted(_key_text(v) for v in items))
            missing = [v for v in answer if v not in values]
        else:
            if isinstance(key, list):
                self.problem(file, qid, "answer: a single-answer question takes one value, not a list")
                return None, 0.0, explanation
            answer = _key_text(key)
            missing = [answer] if answer not in values else []
        for value in missing:
            self.problem(file, qid, f"answer key '{value}' is not among the choices {sorted(values)}")
        points = raw.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            self.problem(file, qid, f"points: expected a positive number, got {points!r}")
            points = 1
        return answer, float(points), explanation

    # -- indicators --------------------------------------------------------------------------
    def add_indicators(self, file: str, raw_indicators: Any) -> None:
        if not isinstance(raw_indicators, list):
            self.problem(file, "indicators", "expected a list")
            return
        for index, raw in enumerate(raw_indicators, start=1):
            if not isinstance(raw, Mapping):
                self.problem(file, f"indicators[{index}]", "expected a mapping")
                continue
            iid = raw.get("id")
            if not isinstance(iid, str) or not ID_PATTERN.match(iid):
                self.problem(file, f"indicators[{index}]", f"indicator id {iid!r} must match [a-z][a-z0-9_]*")
                continue
            where = f"indicator {iid}"
            if any(existing.id == iid for _, existing in self.indicator_raw):
                self.problem(file, where, "duplicate indicator id")
                continue
            self.unknown_keys(file, where, raw, INDICATOR_KEYS)
            try:
                kind = IndicatorKind(raw.get("kind", "binary"))
            except ValueError:
                self.problem(file, where, f"kind: expected binary or score, got {raw.get('kind')!r}")
                continue
            items = raw.get("items")
            if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
                self.problem(file, where, "items: expected a non-empty list of question ids")
                items = []
            rule = self.expression(file, where, "rule", raw.get("rule"), rule=True)
            if rule is None and raw.get("rule") is None:
                self.problem(file, where, "rule is missing")
            applies_if = self.expression(file, where, "applies_if", raw.get("applies_if"))
            label = self.text(file, where, "label", raw.get("label")) or {}
            description = self.text(file, where, "description", raw.get("description"), required=False)
            if rule is None:
                continue
            indicator = Indicator(iid, label, kind, tuple(items), rule, applies_if, description, source=file)
            self.indicator_raw.append((file, indicator))

    # -- cross-references, once every question is known ----------------------------------------
    def check_references(self) -> None:
        order = {q.id: i for i, q in enumerate(self.questions)}
        by_id = {q.id: q for q in self.questions}
        for file, item, key, expression, limit in self.pending:
            for ref in expression.references:
                if ref not in order:
                    self.problem(file, item, f"{key} refers to unknown question '{ref}'")
                elif ref == item and key == "relevant":
                    self.problem(file, item, f"{key} refers to the question itself")
                elif order[ref] >= limit:
                    self.problem(file, item, f"{key} refers to later question '{ref}'")
                elif by_id[ref].type is QuestionType.NOTE:
                    self.problem(file, item, f"{key} refers to note '{ref}', which has no answer")
        for file, indicator in self.indicator_raw:
            where = f"indicator {indicator.id}"
            for item in indicator.items:
                if item not in by_id:
                    self.problem(file, where, f"items: unknown question '{item}'")
                elif by_id[item].type is QuestionType.NOTE:
                    self.problem(file, where, f"items: '{item}' is a note and has no answer")
                elif by_id[item].type is QuestionType.TEXT:
                    self.problem(file, where, f"items: '{item}' is free text, which never feeds an indicator")
            for key, expression in (("rule", indicator.rule), ("applies_if", indicator.applies_if)):
                if expression is None:
                    continue
                for ref in expression.references:
                    if ref not in by_id:
                        self.problem(file, where, f"{key} refers to unknown question '{ref}'")
                    elif key == "rule" and ref not in indicator.items:
                        self.problem(file, where, f"rule refers to '{ref}', which is not among its items")
            used = _function_names(indicator.rule.text)
            known_items = [by_id[i] for i in indicator.items if i in by_id]
            if used & KEYED_RULE_FUNCTIONS:
                for q in known_items:
                    if not q.is_scored:
                        self.problem(file, where, f"rule scores items but '{q.id}' has no answer key")
            if used & NUMERIC_RULE_FUNCTIONS:
                for q in known_items:
                    if q.type not in (QuestionType.LIKERT5, QuestionType.NUMBER):
                        self.problem(file, where, f"rule averages items but '{q.id}' is not likert5 or number")
            self.indicators.append(indicator)


def _function_names(text: str) -> set[str]:
    return {m.group(1).lower() for m in re.finditer(r"([A-Za-z_][A-Za-z0-9_-]*)\s*\(", text)}


def _key_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _likert_scale(qtype: QuestionType, raw: Any) -> str | None:
    if qtype is not QuestionType.LIKERT5:
        return None
    return raw if raw in LIKERT_SCALES else DEFAULT_SCALE


def _standard_choices_written_out(qtype: QuestionType, scale: Any, raw_choices: Any) -> tuple[Choice, ...] | None:
    """The standard choices of ``qtype`` (with or without "don't know" / "not applicable") when
    ``raw_choices`` spell exactly them out, as ``Questionnaire.to_dict`` writes them (a stored
    instrument's canonical JSON must load back to the same instrument); else None."""
    if not isinstance(raw_choices, list) or (scale is not None and scale not in LIKERT_SCALES):
        return None
    given = [(str(c.get("value")), c.get("label")) for c in raw_choices if isinstance(c, Mapping)]
    for dont_know in (False, True):
        for allow_na in (False, True):
            try:
                standard = implicit_choices(qtype, dont_know=dont_know, scale=scale, allow_na=allow_na)
            except (KeyError, ValueError):
                continue
            if standard and given == [(c.value, dict(c.label)) for c in standard]:
                return standard
    return None
