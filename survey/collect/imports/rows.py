"""Reading an upload row by row: each row's site, time, paradata, respondent id and answers, checked
with the form's own rules (``survey.questionnaire.answers.check_answers``), and its identity.

This is the reference reading: :mod:`.columns` reads whole columns at once and gives the same rows and
problems, in the same order (tests compare the two). See :mod:`.prepare` for how a row's identity is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from survey.questionnaire import CHOICE_TYPES, Questionnaire, QuestionType
from survey.questionnaire.answers import check_answers
from tabular import Problem

from .mapping import (
    DURATION,
    INSTRUMENT,
    OPENED_AT,
    RESPONDENT_ID,
    SITE,
    SUBMITTED_AT,
    MappedColumns,
    normalise,
)
from .upload import (
    UploadTable,
    blank,
    cell_text,
    parse_seconds,
    parse_time,
    split_multi,
)

__all__ = ["Context", "PreparedRow", "make_context", "read_rows", "site_problems"]

SOURCE = "import"
IMPORT_NONCE_PREFIX = "imp-"  # reserved for imports (survey.storage.responses)
SELECTED = {"1", "1.0", "true", "yes", "是", "√", "✓", "x", "选中", "selected"}
UNSELECTED = {"0", "0.0", "false", "no", "否", "", "未选中"}
MAX_DURATION_KEPT_S = 7 * 86400  # a longer end - start is a form left open, not a time taken

Cell = Callable[[str], Any]


@dataclass(frozen=True)
class PreparedRow:
    row: int  # spreadsheet row number (header = 1)
    site_code: str
    answers: Mapping[str, Any]
    submitted_at: dt.datetime | None
    nonce: str
    respondent_id: str | None = None
    paradata: Mapping[str, Any] | None = None  # opened_at / duration_s the source had (survey.collect.paradata)
    #: the answers as the form's check normalised them (what is stored); not part of equality
    clean: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    #: indicator id -> value under the campaign's profile, when worked out with the check (not part of equality)
    scores: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)


# ------------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Context:
    """What every row is read against."""

    table: UploadTable
    questionnaire: Questionnaire
    columns: MappedColumns
    choice_maps: Mapping[str, Mapping[str, str | None]]
    default_site: str | None
    timezone: str
    sites: frozenset[str]
    site_names: Mapping[str, list[str]]  # normalised name -> codes

    @property
    def file(self) -> str:
        return self.table.filename

    def has(self, kind: str) -> bool:
        return kind in self.columns.special

    def column(self, kind: str) -> str:
        return self.columns.special[kind]


def site_problems(ctx: Context, campaign_id: int) -> list[Problem]:
    """Without a site column, the default site must be chosen and be the campaign's."""
    if ctx.has(SITE):
        return []
    if ctx.default_site is None:
        return [Problem(ctx.file, 1, None, "no_site", "no site column: choose the site these responses come from")]
    if ctx.default_site not in ctx.sites:
        return [Problem(ctx.file, 1, None, "unknown_site", f"campaign {campaign_id} has no site {ctx.default_site!r}",
                        params={"value": ctx.default_site})]
    return []


def _other_instrument(ctx: Context, cell: Cell) -> bool:
    """True when the row names another questionnaire (our export of several)."""
    if not ctx.has(INSTRUMENT):
        return False
    instrument = cell_text(cell(ctx.column(INSTRUMENT)))
    return bool(instrument) and instrument != ctx.questionnaire.id


def _row_site(ctx: Context, row: int, cell: Cell, problems: list[Problem]) -> str | None:
    """The row's site code: from its site column (a code, or a name of exactly one site), else the default."""
    if not ctx.has(SITE):
        return ctx.default_site
    column = ctx.column(SITE)
    raw = cell(column)
    text = "" if blank(raw) else cell_text(raw)
    if not text:
        problems.append(Problem(ctx.file, row, column, "missing_site", "the site is empty"))
        return None
    if text in ctx.sites:
        return text
    if len(ctx.site_names.get(normalise(text), [])) == 1:
        return ctx.site_names[normalise(text)][0]
    problems.append(Problem(ctx.file, row, column, "unknown_site", f"{text!r} is no site code or name of this campaign",
                            params={"value": text}))
    return None


def _row_submitted(ctx: Context, row: int, cell: Cell, problems: list[Problem]) -> dt.datetime | None:
    if not ctx.has(SUBMITTED_AT):
        return None
    column = ctx.column(SUBMITTED_AT)
    parsed = parse_time(cell(column), ctx.timezone)
    if parsed == "bad":
        problems.append(Problem(ctx.file, row, column, "bad_date", f"cannot read {cell(column)!r} as a date and time",
                                params={"value": cell_text(cell(column))}))
        return None
    return parsed


def _row_paradata(ctx: Context, row: int, cell: Cell, submitted: dt.datetime | None,
                  problems: list[Problem]) -> dict[str, Any] | None:
    """What the row says about how it was answered: ``opened_at`` (Kobo's start), ``duration_s``
    (wjx's 所用时间; else end - start). An unreadable value is a warning: the row is kept without it."""
    opened = opened_at(ctx, row, cell(ctx.column(OPENED_AT)), problems) if ctx.has(OPENED_AT) else None
    seconds = duration(ctx, row, cell(ctx.column(DURATION)), problems) if ctx.has(DURATION) else None
    return paradata_of(opened, seconds, submitted)


def opened_at(ctx: Context, row: int, raw: Any, problems: list[Problem]) -> dt.datetime | None:
    """The time the form was opened (a warning in ``problems`` when unreadable)."""
    opened = parse_time(raw, ctx.timezone)
    if opened == "bad":
        problems.append(Problem(ctx.file, row, ctx.column(OPENED_AT), "bad_date", f"cannot read {raw!r} as a date and time",
                                severity="warning", params={"value": cell_text(raw)}))
        return None
    return opened


def duration(ctx: Context, row: int, raw: Any, problems: list[Problem]) -> float | None:
    """The time taken in seconds (a warning in ``problems`` when unreadable)."""
    seconds = parse_seconds(raw)
    if seconds == "bad":
        problems.append(Problem(ctx.file, row, ctx.column(DURATION), "bad_duration", f"cannot read {raw!r} as a duration",
                                severity="warning", params={"value": cell_text(raw)}))
        return None
    return seconds


def paradata_of(opened: dt.datetime | None, seconds: float | None, submitted: dt.datetime | None) -> dict[str, Any] | None:
    """``opened_at`` (UTC ISO text) and ``duration_s`` (the source's, else submitted - opened; none over 7 days)."""
    out: dict[str, Any] = {}
    if opened is not None:
        out["opened_at"] = opened.astimezone(dt.timezone.utc).isoformat()
        if submitted is not None and submitted >= opened:
            out["duration_s"] = (submitted - opened).total_seconds()
    if seconds is not None:
        out["duration_s"] = seconds
    if "duration_s" in out and out["duration_s"] > MAX_DURATION_KEPT_S:
        del out["duration_s"]
    return out or None


def _row_respondent(ctx: Context, row: int, cell: Cell, first_id: dict[str, int], problems: list[Problem]) -> str | None:
    """The row's respondent id; an id seen on an earlier row is a problem."""
    if not ctx.has(RESPONDENT_ID) or blank(cell(ctx.column(RESPONDENT_ID))):
        return None
    column = ctx.column(RESPONDENT_ID)
    respondent = cell_text(cell(column))
    if respondent in first_id:
        problems.append(Problem(ctx.file, row, column, "duplicate_row", f"respondent id {respondent!r} already on row "
                                f"{first_id[respondent]}", params={"value": respondent, "other": first_id[respondent]}))
    else:
        first_id[respondent] = row
    return respondent


def _choice_answer(ctx: Context, row: int, column: str, raw: Any, qid: str, multiple: bool,
                   problems: list[Problem]) -> str | list[str] | None:
    """The choice value(s) of an answer text by the column's choice map; None (and a problem) if unmapped."""
    mapped = []
    choices = ctx.choice_maps.get(column, {})
    for piece in split_multi(raw, lambda t: choices.get(t) is not None) if multiple else [cell_text(raw)]:
        value = choices.get(piece)
        if value is None:
            problems.append(Problem(ctx.file, row, column, "unmapped_text", f"answer {piece!r} matches no choice of {qid}; "
                                    "map it to a choice", params={"value": piece, "question": qid}))
            return None
        mapped.append(value)
    return mapped if multiple else mapped[0]


def _row_answers(ctx: Context, row: int, cell: Cell, problems: list[Problem]) -> dict[str, Any]:
    """The answers of the question columns, then of the option columns (a question not answered yet)."""
    answers: dict[str, Any] = {}
    for qid, cols in ctx.columns.questions.items():
        column = cols[0]
        raw = cell(column)
        if blank(raw):
            continue
        q = ctx.questionnaire.question(qid)
        if q.type in CHOICE_TYPES:
            value = _choice_answer(ctx, row, column, raw, qid, q.type is QuestionType.MULTIPLE, problems)
            if value is not None:
                answers[qid] = value
        elif q.type is QuestionType.TEXT:
            answers[qid] = cell_text(raw)
        else:
            answers[qid] = raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else cell_text(raw)
    for qid, cols in ctx.columns.options.items():
        chosen = _chosen_options(ctx, row, cell, cols, problems)
        if chosen and qid not in answers:
            answers[qid] = chosen
    return answers


def _chosen_options(ctx: Context, row: int, cell: Cell, cols: Sequence[tuple[str, str]], problems: list[Problem]) -> list[str]:
    chosen = []
    for column, value in cols:
        raw = cell(column)
        text = "" if raw is None else cell_text(raw).lower()
        if text in SELECTED:
            chosen.append(value)
        elif text not in UNSELECTED and not blank(raw):
            problems.append(Problem(ctx.file, row, column, "bad_option_flag", f"{raw!r} is neither selected (1) nor "
                                    "unselected (0)", params={"value": cell_text(raw)}))
    return chosen


def _form_problems(ctx: Context, row: int, answers: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """The form's own check of the answers, its problems in the question's column; the clean answers."""
    check = check_answers(ctx.questionnaire, answers)
    column_of = ctx.columns.column_of()
    unmapped = {p.params.get("question") for p in problems if p.code == "unmapped_text"}
    for problem in check.problems:
        if problem.question_id in unmapped and problem.code == "required":
            continue  # already reported as an unmapped text
        column = column_of.get(problem.question_id)
        problems.append(Problem(ctx.file, row, column or problem.question_id, problem.code, f"{problem.question_id}: {problem.detail}",
                                params={"question": problem.question_id, "detail": problem.detail}))
    return check.clean


def _read_row(ctx: Context, row: int, cell: Cell, first_id: dict[str, int],
              problems: list[Problem]) -> tuple[PreparedRow, dict[str, Any]] | None:
    """One row as a PreparedRow and its clean answers, or None (its problems in ``problems``)."""
    row_problems: list[Problem] = []
    site_code = _row_site(ctx, row, cell, row_problems)
    submitted = _row_submitted(ctx, row, cell, row_problems)
    paradata = _row_paradata(ctx, row, cell, submitted, problems)
    respondent = _row_respondent(ctx, row, cell, first_id, row_problems)
    answers = _row_answers(ctx, row, cell, row_problems)
    clean = _form_problems(ctx, row, answers, row_problems)
    if row_problems:
        problems.extend(row_problems)
        return None
    nonce = _row_identity(ctx.table, ctx.questionnaire.id, row, respondent)
    return PreparedRow(row, site_code, dict(answers), submitted, nonce, respondent, paradata, clean), clean


def _repeated(file: str, row: PreparedRow, clean: Mapping[str, Any], first_content: dict[str, int],
              problems: list[Problem]) -> bool:
    """True for a duplicate of an earlier row (same time or id and answers); an identical row
    without time or id is kept with a warning (two people may answer alike)."""
    canonical = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    stamp = row.submitted_at.isoformat() if row.submitted_at else None
    key = json.dumps([row.site_code, row.respondent_id, stamp, canonical], ensure_ascii=False)
    if key in first_content and (row.submitted_at is not None or row.respondent_id is not None):
        problems.append(Problem(file, row.row, None, "duplicate_row", f"the same response as row {first_content[key]}",
                                params={"other": first_content[key]}))
        return True
    if key in first_content:
        problems.append(Problem(file, row.row, None, "identical_row", f"identical to row {first_content[key]} "
                                "(kept: two people may answer alike)", severity="warning", params={"other": first_content[key]}))
    first_content.setdefault(key, row.row)
    return False


# ------------------------------------------------------------------------------- identity


def _nonce(parts: Sequence[Any]) -> str:
    digest = hashlib.sha256(json.dumps(list(parts), ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
    return f"{IMPORT_NONCE_PREFIX}{digest[:40]}"


def _row_identity(table: UploadTable, instrument: str, row_number: int, respondent: str | None) -> str:
    """The nonce of a row, from its source (see the module docstring), never from its answers."""
    if respondent is not None and table.format in ("tcm", "kobo", "wjx"):  # wjx: the export's own 序号
        return _nonce([table.format, instrument, respondent])
    return _nonce(["file", instrument, table.sha256, row_number])


def make_context(table: UploadTable, questionnaire: Questionnaire, campaign, columns: MappedColumns,  # noqa: ANN001
                 choice_maps: Mapping[str, Mapping[str, str | None]], default_site: str | None) -> Context:
    site_names: dict[str, list[str]] = {}
    for s in campaign.sites:
        site_names.setdefault(normalise(s.name), []).append(s.code)
    return Context(table, questionnaire, columns, choice_maps, default_site, campaign.timezone,
                   frozenset(s.code for s in campaign.sites), site_names)


def read_rows(ctx: Context, problems: list[Problem]) -> tuple[list[PreparedRow], int]:
    """The accepted rows and the number of rows of another questionnaire (skipped), row by row."""
    index = {c: i for i, c in enumerate(ctx.table.columns)}
    accepted: list[PreparedRow] = []
    skipped = 0
    first_id: dict[str, int] = {}
    first_content: dict[str, int] = {}
    for offset, values in enumerate(ctx.table.rows):
        if all(blank(v) for v in values):
            continue

        def cell(column: str, values: Sequence[Any] = values) -> Any:
            return values[index[column]]

        if _other_instrument(ctx, cell):
            skipped += 1
            continue
        read = _read_row(ctx, offset + 2, cell, first_id, problems)
        if read is not None and not _repeated(ctx.file, read[0], read[1], first_content, problems):
            accepted.append(read[0])
    return accepted, skipped
