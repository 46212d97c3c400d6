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

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from survey.questionnaire import Questionnaire
from survey.questionnaire.answers import check_answers
from survey.questionnaire.profiles import find_profile
from tabular import Problem

from .columns import Progress, RowAnswers, paused_gc, read_columns
from .mapping import Target, auto_choice_map, auto_map, check_mapping
from .rows import SOURCE, PreparedRow, make_context, site_problems  # noqa: F401 - SOURCE: this module's name for it too
from .upload import ImportFileError, UploadTable

__all__ = ["ImportPreview", "ImportResult", "PreparedRow", "import_rows", "prepare_import"]


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
    scored_with: str | None = None  # the profile id the rows' scores were worked out under (None: not scored)

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


# ------------------------------------------------------------------------------- stored rows


def _alike_stored(store, filename: str, campaign_id: int, questionnaire: Questionnaire,  # noqa: ANN001
                  rows: Sequence[PreparedRow], present: set[str]) -> tuple[list[Problem], bool]:
    """Warnings for new rows whose site and answers equal a stored response's (kept: two people
    may answer alike, but a corrected copy of an imported file would add its rows again), and
    whether the new rows are a copy: each matched one to one by a stored response (as multisets)."""
    stored = Counter(_content(r.site_code, r.answers) for r in store.responses(campaign_id) if r.questionnaire_id == questionnaire.id)
    if not stored:  # nothing to be alike: no warning, and new rows are no copy
        return [], False
    fresh = [(r.row, _content(r.site_code, r.clean if r.clean is not None else check_answers(questionnaire, r.answers).clean))
             for r in rows if r.nonce not in present]
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
    progress: Progress | None = None,
) -> ImportPreview:
    """Validate every row and return the preview (nothing is written).

    Problems by row and column: an unknown column (file level, blocking until it is mapped or
    set to ``ignore``), a column mapped to a question twice, an answer text with no choice, an
    unknown or missing site, an unreadable date, a respondent id seen on an earlier row, and
    every problem the form itself would report (required answer missing, answer to a question
    that skip logic hides, value of the wrong type or out of range, too many choices, ...).
    Mapping values are :class:`Target` s (or their :attr:`Target.key` texts). A plain file whose
    every new row equals a stored response is refused (``all_stored_alike``) unless ``reentry``
    says the user means to enter those responses again. ``progress(fraction, stage)``, if given, is
    called as the work goes on (fractions rising to 1.0; stages ``columns``, ``answers``, ``rules``,
    ``rows``, ``stored``, ``done``), e.g. to feed a progress bar.
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
    ctx = make_context(table, questionnaire, campaign, columns, choice_maps, default_site)
    problems += site_problems(ctx, campaign.id)
    blocking = any(p.row == 1 or p.row is None for p in problems)
    profile = find_profile(campaign.profile_id) if campaign.profile_id else None
    accepted, skipped = ([], 0) if blocking else read_columns(ctx, problems, progress, score=profile is not None, profile=profile)
    if accepted and table.format == "tcm" and store is not None:
        accepted = _own_export_rows(store, campaign.id, accepted)
    if existing_nonces is None and store is not None and accepted:
        if progress is not None:
            progress(0.92, "stored")
        existing_nonces = store.stored_nonces(campaign.id, [r.nonce for r in accepted])
        alike, copied = _alike_stored(store, table.filename, campaign.id, questionnaire, accepted, existing_nonces)
        problems.extend(alike)
        new = sum(1 for r in accepted if r.nonce not in existing_nonces)
        if table.format == "plain" and new and copied and not reentry:
            problems.append(Problem(table.filename, None, None, "all_stored_alike", f"all {new} rows equal responses already "
                                    "stored: a copy of a file imported before? Confirm a deliberate re-entry to import them"))
    if progress is not None:
        progress(1.0, "done")
    already = sum(1 for r in accepted if existing_nonces and r.nonce in existing_nonces)
    if not table.rows:
        problems.append(Problem(table.filename, None, None, "no_rows", "the file has a header but no data rows"))
    return ImportPreview(
        filename=table.filename, format=table.format, questionnaire_id=questionnaire.id, version_hash=instrument.version_hash,
        mapping=columns.mapping, choice_maps=choice_maps, accepted=tuple(accepted),
        problems=tuple(sorted(problems, key=lambda p: (p.row or 0, p.column or ""))), rows_total=len(table.rows),
        skipped_other_instrument=skipped, already_imported=already, sha256=table.sha256,
        scored_with=profile.id if profile is not None and not blocking else None,
    )


def _plain(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return mapping.todict() if isinstance(mapping, RowAnswers) else dict(mapping)


def import_rows(store, campaign_id: int, questionnaire: Questionnaire, preview: ImportPreview, *, actor: str,  # noqa: ANN001
                progress: Progress | None = None) -> ImportResult:
    """Store the preview's accepted rows in one transaction (all or nothing), ``source="import"``,
    with one ``import.batch`` audit row naming ``actor``, the file, its SHA-256 and the rows refused.

    Call this only after the user confirmed the preview. Rows already stored (same nonce) are not
    written again. The answers and scores the preview worked out are stored as they are (rows
    without them are checked and scored again). ``progress(fraction, stage)`` as chunks are written.
    Raises ImportFileError when the preview has file-level errors or belongs to another
    instrument version; storage errors roll the whole import back.
    """
    if preview.blocking:
        raise ImportFileError(preview.blocking)
    if questionnaire.id != preview.questionnaire_id or questionnaire.version_hash != preview.version_hash:
        raise ImportFileError([Problem(None, None, None, "stale_preview", f"the preview was made for {preview.questionnaire_id} "
                                       f"{preview.version_hash[:12]}, not {questionnaire.id} {questionnaire.version_hash[:12]}")])
    with paused_gc():
        return _import_rows(store, campaign_id, questionnaire, preview, actor, progress)


def _import_rows(store, campaign_id: int, questionnaire: Questionnaire, preview: ImportPreview, actor: str,  # noqa: ANN001
                 progress: Progress | None) -> ImportResult:
    from survey.collect.paradata import parse_paradata
    from survey.collect.submission import ImportRow, clean_and_score
    from survey.errors import AnswerError

    profile = store.campaign_profile(campaign_id)
    scored = preview.scored_with == (profile.id if profile is not None else None) and preview.scored_with is not None
    rows = []
    for position, r in enumerate(preview.accepted, start=1):
        if scored and r.clean is not None and r.scores is not None:
            clean, scores = _plain(r.clean), _plain(r.scores)
        else:
            try:
                clean, scores = clean_and_score(questionnaire, r.answers, profile)
            except AnswerError as exc:
                raise AnswerError([type(p)(p.question_id, p.code, f"submission {position} (nonce {r.nonce}): {p.detail}")
                                   for p in exc.problems], exc.questionnaire_id) from None
        rows.append(ImportRow(r.site_code, r.nonce, clean, scores, r.submitted_at, parse_paradata(r.paradata).stored(None)))
    batch = {"file": preview.filename, "sha256": preview.sha256, "format": preview.format, "questionnaire_id": questionnaire.id,
             "rows": preview.rows_total, "accepted": len(rows), "refused": len(preview.rejected_rows),
             "other_questionnaire": preview.skipped_other_instrument}
    if not rows:
        return ImportResult(0, 0, len(preview.rejected_rows))
    stored, repeats = store.import_responses(campaign_id, preview.version_hash, rows, actor=actor, batch=batch, progress=progress)
    return ImportResult(stored, repeats, len(preview.rejected_rows))
