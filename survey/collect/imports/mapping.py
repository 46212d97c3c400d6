"""Mapping an upload onto a questionnaire: a :class:`Target` for every column (:func:`auto_map`) and
a choice value for every answer text (:func:`auto_choice_map`); the user may change both."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from survey.questionnaire import CHOICE_TYPES, Question, Questionnaire, QuestionType, pick
from tabular import Problem
from tabular.aliases import RESPONSE_IMPORT

from .upload import UploadTable, blank, cell_text, split_multi

__all__ = [
    "CHOICE", "DURATION", "IGNORE", "INSTRUMENT", "OPENED_AT", "QUESTION", "RESPONDENT_ID", "SITE", "SPECIAL_TARGETS",
    "SUBMITTED_AT", "MappedColumns", "Target", "as_target", "auto_choice_map", "auto_map", "check_mapping", "normalise",
    "targets_for",
]

# Kinds of target: a question, one choice of a multiple-choice question, or a column that is no
# question (site, submission time, respondent id, questionnaire, paradata) or none (ignore).
QUESTION, CHOICE = "question", "choice"
SITE, SUBMITTED_AT, RESPONDENT_ID, INSTRUMENT, IGNORE = "site", "submitted_at", "respondent_id", "instrument", "ignore"
OPENED_AT, DURATION = "opened_at", "duration_s"  # paradata the source has (wjx 所用时间, Kobo start)
FIELD_KINDS = (SITE, SUBMITTED_AT, RESPONDENT_ID, INSTRUMENT, OPENED_AT, DURATION)  # one column each at most
SPECIAL_KINDS = (*FIELD_KINDS, IGNORE)


@dataclass(frozen=True)
class Target:
    """What a column holds: ``kind``, and for a question or choice its ``question_id`` and ``value``."""

    kind: str
    question_id: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in (QUESTION, CHOICE, *SPECIAL_KINDS):
            raise ValueError(f"unknown target kind {self.kind!r}")
        if (self.kind in (QUESTION, CHOICE)) != bool(self.question_id) or (self.kind == CHOICE) != (self.value is not None):
            raise ValueError(f"target {self.kind!r} with question {self.question_id!r} and value {self.value!r}")

    @classmethod
    def question(cls, question_id: str) -> Target:
        return cls(QUESTION, question_id)

    @classmethod
    def choice(cls, question_id: str, value: str) -> Target:
        return cls(CHOICE, question_id, value)

    @property
    def special(self) -> bool:
        """True for a column that is no question (site, time, id, questionnaire, paradata, ignore)."""
        return self.kind in SPECIAL_KINDS

    @property
    def key(self) -> str:
        """A text for select boxes: ``q:<id>``, ``o:<id>:<value>`` or the kind (:meth:`parse` reads it)."""
        if self.kind == QUESTION:
            return f"q:{self.question_id}"
        if self.kind == CHOICE:
            return f"o:{self.question_id}:{self.value}"
        return self.kind

    @classmethod
    def parse(cls, key: str) -> Target:
        """The target a :attr:`key` names; ValueError for any other text."""
        if key.startswith("q:") and len(key) > 2:
            return cls.question(key[2:])
        if key.startswith("o:") and key.count(":") >= 2:
            _, qid, value = key.split(":", 2)
            return cls.choice(qid, value)
        if key in SPECIAL_KINDS:
            return cls(key)
        raise ValueError(f"unknown target {key!r}")

    def label(self, questionnaire: Questionnaire, language: str, strings: Callable[[str], str]) -> str:
        """The target in words: the question's label (``· choice``), or ``strings("imp.target.<kind>")``
        (the app's translation function) for the other kinds."""
        if self.special:
            return strings(f"imp.target.{self.kind}")
        question = questionnaire.question(self.question_id)
        text = pick(question.label, language)
        return f"{text} · {question.choice_label(self.value, language)}" if self.kind == CHOICE else text

    def __str__(self) -> str:
        return self.key


SPECIAL_TARGETS = tuple(Target(kind) for kind in SPECIAL_KINDS)
IGNORED = Target(IGNORE)


def as_target(value: Target | str | None) -> Target | None:
    """A mapping value as a Target: None or empty text is None, a text is parsed (ValueError)."""
    if value is None or isinstance(value, Target):
        return value
    return Target.parse(value) if value else None


def targets_for(questionnaire: Questionnaire) -> list[Target]:
    """Every target a column may have: the special ones, each question, each multiple choice."""
    out = list(SPECIAL_TARGETS)
    for q in questionnaire.questions:
        if q.takes_answer:
            out.append(Target.question(q.id))
            if q.type is QuestionType.MULTIPLE:
                out.extend(Target.choice(q.id, v) for v in q.choice_values)
    return out


# Columns that exports carry and that mean nothing for the answers.
IGNORED_COLUMNS: dict[str, tuple[str, ...]] = {
    "wjx": ("来源", "来源详情", "来自ip", "总分", "ip", "用户id", "微信昵称"),
    "kobo": ("today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "audit",
             "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index",
             "formhub/uuid", "_attachments", "_geolocation", "_xform_id_string", "_parent_index", "_parent_table_name",
             "_id", "_uuid"),
    "tcm": ("site_name", "stratum", "psu", "kind", "version_hash", "source", "simulated", "language", "weight", "campaign",
            "population", "inclusion_prob", "site_weight", "plan_weight", "response_id", "flagged", "flag_reasons",
            "paper_number", "interviewed_on"),
}
NUMBERING = re.compile(r"^\s*(?:q|Q|第)?\d+(?:\.\d+)*\s*(?:题)?[、.．:：)）\s]\s*")
PUNCT = re.compile(r"[\s\"'“”‘’`·.,，。:：;；!！?？()（）\[\]【】<>《》/\\|_\-—~～*＊]+")
HINTS = re.compile(r"[（(](?:可多选|多选|单选|必答|选填|最多选\d+项|可多选.*?)[)）]")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "yes": ("是", "有", "对", "能", "可以", "会", "知道", "y", "yes", "true", "1"),
    "no": ("否", "没有", "无", "不是", "不对", "不能", "不可以", "不会", "n", "no", "false", "0"),
    "true": ("对", "正确", "是", "√", "✓", "t", "true", "yes", "1"),
    "false": ("错", "错误", "不对", "否", "×", "✗", "f", "false", "no", "0"),
    "dont_know": ("不知道", "不清楚", "不确定", "说不清", "不了解", "dk", "dontknow", "don't know", "unknown"),
    "5": ("非常满意", "很满意",),
    "4": ("比较满意", "满意"),
    "3": ("一般", "基本满意", "说不清"),
    "2": ("不满意", "不太满意", "比较不满意"),
    "1": ("非常不满意", "很不满意"),
    "na": ("不适用", "未接触", "没接触过", "na", "n/a"),
}


def normalise(text: Any) -> str:
    """A header or answer text without numbering (``3、``), hints (``（可多选）``), punctuation, case."""
    value = HINTS.sub("", str(text))
    value = NUMBERING.sub("", value)
    return PUNCT.sub("", value).lower()


FIELD_ALIASES = {kind: (set(words), {normalise(w) for w in words}) for kind, words in RESPONSE_IMPORT.items()}


def _question_names(q: Question) -> set[str]:
    names = {normalise(q.id)}
    names |= {normalise(v) for v in q.label.values() if v}
    return {n for n in names if n}


def _choice_lookup(q: Question) -> dict[str, str]:
    """Normalised text -> choice value for one question (values, labels, letters, synonyms)."""
    out: dict[str, str] = {}
    values = q.choice_values
    for choice in q.choices:
        out.setdefault(normalise(choice.value), choice.value)
        out.setdefault(choice.value.lower(), choice.value)
        for label in choice.label.values():
            if label:
                out.setdefault(normalise(label), choice.value)
    if q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        for i, value in enumerate(values):
            out.setdefault(chr(ord("a") + i), value)
            out.setdefault(str(i + 1), value)  # wjx "按序号" export: 1 = first choice
    for value, words in SYNONYMS.items():
        if value in values:
            for word in words:
                out.setdefault(normalise(word) or word, value)
    return out


def _special(name: str, fmt: str) -> Target | None:
    low = name.strip().lower()
    if fmt in IGNORED_COLUMNS and low in IGNORED_COLUMNS[fmt]:
        if not (fmt == "kobo" and low == "_uuid") and not (fmt == "tcm" and low == "response_id"):
            return IGNORED
    for kind, (words, normalised) in FIELD_ALIASES.items():
        if low in words or normalise(name) in normalised:
            if kind == RESPONDENT_ID and low == "_id" and fmt == "kobo":
                continue  # Kobo's _uuid is the stable one
            if low in ("end", "start") and fmt != "kobo":
                continue
            return Target(kind)
    return None


def auto_map(columns: Sequence[str], questionnaire: Questionnaire, fmt: str = "plain",
             indicator_ids: Sequence[str] = ()) -> dict[str, Target | None]:
    """A target for every column, or None when nothing matches (an unknown column).

    Matching, first hit wins: the special columns (site, submission time, respondent id,
    instrument) by their usual names (:data:`tabular.aliases.RESPONSE_IMPORT`); a question by id,
    by its label in any language (numbering such as ``3、`` or ``Q3.``, hints such as ``（可多选）``
    and punctuation ignored), by a Kobo group path (``group/question``), or by a label that starts
    with the column's text; one choice of a multiple-choice question as ``question/choice``,
    ``question:choice`` or ``question(choice)``. Score columns of our export (indicator ids) are ignored.
    """
    targets: dict[str, Target | None] = {}
    questions = [q for q in questionnaire.questions if q.takes_answer]
    by_id = {q.id.lower(): q for q in questions}
    by_name: dict[str, Question] = {}
    for q in questions:
        for name in _question_names(q):
            by_name.setdefault(name, q)
    ignored_scores = {i.lower() for i in indicator_ids} | {i.id.lower() for i in questionnaire.indicators}
    used: set[Target] = set()
    for column in columns:
        target = _special(column, fmt)
        if target is None and column.strip().lower() in ignored_scores:
            target = IGNORED
        if target is None:
            target = _match_question(column, questions, by_id, by_name)
        if target is not None and target.kind == QUESTION and target in used:
            target = None  # a second column for the same question is reported, not merged
        elif target is not None and target.kind in FIELD_KINDS and target in used:
            target = IGNORED  # e.g. Kobo's _submission_time (server time) after "end" (the phone's time)
        if target is not None and target != IGNORED:
            used.add(target)
        targets[column] = target
    return targets


def _multiple(q: Question | None, text: str) -> Target | None:
    """The choice target of a multiple-choice question ``q`` whose choice ``text`` names."""
    if q is None or q.type is not QuestionType.MULTIPLE:
        return None
    lookup = _choice_lookup(q)
    value = lookup.get(normalise(text)) or lookup.get(text.lower())
    return None if value is None else Target.choice(q.id, value)


def _match_question(column: str, questions: Sequence[Question], by_id: Mapping[str, Question],
                    by_name: Mapping[str, Question]) -> Target | None:
    raw = column.strip()
    low = raw.lower()
    if low in by_id:
        return Target.question(by_id[low].id)
    # Kobo group paths and option columns: a/b/c -> try the last part, then "question/choice"
    parts = [p for p in re.split(r"[/:：|]", raw) if p.strip()]
    if len(parts) >= 2:
        last, before = parts[-1].strip(), parts[-2].strip()
        if last.lower() in by_id:
            return Target.question(by_id[last.lower()].id)
        found = _multiple(by_id.get(before.lower()) or by_name.get(normalise(before)), last)
        if found is not None:
            return found
    option = re.match(r"^(.*?)[(（]([^()（）]+)[)）]\s*$", raw)
    if option:
        q = by_id.get(option.group(1).strip().lower()) or by_name.get(normalise(option.group(1)))
        if q is not None and q.type is QuestionType.MULTIPLE:
            value = _choice_lookup(q).get(normalise(option.group(2)))
            if value is not None:
                return Target.choice(q.id, value)
    key = normalise(raw)
    if key in by_name:
        return Target.question(by_name[key].id)
    if len(key) >= 6:
        for q in questions:
            if any(n.startswith(key) or key.startswith(n) for n in _question_names(q) if len(n) >= 6):
                return Target.question(q.id)
    return None


def _lenient(value: Target | str | None) -> Target | None:
    try:
        return as_target(value)
    except ValueError:
        return None  # reported by prepare_import


def auto_choice_map(table: UploadTable, mapping: Mapping[str, Target | str | None],
                    questionnaire: Questionnaire) -> dict[str, dict[str, str | None]]:
    """For every column mapped to a choice question: each distinct answer text -> choice value
    (None where no match was found; the user picks one or the rows are rejected)."""
    out: dict[str, dict[str, str | None]] = {}
    index = {c: i for i, c in enumerate(table.columns)}
    for column, value in mapping.items():
        target = _lenient(value)
        if target is None or target.kind != QUESTION or column not in index or not questionnaire.has_question(target.question_id):
            continue
        q = questionnaire.question(target.question_id)
        if q.type not in CHOICE_TYPES:
            continue
        lookup = _choice_lookup(q)
        texts: dict[str, str | None] = {}
        for cell in table.coded(index[column])[1]:  # each distinct cell once, in order
            if blank(cell):
                continue
            pieces = (split_multi(cell, lambda t, lookup=lookup, q=q: _match_choice(t, q, lookup) is not None)
                      if q.type is QuestionType.MULTIPLE else [cell_text(cell)])
            for piece in pieces:
                if piece not in texts:
                    texts[piece] = _match_choice(piece, q, lookup)
        out[column] = texts
    return out


def _match_choice(text: str, q: Question, lookup: Mapping[str, str]) -> str | None:
    if text in q.choice_values:
        return text
    if re.fullmatch(r"-?\d+\.0+", text) and text.split(".")[0] in q.choice_values:
        return text.split(".")[0]  # 5.0 from a spreadsheet's number column
    key = normalise(text)
    if key in lookup:
        return lookup[key]
    if text.lower() in lookup:
        return lookup[text.lower()]
    # "A. 选项文字" / "A、选项文字": a letter followed by the label
    m = re.match(r"^([A-Za-z])\s*[.、．:：)）]\s*(.+)$", text)
    if m and normalise(m.group(2)) in lookup:
        return lookup[normalise(m.group(2))]
    return None


@dataclass
class MappedColumns:
    """Where each thing is read: question id -> columns, question id -> (column, choice) of option
    columns, special kind -> column; and the mapping as targets."""

    mapping: dict[str, Target | None]
    questions: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    special: dict[str, str] = field(default_factory=dict)

    def column_of(self) -> dict[str, str]:
        """The column a question's problems are reported in."""
        out = {qid: cols[0] for qid, cols in self.questions.items()}
        for qid, cols in self.options.items():
            out.setdefault(qid, cols[0][0])
        return out


def check_mapping(table: UploadTable, questionnaire: Questionnaire, mapping: Mapping[str, Target | str | None],
                  problems: list[Problem]) -> MappedColumns:
    """The columns of every target; file-level problems (row 1) of the mapping into ``problems``."""
    file = table.filename
    out = MappedColumns({})
    for column, value in mapping.items():
        try:
            target = as_target(value)
        except ValueError:
            target = None
        out.mapping[column] = target
        if column not in table.columns:
            problems.append(Problem(file, 1, column, "missing_column", f"the mapping names column {column!r}, which the file lacks"))
        elif target is None and value:
            problems.append(Problem(file, 1, column, "unknown_column", f"unknown target {value!r}"))
        elif target is None:
            problems.append(Problem(file, 1, column, "unknown_column", "unknown column: map it to a question or choose 'ignore'"))
        elif target.kind == IGNORE:
            continue
        elif target.special:
            _add_special(file, column, target.kind, out, problems)
        elif target.kind == QUESTION:
            _add_question(file, column, target.question_id, questionnaire, out, problems)
        elif not _is_choice(questionnaire, target):
            problems.append(Problem(file, 1, column, "unknown_question", f"no choice {target.value!r} of question {target.question_id!r}"))
        else:
            out.options.setdefault(target.question_id, []).append((column, target.value))
    return out


def _is_choice(questionnaire: Questionnaire, target: Target) -> bool:
    qid = target.question_id
    return questionnaire.has_question(qid) and target.value in questionnaire.question(qid).choice_values


def _add_special(file: str, column: str, kind: str, out: MappedColumns, problems: list[Problem]) -> None:
    if kind in out.special:
        other = out.special[kind]
        problems.append(Problem(file, 1, column, "duplicate_target", f"column {other!r} is already the {kind} column",
                                params={"other": other}))
    else:
        out.special[kind] = column


def _add_question(file: str, column: str, qid: str, questionnaire: Questionnaire, out: MappedColumns,
                  problems: list[Problem]) -> None:
    if not questionnaire.has_question(qid):
        problems.append(Problem(file, 1, column, "unknown_question", f"no question {qid!r} in {questionnaire.id}"))
        return
    columns = out.questions.setdefault(qid, [])
    columns.append(column)
    if len(columns) > 1:
        problems.append(Problem(file, 1, column, "duplicate_target", f"question {qid} is already read from column "
                                f"{columns[0]!r}", params={"other": columns[0]}))
