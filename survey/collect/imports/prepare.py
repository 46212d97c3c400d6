"""Preparing an import: every row checked with the form's rules into an :class:`ImportPreview`
(nothing written); :func:`import_rows` stores the accepted rows once the user has confirmed.

Each row's identity (its nonce, ``imp-...``) comes from where it came from, never from its
answers (two people may answer alike):

* a row of this toolkit's own export (``tcm``) carries the ``response_id`` of a stored response:
  when that response is in this campaign, the row *is* that response (already present, nothing
  is written); otherwise the row is known by that id;
* a KoboToolbox row by its ``_uuid`` / ``meta/instanceID`` (unique per submission);
* any other row by the file (SHA-256 of its bytes) and its row number.

So importing the same file twice stores nothing the second time, re-importing an export adds
nothing, and two files of different people never take each other's rows. Nonces starting with
``imp-`` are reserved for imports (``survey.storage`` refuses them from the form).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from survey.questionnaire import CHOICE_TYPES, Questionnaire, QuestionType
from survey.questionnaire.answers import check_answers
from tabular import Problem

from .mapping import (
    DURATION, INSTRUMENT, OPENED_AT, RESPONDENT_ID, SITE, SUBMITTED_AT, MappedColumns, Target, auto_choice_map, auto_map,
    check_mapping, normalise,
)
from .upload import ImportFileError, UploadTable, blank, cell_text, parse_seconds, parse_time, split_multi

__all__ = ["ImportPreview", "ImportResult", "PreparedRow", "import_rows", "prepare_import"]

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


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do; nothing is written until :func:`import_rows`."""

    filename: str
    format: str
    questionnaire_id: str
    version_hash: str
    mapping: Mapping[str, Target | None]
    choice_maps: Mapping[str, Mapping[str, str | None]]
    accepted: tuple[PreparedRow, ...]
    problems: tuple[Problem, ...]
    rows_total: int
    skipped_other_instrument: int = 0
    already_imported: int = 0  # accepted rows whose nonce is already stored
    sha256: str = ""  # of the file's bytes (the audit row names it)

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


@dataclass(frozen=True)
class ImportResult:
    imported: int
    repeats: int
    rejected: int


# ------------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class _Context:
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


def _site_problems(ctx: _Context, campaign_id: int) -> list[Problem]:
    """Without a site column, the default site must be chosen and be the campaign's."""
    if ctx.has(SITE):
        return []
    if ctx.default_site is None:
        return [Problem(ctx.file, 1, None, "no_site", "no site column: choose the site these responses come from")]
    if ctx.default_site not in ctx.sites:
        return [Problem(ctx.file, 1, None, "unknown_site", f"campaign {campaign_id} has no site {ctx.default_site!r}",
                        params={"value": ctx.default_site})]
    return []


def _other_instrument(ctx: _Context, cell: Cell) -> bool:
    """True when the row names another questionnaire (our export of several)."""
    if not ctx.has(INSTRUMENT):
        return False
    instrument = cell_text(cell(ctx.column(INSTRUMENT)))
    return bool(instrument) and instrument != ctx.questionnaire.id


def _row_site(ctx: _Context, row: int, cell: Cell, problems: list[Problem]) -> str | None:
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


def _row_submitted(ctx: _Context, row: int, cell: Cell, problems: list[Problem]) -> dt.datetime | None:
    if not ctx.has(SUBMITTED_AT):
        return None
    column = ctx.column(SUBMITTED_AT)
    parsed = parse_time(cell(column), ctx.timezone)
    if parsed == "bad":
        problems.append(Problem(ctx.file, row, column, "bad_date", f"cannot read {cell(column)!r} as a date and time",
                                params={"value": cell_text(cell(column))}))
        return None
    return parsed


def _row_paradata(ctx: _Context, row: int, cell: Cell, submitted: dt.datetime | None,
                  problems: list[Problem]) -> dict[str, Any] | None:
    """What the row says about how it was answered: ``opened_at`` (Kobo's start), ``duration_s``
    (wjx's 所用时间; else end - start). An unreadable value is a warning: the row is kept without it."""
    out: dict[str, Any] = {}
    if ctx.has(OPENED_AT):
        column = ctx.column(OPENED_AT)
        opened = parse_time(cell(column), ctx.timezone)
        if opened == "bad":
            problems.append(Problem(ctx.file, row, column, "bad_date", f"cannot read {cell(column)!r} as a date and time",
                                    severity="warning", params={"value": cell_text(cell(column))}))
        elif opened is not None:
            out["opened_at"] = opened.astimezone(dt.timezone.utc).isoformat()
            if submitted is not None and submitted >= opened:
                out["duration_s"] = (submitted - opened).total_seconds()
    if ctx.has(DURATION):
        column = ctx.column(DURATION)
        seconds = parse_seconds(cell(column))
        if seconds == "bad":
            problems.append(Problem(ctx.file, row, column, "bad_duration", f"cannot read {cell(column)!r} as a duration",
                                    severity="warning", params={"value": cell_text(cell(column))}))
        elif seconds is not None:
            out["duration_s"] = seconds
    if "duration_s" in out and out["duration_s"] > MAX_DURATION_KEPT_S:
        del out["duration_s"]
    return out or None


def _row_respondent(ctx: _Context, row: int, cell: Cell, first_id: dict[str, int], problems: list[Problem]) -> str | None:
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


def _choice_answer(ctx: _Context, row: int, column: str, raw: Any, qid: str, multiple: bool,
                   problems: list[Problem]) -> str | list[str] | None:
    """The choice value(s) of an answer text by the column's choice map; None (and a problem) if unmapped."""
    mapped = []
    for piece in split_multi(raw) if multiple else [cell_text(raw)]:
        value = ctx.choice_maps.get(column, {}).get(piece)
        if value is None:
            problems.append(Problem(ctx.file, row, column, "unmapped_text", f"answer {piece!r} matches no choice of {qid}; "
                                    "map it to a choice", params={"value": piece, "question": qid}))
            return None
        mapped.append(value)
    return mapped if multiple else mapped[0]


def _row_answers(ctx: _Context, row: int, cell: Cell, problems: list[Problem]) -> dict[str, Any]:
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


def _chosen_options(ctx: _Context, row: int, cell: Cell, cols: Sequence[tuple[str, str]], problems: list[Problem]) -> list[str]:
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


def _form_problems(ctx: _Context, row: int, answers: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
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


def _read_row(ctx: _Context, row: int, cell: Cell, first_id: dict[str, int],
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
    return PreparedRow(row, site_code, dict(answers), submitted, nonce, respondent, paradata), clean


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


def _alike_stored(store, filename: str, campaign_id: int, questionnaire: Questionnaire,  # noqa: ANN001
                  rows: Sequence[PreparedRow], present: set[str]) -> tuple[list[Problem], bool]:
    """Warnings for new rows whose site and answers equal a stored response's (kept: two people
    may answer alike, but a corrected copy of an imported file would add its rows again), and
    whether the new rows are a copy: each matched one to one by a stored response (as multisets)."""
    stored = Counter(_content(r.site_code, r.answers) for r in store.responses(campaign_id) if r.questionnaire_id == questionnaire.id)
    fresh = [(r.row, _content(r.site_code, check_answers(questionnaire, r.answers).clean)) for r in rows if r.nonce not in present]
    out = [Problem(filename, row, None, "stored_alike", "the same site and answers as a response already stored (kept: two "
                   "people may answer alike; is this file a copy of one imported before?)", severity="warning")
           for row, content in fresh if content in stored]
    copied = bool(fresh) and not (Counter(c for _, c in fresh) - stored)
    return out, copied


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


# ------------------------------------------------------------------------------- steps


def _context(table: UploadTable, questionnaire: Questionnaire, campaign, columns: MappedColumns,  # noqa: ANN001
             choice_maps: Mapping[str, Mapping[str, str | None]], default_site: str | None) -> _Context:
    site_names: dict[str, list[str]] = {}
    for s in campaign.sites:
        site_names.setdefault(normalise(s.name), []).append(s.code)
    return _Context(table, questionnaire, columns, choice_maps, default_site, campaign.timezone,
                    frozenset(s.code for s in campaign.sites), site_names)


def _read_rows(ctx: _Context, problems: list[Problem]) -> tuple[list[PreparedRow], int]:
    """The accepted rows and the number of rows of another questionnaire (skipped)."""
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


def prepare_import(
    table: UploadTable,
    questionnaire: Questionnaire,
    campaign,  # noqa: ANN001 - survey.campaign.Campaign
    *,
    mapping: Mapping[str, Target | str | None] | None = None,
    choice_maps: Mapping[str, Mapping[str, str | None]] | None = None,
    default_site: str | None = None,
    existing_nonces: set[str] | None = None,
    store=None,  # noqa: ANN001 - survey.storage.Store, to count rows already imported
    reentry: bool = False,
) -> ImportPreview:
    """Validate every row and return the preview (nothing is written).

    Problems by row and column: an unknown column (file level, blocking until it is mapped or
    set to ``ignore``), a column mapped to a question twice, an answer text with no choice, an
    unknown or missing site, an unreadable date, a respondent id seen on an earlier row, and
    every problem the form itself would report (required answer missing, answer to a question
    that skip logic hides, value of the wrong type or out of range, too many choices, ...).
    Mapping values are :class:`Target` s (or their :attr:`Target.key` texts). A plain file whose
    every new row equals a stored response is refused (``all_stored_alike``) unless ``reentry``
    says the user means to enter those responses again.
    """
    instrument = campaign.instrument_for(questionnaire.id)
    if instrument is None:
        raise ImportFileError([Problem(None, None, None, "no_instrument",
                                       f"campaign {campaign.id} has no instrument {questionnaire.id!r}")])
    mapping = dict(mapping) if mapping is not None else auto_map(table.columns, questionnaire, table.format)
    for column in table.columns:
        mapping.setdefault(column, None)
    computed = auto_choice_map(table, mapping, questionnaire)
    choice_maps = {c: {**computed.get(c, {}), **dict((choice_maps or {}).get(c, {}))} for c in computed}
    problems: list[Problem] = []
    columns = check_mapping(table, questionnaire, mapping, problems)
    ctx = _context(table, questionnaire, campaign, columns, choice_maps, default_site)
    problems += _site_problems(ctx, campaign.id)
    blocking = any(p.row == 1 or p.row is None for p in problems)
    accepted, skipped = ([], 0) if blocking else _read_rows(ctx, problems)
    if accepted and table.format == "tcm" and store is not None:
        accepted = _own_export_rows(store, campaign.id, accepted)
    if existing_nonces is None and store is not None and accepted:
        existing_nonces = store.stored_nonces(campaign.id, [r.nonce for r in accepted])
        alike, copied = _alike_stored(store, table.filename, campaign.id, questionnaire, accepted, existing_nonces)
        problems.extend(alike)
        new = sum(1 for r in accepted if r.nonce not in existing_nonces)
        if table.format == "plain" and new and copied and not reentry:
            problems.append(Problem(table.filename, None, None, "all_stored_alike", f"all {new} rows equal responses already "
                                    "stored: a copy of a file imported before? Confirm a deliberate re-entry to import them"))
    already = sum(1 for r in accepted if existing_nonces and r.nonce in existing_nonces)
    if not table.rows:
        problems.append(Problem(table.filename, None, None, "no_rows", "the file has a header but no data rows"))
    return ImportPreview(
        filename=table.filename, format=table.format, questionnaire_id=questionnaire.id, version_hash=instrument.version_hash,
        mapping=columns.mapping, choice_maps=choice_maps, accepted=tuple(accepted),
        problems=tuple(sorted(problems, key=lambda p: (p.row or 0, p.column or ""))), rows_total=len(table.rows),
        skipped_other_instrument=skipped, already_imported=already, sha256=table.sha256,
    )


def import_rows(store, campaign_id: int, questionnaire: Questionnaire, preview: ImportPreview, *, actor: str) -> ImportResult:  # noqa: ANN001
    """Store the preview's accepted rows in one transaction (all or nothing), ``source="import"``,
    with one ``import.batch`` audit row naming ``actor``, the file, its SHA-256 and the rows refused.

    Call this only after the user confirmed the preview. Rows already stored (same nonce) are not
    written again. Raises ImportFileError when the preview has file-level errors or belongs to another
    instrument version; storage errors roll the whole import back.
    """
    from survey.collect.submission import Submission

    if preview.blocking:
        raise ImportFileError(preview.blocking)
    if questionnaire.id != preview.questionnaire_id or questionnaire.version_hash != preview.version_hash:
        raise ImportFileError([Problem(None, None, None, "stale_preview", f"the preview was made for {preview.questionnaire_id} "
                                       f"{preview.version_hash[:12]}, not {questionnaire.id} {questionnaire.version_hash[:12]}")])
    submissions = [
        Submission(site_code=r.site_code, questionnaire=questionnaire, answers=r.answers, nonce=r.nonce, source=SOURCE,
                   submitted_at=r.submitted_at, language=None, simulated=False, paradata=r.paradata)
        for r in preview.accepted
    ]
    batch = {"file": preview.filename, "sha256": preview.sha256, "format": preview.format, "questionnaire_id": questionnaire.id,
             "rows": preview.rows_total, "accepted": len(submissions), "refused": len(preview.rejected_rows),
             "other_questionnaire": preview.skipped_other_instrument}
    results = store.submit_batch(campaign_id, submissions, actor=actor, batch=batch) if submissions else []
    repeats = sum(1 for r in results if r.repeat)
    return ImportResult(len(results) - repeats, repeats, len(preview.rejected_rows))
