"""Import responses collected elsewhere: paper forms typed into Excel, 问卷星 (wjx) and KoboToolbox exports.

UI-free. Three steps, the last only after the user has looked at the preview and confirmed:

1. :func:`read_upload` reads a CSV (UTF-8 with or without BOM, or GB18030) or the first sheet of
   an XLSX and recognises the layout (``wjx``, ``kobo``, ``tcm`` = this toolkit's own export, or
   ``plain``).
2. :func:`auto_map` proposes a target for every column (a question by id or by its Chinese or
   English text, one choice of a multiple-choice question, the site, the submission time, the
   respondent id, the instrument, or ``ignore``); :func:`auto_choice_map` maps the answer texts
   of every choice question to the choice values (by value, label, letter A/B/C, number 1..k, or
   common words such as 是/否, 对/错, 很满意). Both can be adjusted by the user.
   :func:`prepare_import` then validates every row with the form's own rules
   (:func:`survey.questionnaire.answers.check_answers`) and returns an :class:`ImportPreview`: the accepted
   rows and, for every rejected row, each problem with its row number (as a spreadsheet shows
   it: the header is row 1), column and reason.
3. :func:`import_rows` stores the accepted rows in one transaction
   (:meth:`survey.storage.Store.submit_batch`, all or nothing) with ``source="import"``.

Each row's identity (its nonce, ``imp-...``) comes from where it came from, never from its
answers (two people may answer alike):

* a row of this toolkit's own export (``tcm``) carries the ``response_id`` of a stored response:
  when that response is in this campaign, the row *is* that response (already present, nothing
  is written); otherwise the row is known by that id;
* a KoboToolbox row by its ``_uuid`` / ``meta/instanceID`` (unique per submission);
* any other row by the file (SHA-256 of its bytes) and its row number.

So importing the same file twice stores nothing the second time (the preview says how many rows
are in the database already), re-importing an export adds nothing, and two files of different
people never take each other's rows. (A corrected file is a new file: import only new rows.)
Nonces starting with ``imp-`` are reserved for imports (``survey.storage`` refuses them from the
form), so a QR submission cannot block a paper row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from survey.questionnaire.answers import check_answers
from survey.errors import SurveyError
from survey.questionnaire import CHOICE_TYPES, Question, Questionnaire, QuestionType
from tabular import Problem, TableError, read_table

__all__ = [
    "FORMATS",
    "ImportFileError",
    "ImportPreview",
    "ImportResult",
    "PreparedRow",
    "UploadTable",
    "auto_choice_map",
    "auto_map",
    "import_rows",
    "prepare_import",
    "read_upload",
]

FORMATS = ("wjx", "kobo", "tcm", "plain")
SOURCE = "import"
IMPORT_NONCE_PREFIX = "imp-"  # reserved for imports (survey.storage.responses)

# Targets of a column (strings, so a UI can offer them in a select box):
#   "q:<question id>", "o:<question id>:<choice value>", "site", "submitted_at", "respondent_id",
#   "instrument", "opened_at", "duration_s", "ignore"
SITE, SUBMITTED_AT, RESPONDENT_ID, INSTRUMENT, IGNORE = "site", "submitted_at", "respondent_id", "instrument", "ignore"
OPENED_AT, DURATION = "opened_at", "duration_s"  # paradata the source has (wjx 所用时间, Kobo start)
SPECIAL_TARGETS = (SITE, SUBMITTED_AT, RESPONDENT_ID, INSTRUMENT, OPENED_AT, DURATION, IGNORE)

SPECIAL_ALIASES: dict[str, tuple[str, ...]] = {
    SITE: ("site", "site_code", "sitecode", "调查点", "调查点编号", "机构编号", "站点", "站点编号", "编号（调查点）"),
    SUBMITTED_AT: ("submitted_at", "提交答卷时间", "提交时间", "填写时间", "填表日期", "调查日期", "日期", "_submission_time",
                   "end", "date"),
    RESPONDENT_ID: ("respondent_id", "nonce", "response_id", "序号", "问卷编号", "_uuid", "meta/instanceid", "instanceid",
                    "_id"),
    INSTRUMENT: ("instrument", "questionnaire", "问卷"),
    OPENED_AT: ("opened_at", "开始时间", "开始答题时间", "start"),
    DURATION: ("duration_s", "所用时间", "答题时长", "duration"),
}
# Columns that exports carry and that mean nothing for the answers.
IGNORED_COLUMNS: dict[str, tuple[str, ...]] = {
    "wjx": ("来源", "来源详情", "来自ip", "总分", "ip", "用户id", "微信昵称"),
    "kobo": ("today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "audit",
             "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index",
             "formhub/uuid", "_attachments", "_geolocation", "_xform_id_string", "_parent_index", "_parent_table_name",
             "_id", "_uuid"),
    "tcm": ("site_name", "stratum", "psu", "kind", "version_hash", "source", "simulated", "language", "weight", "campaign",
            "population", "inclusion_prob", "site_weight", "plan_weight", "response_id", "flagged", "flag_reasons"),
}
BLANKS = {"", "(跳过)", "（跳过）", "(空)", "（空）", "-3", "-2", "n/a", "nan", "none", "null"}
MULTI_SEPARATORS = re.compile(r"\s*[┋|;；,，、\s]\s*")
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
SELECTED = {"1", "1.0", "true", "yes", "是", "√", "✓", "x", "选中", "selected"}
UNSELECTED = {"0", "0.0", "false", "no", "否", "", "未选中"}


class ImportFileError(SurveyError):
    """A file that cannot be read at all (not CSV/XLSX, empty, too large, no header, ragged);
    ``problems`` lists the :class:`tabular.Problem` s."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class UploadTable:
    """The cells of an uploaded file: header names and data rows (row 2 onwards)."""

    filename: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    format: str
    sha256: str

    def __len__(self) -> int:
        return len(self.rows)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in BLANKS


def _cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_upload(source: bytes | str | Path, filename: str | None = None) -> UploadTable:
    """Read a CSV (any of ``,`` tab ``;``) or XLSX upload (bytes with its file name, or a path)
    with :func:`tabular.read_table`: its limits, encodings and checks of shape.

    Raises ImportFileError for an unsupported, unreadable, too large or empty file, a header naming
    a column twice or a ragged row; ``problems`` names the row and column.
    """
    if isinstance(source, (str, Path)):
        filename = filename or Path(source).name
    else:
        source = bytes(source)
        filename = filename or "upload.csv"
    try:
        table = read_table(source, name=filename, sniff=True)
    except TableError as exc:
        raise ImportFileError(exc.problems) from None
    if not table.header:
        raise ImportFileError([Problem(filename, None, None, "empty", "the file is empty")])
    header = tuple(_cell_text(name) if name else f"column {index + 1}" for index, name in enumerate(table.header))
    return UploadTable(filename, header, table.rows, detect_format(header), table.sha256)


def detect_format(columns: Sequence[str]) -> str:
    """``wjx`` (问卷星), ``kobo`` (KoboToolbox), ``tcm`` (this toolkit's export) or ``plain``."""
    names = {c.strip().lower() for c in columns}
    if "序号" in names and names & {"提交答卷时间", "所用时间", "来源", "来自ip"}:
        return "wjx"
    if names & {"_uuid", "_submission_time", "_index", "meta/instanceid", "formhub/uuid"}:
        return "kobo"
    if {"response_id", "instrument", "site"} <= names:
        return "tcm"
    return "plain"


# ------------------------------------------------------------------------------------ mapping


def _norm(text: Any) -> str:
    value = HINTS.sub("", str(text))
    value = NUMBERING.sub("", value)
    return PUNCT.sub("", value).lower()


def _question_names(q: Question) -> set[str]:
    names = {_norm(q.id)}
    names |= {_norm(v) for v in q.label.values() if v}
    return {n for n in names if n}


def _choice_lookup(q: Question) -> dict[str, str]:
    """Normalised text -> choice value for one question (values, labels, letters, synonyms)."""
    out: dict[str, str] = {}
    values = q.choice_values
    for choice in q.choices:
        out.setdefault(_norm(choice.value), choice.value)
        out.setdefault(choice.value.lower(), choice.value)
        for label in choice.label.values():
            if label:
                out.setdefault(_norm(label), choice.value)
    if q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        for i, value in enumerate(values):
            letter = chr(ord("a") + i)
            out.setdefault(letter, value)
            out.setdefault(str(i + 1), value)  # wjx "按序号" export: 1 = first choice
    for value, words in SYNONYMS.items():
        if value in values:
            for word in words:
                out.setdefault(_norm(word) or word, value)
    return out


def _special(name: str, fmt: str) -> str | None:
    low = name.strip().lower()
    if fmt in IGNORED_COLUMNS and low in IGNORED_COLUMNS[fmt]:
        if not (fmt == "kobo" and low == "_uuid") and not (fmt == "tcm" and low == "response_id"):
            return IGNORE
    for target, aliases in SPECIAL_ALIASES.items():
        if low in aliases or _norm(name) in {_norm(a) for a in aliases}:
            if target == RESPONDENT_ID and low == "_id" and fmt == "kobo":
                continue  # Kobo's _uuid is the stable one
            if low in ("end", "start") and fmt != "kobo":
                continue
            return target
    return None


def auto_map(columns: Sequence[str], questionnaire: Questionnaire, fmt: str = "plain",
             indicator_ids: Sequence[str] = ()) -> dict[str, str | None]:
    """A target for every column, or None when nothing matches (an unknown column).

    Matching, first hit wins: the special columns (site, submission time, respondent id,
    instrument) by their usual names; a question by id, by its label in any language (numbering
    such as ``3、`` or ``Q3.``, hints such as ``（可多选）`` and punctuation ignored), by a Kobo group
    path (``group/question``), or by a label that starts with the column's text; one choice of a
    multiple-choice question as ``question/choice``, ``question:choice`` or ``question(choice)``.
    Score columns of this toolkit's export (indicator ids) are ignored.
    """
    targets: dict[str, str | None] = {}
    questions = [q for q in questionnaire.questions if q.takes_answer]
    by_id = {q.id.lower(): q for q in questions}
    by_name: dict[str, Question] = {}
    for q in questions:
        for name in _question_names(q):
            by_name.setdefault(name, q)
    ignored_scores = {i.lower() for i in indicator_ids} | {i.id.lower() for i in questionnaire.indicators}
    used: set[str] = set()
    for column in columns:
        target = _special(column, fmt)
        if target is None and column.strip().lower() in ignored_scores:
            target = IGNORE
        if target is None:
            target = _match_question(column, questions, by_id, by_name)
        if target is not None and target.startswith("q:") and target in used:
            target = None  # a second column for the same question is reported, not merged
        elif target in (SITE, SUBMITTED_AT, RESPONDENT_ID, INSTRUMENT, OPENED_AT, DURATION) and target in used:
            target = IGNORE  # e.g. Kobo's _submission_time (server time) after "end" (the phone's time)
        if target is not None and target != IGNORE:
            used.add(target)
        targets[column] = target
    return targets


def _match_question(column: str, questions, by_id, by_name) -> str | None:  # noqa: ANN001
    raw = column.strip()
    low = raw.lower()
    if low in by_id:
        return f"q:{by_id[low].id}"
    # Kobo group paths and option columns: a/b/c -> try the last part, then "question/choice"
    parts = [p for p in re.split(r"[/:：|]", raw) if p.strip()]
    if len(parts) >= 2:
        last, before = parts[-1].strip(), parts[-2].strip()
        if last.lower() in by_id:
            return f"q:{by_id[last.lower()].id}"
        q = by_id.get(before.lower()) or by_name.get(_norm(before))
        if q is not None and q.type is QuestionType.MULTIPLE:
            value = _choice_lookup(q).get(_norm(last)) or _choice_lookup(q).get(last.lower())
            if value is not None:
                return f"o:{q.id}:{value}"
    option = re.match(r"^(.*?)[(（]([^()（）]+)[)）]\s*$", raw)
    if option:
        q = by_id.get(option.group(1).strip().lower()) or by_name.get(_norm(option.group(1)))
        if q is not None and q.type is QuestionType.MULTIPLE:
            value = _choice_lookup(q).get(_norm(option.group(2)))
            if value is not None:
                return f"o:{q.id}:{value}"
    key = _norm(raw)
    if key in by_name:
        return f"q:{by_name[key].id}"
    if len(key) >= 6:
        for q in questions:
            if any(n.startswith(key) or key.startswith(n) for n in _question_names(q) if len(n) >= 6):
                return f"q:{q.id}"
    return None


def auto_choice_map(table: UploadTable, mapping: Mapping[str, str | None], questionnaire: Questionnaire) -> dict[str, dict[str, str | None]]:
    """For every column mapped to a choice question: each distinct answer text -> choice value
    (None where no match was found; the user picks one or the rows are rejected)."""
    out: dict[str, dict[str, str | None]] = {}
    index = {c: i for i, c in enumerate(table.columns)}
    for column, target in mapping.items():
        if not target or not target.startswith("q:"):
            continue
        q = questionnaire.question(target[2:])
        if q.type not in CHOICE_TYPES:
            continue
        lookup = _choice_lookup(q)
        texts: dict[str, str | None] = {}
        for row in table.rows:
            value = row[index[column]]
            if _blank(value):
                continue
            pieces = _split_multi(value) if q.type is QuestionType.MULTIPLE else [_cell_text(value)]
            for piece in pieces:
                if piece not in texts:
                    texts[piece] = _match_choice(piece, q, lookup)
        out[column] = texts
    return out


def _split_multi(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [_cell_text(v) for v in value if not _blank(v)]
    text = _cell_text(value)
    return [p for p in MULTI_SEPARATORS.split(text) if p]


def _match_choice(text: str, q: Question, lookup: Mapping[str, str]) -> str | None:
    if text in q.choice_values:
        return text
    if re.fullmatch(r"-?\d+\.0+", text) and text.split(".")[0] in q.choice_values:
        return text.split(".")[0]  # 5.0 from a spreadsheet's number column
    key = _norm(text)
    if key in lookup:
        return lookup[key]
    if text.lower() in lookup:
        return lookup[text.lower()]
    # "A. 选项文字" / "A、选项文字": a letter followed by the label
    m = re.match(r"^([A-Za-z])\s*[.、．:：)）]\s*(.+)$", text)
    if m and _norm(m.group(2)) in lookup:
        return lookup[_norm(m.group(2))]
    return None


# ------------------------------------------------------------------------------------ preview


@dataclass(frozen=True)
class PreparedRow:
    row: int  # spreadsheet row number (header = 1)
    site_code: str
    answers: Mapping[str, Any]
    submitted_at: dt.datetime | None
    nonce: str
    respondent_id: str | None = None
    paradata: Mapping[str, Any] | None = None  # opened_at / duration_s the source had (survey.collect.paradata)


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do; nothing is written until :func:`import_rows`."""

    filename: str
    format: str
    questionnaire_id: str
    version_hash: str
    mapping: Mapping[str, str | None]
    choice_maps: Mapping[str, Mapping[str, str | None]]
    accepted: tuple[PreparedRow, ...]
    problems: tuple[Problem, ...]
    rows_total: int
    skipped_other_instrument: int = 0
    already_imported: int = 0  # accepted rows whose nonce is already stored

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.errors if p.row is not None and p.row > 1})

    @property
    def new_rows(self) -> int:
        return len(self.accepted) - self.already_imported

    @property
    def blocking(self) -> list[Problem]:
        """File-level errors (row None or 1): nothing can be imported until they are fixed."""
        return [p for p in self.errors if p.row is None or p.row == 1]

    @property
    def can_import(self) -> bool:
        return not self.blocking and self.new_rows > 0

    def problem_rows(self) -> list[dict[str, Any]]:
        """Problems as records (row, column, severity, code, detail), sorted by row."""
        return [
            {"row": p.row, "column": p.column, "severity": p.severity, "code": p.code, "detail": p.message}
            for p in sorted(self.problems, key=lambda p: (p.row or 0, p.column or ""))
        ]


def _parse_time(value: Any, timezone: str) -> dt.datetime | None | str:
    """An aware datetime, None for blank, or the text "bad" when it cannot be read."""
    if _blank(value):
        return None
    tz = ZoneInfo(timezone)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, 12, tzinfo=tz)
    text = _cell_text(value)
    text = text.replace("年", "-").replace("月", "-").replace("日", " ").replace("/", "-").strip()
    try:
        import pandas as pd

        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        return "bad"
    if pd.isna(stamp):
        return "bad"
    out = stamp.to_pydatetime()
    return out if out.tzinfo else out.replace(tzinfo=tz)


SECONDS_TEXT = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:小时|时|h))?\s*(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|min|m))?\s*"
                          r"(?:(\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec))?$", re.IGNORECASE)


def _parse_seconds(value: Any) -> float | None | str:
    """Seconds from a number or a text such as ``185秒``, ``3分5秒``, ``1小时2分`` or ``00:03:05``;
    None for blank, "bad" when it cannot be read."""
    if _blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        text = _cell_text(value).strip()
        clock = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)", text)
        match = SECONDS_TEXT.fullmatch(text) if clock is None else None
        if clock is not None:
            seconds = int(clock.group(1) or 0) * 3600 + int(clock.group(2)) * 60 + float(clock.group(3))
        elif match is not None and any(match.groups()):
            h, m, sec = (float(g) if g else 0.0 for g in match.groups())
            seconds = h * 3600 + m * 60 + sec
        else:
            try:
                seconds = float(text)
            except ValueError:
                return "bad"
    from survey.collect.paradata import MAX_DURATION_S

    return seconds if 0 <= seconds <= MAX_DURATION_S else "bad"


def _nonce(parts: Sequence[Any]) -> str:
    digest = hashlib.sha256(json.dumps(list(parts), ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
    return f"{IMPORT_NONCE_PREFIX}{digest[:40]}"


def _row_identity(table: UploadTable, instrument: str, row_number: int, respondent: str | None) -> str:
    """The nonce of a row, from its source (see the module docstring), never from its answers."""
    if respondent is not None and table.format in ("tcm", "kobo"):
        return _nonce([table.format, instrument, respondent])
    return _nonce(["file", instrument, table.sha256, row_number])


def _alike_stored(store, filename: str, campaign_id: int, questionnaire: Questionnaire,  # noqa: ANN001
                  rows: Sequence[PreparedRow], present: set[str]) -> list[Problem]:
    """Warnings for new rows whose site and answers equal a stored response's (kept: two people
    may answer alike, but a corrected copy of an imported file would add its rows again)."""
    stored = {_content(r.site_code, r.answers) for r in store.responses(campaign_id) if r.questionnaire_id == questionnaire.id}
    out = []
    for row in rows:
        if row.nonce not in present and _content(row.site_code, check_answers(questionnaire, row.answers).clean) in stored:
            out.append(Problem(filename, row.row, None, "stored_alike", "the same site and answers as a response already "
                               "stored (kept: two people may answer alike; is this file a copy of one imported before?)",
                               severity="warning"))
    return out


def _content(site: str, answers: Mapping[str, Any]) -> str:
    return json.dumps([site, dict(answers)], ensure_ascii=False, sort_keys=True, default=str)


def _own_export_rows(store, campaign_id: int, rows: list[PreparedRow]) -> list[PreparedRow]:  # noqa: ANN001
    """Rows of this toolkit's export whose ``response_id`` is a response of this campaign take
    that response's nonce (so they count as already imported)."""
    ids = {}
    for row in rows:
        if row.respondent_id is not None and row.respondent_id.isdigit():
            ids[row.row] = int(row.respondent_id)
    stored = store.response_nonces(campaign_id, sorted(set(ids.values()))) if ids else {}
    return [replace(r, nonce=stored[ids[r.row]]) if ids.get(r.row) in stored else r for r in rows]


ANSWER_CODES = {
    "unknown_question", "not_answerable", "hidden", "required", "invalid_choice", "invalid_type", "out_of_range",
    "too_long", "selection_count", "exclusive", "constraint",
}


def prepare_import(
    table: UploadTable,
    questionnaire: Questionnaire,
    campaign,  # noqa: ANN001 - survey.campaign.Campaign
    *,
    mapping: Mapping[str, str | None] | None = None,
    choice_maps: Mapping[str, Mapping[str, str | None]] | None = None,
    default_site: str | None = None,
    existing_nonces: set[str] | None = None,
    store=None,  # noqa: ANN001 - survey.storage.Store, to count rows already imported
) -> ImportPreview:
    """Validate every row and return the preview (nothing is written).

    Problems by row and column: an unknown column (file level, blocking until it is mapped or
    set to ``ignore``), a column mapped to a question twice, an answer text with no choice, an
    unknown or missing site, an unreadable date, a respondent id seen on an earlier row, and
    every problem the form itself would report (required answer missing, answer to a question
    that skip logic hides, value of the wrong type or out of range, too many choices, ...).
    """
    if campaign.instrument_for(questionnaire.id) is None:
        raise ImportFileError([Problem(None, None, None, "no_instrument", f"campaign {campaign.id} has no instrument {questionnaire.id!r}")])
    instrument_hash = campaign.instrument_for(questionnaire.id).version_hash
    mapping = dict(mapping) if mapping is not None else auto_map(table.columns, questionnaire, table.format)
    for column in table.columns:
        mapping.setdefault(column, None)
    computed = auto_choice_map(table, mapping, questionnaire)
    choice_maps = {c: {**computed.get(c, {}), **dict((choice_maps or {}).get(c, {}))} for c in computed}
    problems: list[Problem] = []
    index = {c: i for i, c in enumerate(table.columns)}
    question_columns: dict[str, list[str]] = {}
    option_columns: dict[str, list[tuple[str, str]]] = {}
    special: dict[str, str] = {}
    for column, target in mapping.items():
        if column not in index:
            problems.append(Problem(table.filename, 1, column, "missing_column", f"the mapping names column {column!r}, which the file lacks"))
            continue
        if target is None:
            problems.append(Problem(table.filename, 1, column, "unknown_column", "unknown column: map it to a question or choose 'ignore'"))
        elif target == IGNORE:
            continue
        elif target in SPECIAL_TARGETS:
            if target in special:
                problems.append(Problem(table.filename, 1, column, "duplicate_target",
                                              f"column {special[target]!r} is already the {target} column", params={"other": special[target]}))
            else:
                special[target] = column
        elif target.startswith("q:"):
            qid = target[2:]
            if not questionnaire.has_question(qid):
                problems.append(Problem(table.filename, 1, column, "unknown_question", f"no question {qid!r} in {questionnaire.id}"))
                continue
            question_columns.setdefault(qid, []).append(column)
            if len(question_columns[qid]) > 1:
                problems.append(Problem(table.filename, 1, column, "duplicate_target", f"question {qid} is already read from column "
                                              f"{question_columns[qid][0]!r}", params={"other": question_columns[qid][0]}))
        elif target.startswith("o:"):
            _, qid, value = target.split(":", 2)
            if not questionnaire.has_question(qid) or value not in questionnaire.question(qid).choice_values:
                problems.append(Problem(table.filename, 1, column, "unknown_question", f"no choice {value!r} of question {qid!r}"))
                continue
            option_columns.setdefault(qid, []).append((column, value))
        else:
            problems.append(Problem(table.filename, 1, column, "unknown_column", f"unknown target {target!r}"))
    sites = {s.code: s for s in campaign.sites}
    site_names: dict[str, list[str]] = {}
    for s in campaign.sites:
        site_names.setdefault(_norm(s.name), []).append(s.code)
    if SITE not in special:
        if default_site is None:
            problems.append(Problem(table.filename, 1, None, "no_site", "no site column: choose the site these responses come from"))
        elif default_site not in sites:
            problems.append(Problem(table.filename, 1, None, "unknown_site", f"campaign {campaign.id} has no site {default_site!r}",
                                          params={"value": default_site}))
    blocking = any(p.row == 1 or p.row is None for p in problems)
    accepted: list[PreparedRow] = []
    skipped = 0
    first_id: dict[str, int] = {}
    first_content: dict[str, int] = {}
    column_of = {qid: cols[0] for qid, cols in question_columns.items()}
    for qid, cols in option_columns.items():
        column_of.setdefault(qid, cols[0][0])
    for offset, values in enumerate(table.rows):
        row_number = offset + 2
        if all(_blank(v) for v in values):
            continue
        if blocking:
            continue
        row_problems: list[Problem] = []

        def cell(column: str) -> Any:
            return values[index[column]]

        if INSTRUMENT in special:
            instrument = _cell_text(cell(special[INSTRUMENT]))
            if instrument and instrument != questionnaire.id:
                skipped += 1
                continue
        # site
        if SITE in special:
            raw_site = cell(special[SITE])
            site_text = "" if _blank(raw_site) else _cell_text(raw_site)
            if not site_text:
                row_problems.append(Problem(table.filename, row_number, special[SITE], "missing_site", "the site is empty"))
                site_code = None
            elif site_text in sites:
                site_code = site_text
            elif len(site_names.get(_norm(site_text), [])) == 1:
                site_code = site_names[_norm(site_text)][0]
            else:
                row_problems.append(Problem(table.filename, row_number, special[SITE], "unknown_site",
                                                  f"{site_text!r} is no site code or name of this campaign", params={"value": site_text}))
                site_code = None
        else:
            site_code = default_site
        submitted = None
        if SUBMITTED_AT in special:
            parsed = _parse_time(cell(special[SUBMITTED_AT]), campaign.timezone)
            if parsed == "bad":
                row_problems.append(Problem(table.filename, row_number, special[SUBMITTED_AT], "bad_date",
                                                  f"cannot read {cell(special[SUBMITTED_AT])!r} as a date and time",
                                                  params={"value": _cell_text(cell(special[SUBMITTED_AT]))}))
            else:
                submitted = parsed
        paradata = _row_paradata(table.filename, row_number, special, cell, campaign.timezone, submitted, problems)
        respondent = None
        if RESPONDENT_ID in special and not _blank(cell(special[RESPONDENT_ID])):
            respondent = _cell_text(cell(special[RESPONDENT_ID]))
            if respondent in first_id:
                row_problems.append(Problem(table.filename, row_number, special[RESPONDENT_ID], "duplicate_row",
                                                  f"respondent id {respondent!r} already on row {first_id[respondent]}",
                                                  params={"value": respondent, "other": first_id[respondent]}))
            else:
                first_id[respondent] = row_number
        # answers
        answers: dict[str, Any] = {}
        for qid, cols in question_columns.items():
            column = cols[0]
            raw = cell(column)
            if _blank(raw):
                continue
            q = questionnaire.question(qid)
            if q.type in CHOICE_TYPES:
                pieces = _split_multi(raw) if q.type is QuestionType.MULTIPLE else [_cell_text(raw)]
                mapped = []
                for piece in pieces:
                    value = choice_maps.get(column, {}).get(piece)
                    if value is None:
                        row_problems.append(Problem(table.filename, row_number, column, "unmapped_text",
                                                          f"answer {piece!r} matches no choice of {qid}; map it to a choice",
                                                          params={"value": piece, "question": qid}))
                        mapped = None
                        break
                    mapped.append(value)
                if mapped is None:
                    continue
                answers[qid] = mapped if q.type is QuestionType.MULTIPLE else mapped[0]
            elif q.type is QuestionType.TEXT:
                answers[qid] = _cell_text(raw)
            else:
                answers[qid] = raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else _cell_text(raw)
        for qid, cols in option_columns.items():
            chosen = []
            for column, value in cols:
                raw = cell(column)
                text = "" if raw is None else _cell_text(raw).lower()
                if text in SELECTED:
                    chosen.append(value)
                elif text not in UNSELECTED and not _blank(raw):
                    row_problems.append(Problem(table.filename, row_number, column, "bad_option_flag",
                                                      f"{raw!r} is neither selected (1) nor unselected (0)", params={"value": _cell_text(raw)}))
            if chosen and qid not in answers:
                answers[qid] = chosen
        check = check_answers(questionnaire, answers)
        for problem in check.problems:
            unmapped_here = any(p.code == "unmapped_text" and p.params.get("question") == problem.question_id for p in row_problems)
            if unmapped_here and problem.code == "required":
                continue  # already reported as an unmapped text
            column = column_of.get(problem.question_id)
            row_problems.append(Problem(table.filename, row_number, column or problem.question_id, problem.code,
                                              f"{problem.question_id}: {problem.detail}",
                                              params={"question": problem.question_id, "detail": problem.detail}))
        if row_problems:
            problems.extend(row_problems)
            continue
        canonical = json.dumps(check.clean, ensure_ascii=False, sort_keys=True)
        content_key = json.dumps([site_code, respondent, submitted.isoformat() if submitted else None, canonical], ensure_ascii=False)
        if content_key in first_content and (submitted is not None or respondent is not None):
            problems.append(Problem(table.filename, row_number, None, "duplicate_row", f"the same response as row {first_content[content_key]}",
                                          params={"other": first_content[content_key]}))
            continue
        if content_key in first_content:
            problems.append(Problem(table.filename, row_number, None, "identical_row", f"identical to row {first_content[content_key]} "
                                          "(kept: two people may answer alike)", severity="warning",
                                          params={"other": first_content[content_key]}))
        first_content.setdefault(content_key, row_number)
        accepted.append(PreparedRow(row_number, site_code, dict(answers), submitted,
                                    _row_identity(table, questionnaire.id, row_number, respondent), respondent, paradata))
    if accepted and table.format == "tcm" and store is not None:
        accepted = _own_export_rows(store, campaign.id, accepted)
    if existing_nonces is None and store is not None and accepted:
        existing_nonces = store.stored_nonces(campaign.id, [r.nonce for r in accepted])
        problems.extend(_alike_stored(store, table.filename, campaign.id, questionnaire, accepted, existing_nonces))
    already = sum(1 for r in accepted if existing_nonces and r.nonce in existing_nonces)
    if not table.rows:
        problems.append(Problem(table.filename, None, None, "no_rows", "the file has a header but no data rows"))
    return ImportPreview(
        filename=table.filename, format=table.format, questionnaire_id=questionnaire.id, version_hash=instrument_hash,
        mapping=mapping, choice_maps=choice_maps, accepted=tuple(accepted),
        problems=tuple(sorted(problems, key=lambda p: (p.row or 0, p.column or ""))), rows_total=len(table.rows),
        skipped_other_instrument=skipped, already_imported=already,
    )


def _row_paradata(file: str, row_number: int, special: Mapping[str, str], cell, timezone: str,  # noqa: ANN001
                  submitted: dt.datetime | None, problems: list[Problem]) -> dict[str, Any] | None:
    """What the row says about how it was answered: ``opened_at`` (Kobo's start), ``duration_s``
    (wjx's 所用时间; else end - start). A value that cannot be read is a warning: the row is kept
    without it."""
    out: dict[str, Any] = {}
    if OPENED_AT in special:
        opened = _parse_time(cell(special[OPENED_AT]), timezone)
        if opened == "bad":
            problems.append(Problem(file, row_number, special[OPENED_AT], "bad_date", f"cannot read {cell(special[OPENED_AT])!r} "
                                          "as a date and time", severity="warning",
                                          params={"value": _cell_text(cell(special[OPENED_AT]))}))
        elif opened is not None:
            out["opened_at"] = opened.astimezone(dt.timezone.utc).isoformat()
            if submitted is not None and submitted >= opened:
                out["duration_s"] = (submitted - opened).total_seconds()
    if DURATION in special:
        seconds = _parse_seconds(cell(special[DURATION]))
        if seconds == "bad":
            problems.append(Problem(file, row_number, special[DURATION], "bad_duration", f"cannot read "
                                          f"{cell(special[DURATION])!r} as a duration", severity="warning",
                                          params={"value": _cell_text(cell(special[DURATION]))}))
        elif seconds is not None:
            out["duration_s"] = seconds
    if "duration_s" in out and out["duration_s"] > 7 * 86400:
        del out["duration_s"]
    return out or None


@dataclass(frozen=True)
class ImportResult:
    imported: int
    repeats: int
    rejected: int


def import_rows(store, campaign_id: int, questionnaire: Questionnaire, preview: ImportPreview) -> ImportResult:  # noqa: ANN001
    """Store the preview's accepted rows in one transaction (all or nothing), ``source="import"``.

    Call this only after the user confirmed the preview. Rows already stored (same nonce) are not
    written again. Raises ImportFileError when the preview has file-level errors or belongs to another
    instrument version; storage errors roll the whole import back.
    """
    from survey.collect.submission import Submission

    if preview.blocking:
        raise ImportFileError(preview.blocking)
    if questionnaire.id != preview.questionnaire_id or questionnaire.version_hash != preview.version_hash:
        raise ImportFileError([Problem(None, None, None, "stale_preview", f"the preview was made for {preview.questionnaire_id} {preview.version_hash[:12]}, "
                           f"not {questionnaire.id} {questionnaire.version_hash[:12]}")])
    submissions = [
        Submission(site_code=r.site_code, questionnaire=questionnaire, answers=r.answers, nonce=r.nonce, source=SOURCE,
                   submitted_at=r.submitted_at, language=None, simulated=False, paradata=r.paradata)
        for r in preview.accepted
    ]
    results = store.submit_batch(campaign_id, submissions) if submissions else []
    repeats = sum(1 for r in results if r.repeat)
    return ImportResult(len(results) - repeats, repeats, len(preview.rejected_rows))
