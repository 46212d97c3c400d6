"""Reading an upload column by column (what :func:`.prepare.prepare_import` uses).

Every distinct cell of a column is read once (a row holds an int code per column, numpy arrays);
skip logic, constraints and screen-outs are evaluated once per distinct combination of the
answers they name. A row's problems come out in the order :func:`.rows.read_rows` (the row-by-row
reference) gives them, with the same rows accepted, so both give equal previews (tests compare
them); the per-row work left is building the accepted rows and the duplicate check.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np

from survey.questionnaire import CHOICE_TYPES, Question, QuestionType
from survey.questionnaire.answers import normalise_answer
from survey.questionnaire.expressions import EvaluationContext, Expression, is_empty
from tabular import Problem

from .mapping import DURATION, INSTRUMENT, OPENED_AT, RESPONDENT_ID, SITE, SUBMITTED_AT
from .rows import (
    IMPORT_NONCE_PREFIX,
    Context,
    PreparedRow,
    _choice_answer,
    _chosen_options,
    _other_instrument,
    _row_site,
    _row_submitted,
    duration,
    opened_at,
    paradata_of,
    read_rows,
)
from .upload import blank, cell_text

__all__ = ["Coded", "Progress", "combine", "read_columns"]

Progress = Callable[[float, str], None]  # (fraction done 0..1, stage code)
Coded = tuple[np.ndarray, list[Any]]  # a code per row (-1: none) and the distinct values


def _flags(values: Sequence[Any], test: Callable[[Any], bool]) -> np.ndarray:
    return np.fromiter((bool(test(v)) for v in values), bool, len(values))


def _spread(bucket: dict[int, list[Problem]], rows: np.ndarray, codes: np.ndarray, per_value: list[list[Problem]]) -> None:
    """Each row's copy (with its row number) of the problems of its value."""
    has = _flags(per_value, bool)
    if not has.any():
        return
    for k in np.flatnonzero((codes >= 0) & has[np.maximum(codes, 0)]).tolist():
        bucket.setdefault(k, []).extend(replace(p, row=int(rows[k])) for p in per_value[codes[k]])


def _spread_mask(bucket: dict[int, list[Problem]], rows: np.ndarray, mask: np.ndarray, problem: Problem) -> None:
    for k in np.flatnonzero(mask).tolist():
        bucket.setdefault(k, []).append(replace(problem, row=int(rows[k])))


def combine(arrays: Sequence[np.ndarray], n: int) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """The distinct combinations of codes across ``arrays`` and each row's combination."""
    if not arrays:
        return [()], np.zeros(n, dtype=np.int64)
    sizes = [int(a.max()) + 2 if len(a) else 1 for a in arrays]
    if float(np.prod(sizes, dtype=float)) < 2.0**62:
        key = np.zeros(n, dtype=np.int64)
        radix = 1
        for a, size in zip(arrays, sizes):
            key += (a.astype(np.int64) + 1) * radix
            radix *= size
        keys, inverse = np.unique(key, return_inverse=True)
        parts, radix = [], 1
        for size in sizes:
            parts.append((keys // radix) % size - 1)
            radix *= size
        return list(zip(*(p.tolist() for p in parts))), inverse.reshape(-1)
    stacked = np.stack(arrays, axis=1)
    combos, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return [tuple(c) for c in combos.tolist()], inverse.reshape(-1)


def _truth(expression: Expression, clean: dict[str, Coded], n: int, current: Coded | None = None) -> np.ndarray:
    """``expression.is_true`` for every row, evaluated once per combination of the answers it names."""
    refs = [r for r in dict.fromkeys(expression.references) if r in clean]
    arrays = [clean[r][0] for r in refs] + ([current[0]] if current is not None else [])
    combos, inverse = combine(arrays, n)
    out = np.empty(len(combos), dtype=bool)
    for j, combo in enumerate(combos):
        answers = {r: clean[r][1][c] for r, c in zip(refs, combo) if c >= 0}
        value = current[1][combo[-1]] if current is not None and combo[-1] >= 0 else None
        out[j] = expression.is_true(EvaluationContext(answers=answers, current=value))
    return out[inverse]


class _Reader:
    """The columns of the active rows (not blank, this questionnaire) and the problems by row."""

    def __init__(self, ctx: Context, coded: dict[str, Coded], active: np.ndarray) -> None:
        self.ctx = ctx
        self.coded = coded
        self.active = active
        self.rows = active + 2  # as a spreadsheet shows them (header = 1)
        self.n = len(active)
        self.paradata_problems: dict[int, list[Problem]] = {}
        self.problems: dict[int, list[Problem]] = {}  # what refuses a row

    def column(self, name: str) -> Coded:
        codes, values = self.coded[name]
        return codes[self.active], values

    def per_value(self, name: str, read: Callable[[Any, list[Problem]], Any], bucket: dict[int, list[Problem]] | None = None,
                  ) -> tuple[np.ndarray, list[Any]]:
        """``read(value, problems)`` once per distinct value of a column; its problems to each row."""
        codes, values = self.column(name)
        results, problems = [], []
        for value in values:
            found: list[Problem] = []
            results.append(read(value, found))
            problems.append(found)
        _spread(self.problems if bucket is None else bucket, self.rows, codes, problems)
        return codes, results

    def special(self, kind: str, read: Callable[[Any, list[Problem]], Any], bucket: dict[int, list[Problem]] | None = None,
                ) -> list[Any]:
        """Each row's value of a special column (site, time, ...), None when the file has none."""
        if not self.ctx.has(kind):
            return [None] * self.n
        codes, results = self.per_value(self.ctx.column(kind), read, bucket)
        return [results[c] for c in codes.tolist()]


def _respondents(reader: _Reader) -> list[str | None]:
    """Each row's respondent id; a repeat of an earlier row's id is a problem (in row order)."""
    ctx = reader.ctx
    ids = reader.special(RESPONDENT_ID, lambda v, _: None if blank(v) else cell_text(v))
    if not ctx.has(RESPONDENT_ID):
        return ids
    column, first_id = ctx.column(RESPONDENT_ID), {}
    for k, respondent in enumerate(ids):
        if respondent is None:
            continue
        if respondent in first_id:
            reader.problems.setdefault(k, []).append(Problem(
                ctx.file, int(reader.rows[k]), column, "duplicate_row", f"respondent id {respondent!r} already on row "
                f"{first_id[respondent]}", params={"value": respondent, "other": first_id[respondent]}))
        else:
            first_id[respondent] = int(reader.rows[k])
    return ids


def _answers(reader: _Reader) -> tuple[dict[str, Coded], dict[str, np.ndarray]]:
    """The raw answer of each question per row (as the row-by-row reading puts it in the answers),
    and per question the rows whose answer text matched no choice."""
    ctx, n = reader.ctx, reader.n
    answers: dict[str, Coded] = {}
    unmapped: dict[str, np.ndarray] = {}
    for qid, cols in ctx.columns.questions.items():
        column, q = cols[0], ctx.questionnaire.question(qid)

        def read(raw: Any, problems: list[Problem], column: str = column, q: Question = q) -> tuple[bool, Any]:
            if blank(raw):
                return False, None
            if q.type in CHOICE_TYPES:
                value = _choice_answer(ctx, 0, column, raw, q.id, q.type is QuestionType.MULTIPLE, problems)
                return value is not None, value
            if q.type is QuestionType.TEXT:
                return True, cell_text(raw)
            return True, raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else cell_text(raw)

        codes, results = reader.per_value(column, read)
        present = np.array([ok for ok, _ in results] + [False], dtype=bool)
        answers[qid] = (np.where(present[codes], codes, -1), [value for _, value in results])
        failed = _flags(results, lambda r: not r[0]) & ~_flags(reader.column(column)[1], blank)
        unmapped[qid] = failed[codes] if failed.size else np.zeros(n, dtype=bool)
    for qid, cols in ctx.columns.options.items():
        selected = np.zeros((n, len(cols)), dtype=bool)
        for j, (column, value) in enumerate(cols):
            codes, results = reader.per_value(column, lambda raw, p, column=column, value=value: bool(
                _chosen_options(ctx, 0, lambda _c, raw=raw: raw, [(column, value)], p)))
            selected[:, j] = np.array(results + [False], dtype=bool)[codes]
        chosen: dict[tuple[str, ...], int] = {}
        codes = np.full(n, -1, dtype=np.int64)
        for k in np.flatnonzero(selected.any(axis=1)).tolist():
            picked = tuple(value for (_, value), on in zip(cols, selected[k]) if on)
            codes[k] = chosen.setdefault(picked, len(chosen))
        values = [list(p) for p in chosen]
        if qid in answers:  # the question's own column first; the option columns where it is blank
            own_codes, own_values = answers[qid]
            codes = np.where(own_codes >= 0, own_codes, np.where(codes >= 0, codes + len(own_values), -1))
            values = own_values + values
        answers[qid] = (codes, values)
    return answers, unmapped


def _form_problem(ctx: Context, column_of: dict[str, str], qid: str, code: str, detail: str) -> Problem:
    return Problem(ctx.file, 0, column_of.get(qid) or qid, code, f"{qid}: {detail}", params={"question": qid, "detail": detail})


def _constraint_detail(question: Question) -> str:
    own = question.constraint_message
    return own.get("en") or next(iter(own.values())) if own else f"the answer breaks the rule {question.constraint.text!r}"


def _walk(reader: _Reader, answers: dict[str, Coded], unmapped: dict[str, np.ndarray],
          progress: Callable[[float], None]) -> tuple[dict[str, Coded], dict[str, np.ndarray], np.ndarray]:
    """``check_answers`` for every row at once: each question's clean answer per row (codes into
    distinct values equal as JSON), its problems into ``reader.problems`` in the walk's order;
    and per row which questions were shown and whether a screen-out ended the form."""
    ctx, n, rows = reader.ctx, reader.n, reader.rows
    questionnaire, column_of = ctx.questionnaire, ctx.columns.column_of()
    clean: dict[str, Coded] = {}
    shown: dict[str, np.ndarray] = {}
    ended = np.zeros(n, dtype=bool)
    nothing = (np.full(n, -1, dtype=np.int64), [])
    sections = questionnaire.sections
    for number, section in enumerate(sections):
        progress(number / max(len(sections), 1))
        section_shown = np.ones(n, dtype=bool) if section.relevant is None else _truth(section.relevant, clean, n)
        for qid in section.question_ids:
            q = questionnaire.question(qid)
            codes, raws = answers.get(qid, nothing)
            empty = _flags(raws, lambda v: (isinstance(v, str) and not v.strip()) or is_empty(v))
            present = (codes >= 0) & ~np.append(empty, True)[codes]
            visible = ~ended & section_shown
            if q.relevant is not None:
                visible &= _truth(q.relevant, clean, n)
            shown[qid] = visible
            if not q.takes_answer:
                _spread_mask(reader.problems, rows, present, _form_problem(ctx, column_of, qid, "not_answerable", "a note takes no answer"))
                continue
            _spread_mask(reader.problems, rows, present & ~visible, _form_problem(
                ctx, column_of, qid, "hidden", "answered although skip logic hides this question"))
            if q.required:
                _spread_mask(reader.problems, rows, visible & ~present & ~unmapped.get(qid, np.zeros(n, dtype=bool)),
                             _form_problem(ctx, column_of, qid, "required", "a required answer is missing"))
            work = visible & present
            used = np.zeros(len(raws), dtype=bool)
            used[codes[work]] = True
            normal = [normalise_answer(q, raw) if on else (None, None) for raw, on in zip(raws, used.tolist())]
            per_value = [[] if problem is None else [_form_problem(ctx, column_of, qid, problem.code, problem.detail)]
                         for _, problem in normal]
            _spread(reader.problems, rows, np.where(work, codes, -1), per_value)
            ok = work & np.append(_flags(normal, lambda r: r[1] is None), False)[codes]
            if q.constraint is not None and ok.any():
                current = (np.where(ok, codes, -1), [value for value, _ in normal])
                broken = ok & ~_truth(q.constraint, clean, n, current)
                _spread_mask(reader.problems, rows, broken, _form_problem(ctx, column_of, qid, "constraint", _constraint_detail(q)))
                ok &= ~broken
            keys: dict[str, int] = {}
            values: list[Any] = []
            index = np.full(len(raws) + 1, -1, dtype=np.int64)
            for u, (value, problem) in enumerate(normal):
                if used[u] and problem is None:
                    key = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
                    if key not in keys:
                        keys[key] = len(values)
                        values.append(value)
                    index[u] = keys[key]
            clean[qid] = (np.where(ok, index[codes], -1), values)
            if q.ends_form_if is not None and ok.any():
                ended |= ok & _truth(q.ends_form_if, clean, n, clean[qid])
    progress(1.0)
    return clean, shown, ended


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector off while a file's rows are read: with 200,000 rows of cells alive, each
    of its full passes walks them all (2-3 times the work of reading); the rows read hold no cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_columns(ctx: Context, problems: list[Problem], progress: Progress | None = None, *, score: bool = False,
                 profile: Any = None) -> tuple[list[PreparedRow], int]:
    """The accepted rows and the number of rows of another questionnaire (skipped), as
    :func:`.rows.read_rows` gives them; ``progress(fraction, stage)`` from 0 to 0.9 as it goes. With
    ``score``, each row also carries its indicator scores under ``profile`` (the campaign's)."""
    with paused_gc():
        return _read_columns(ctx, problems, progress, score, profile)


def _read_columns(ctx: Context, problems: list[Problem], progress: Progress | None, score: bool,
                  profile: Any) -> tuple[list[PreparedRow], int]:
    report = progress or (lambda fraction, stage: None)
    table = ctx.table
    width = len(table.columns)
    if any(len(r) != width for r in table.rows):  # read_upload refuses ragged rows; others are read row by row
        return read_rows(ctx, problems)
    report(0.0, "columns")
    coded = {name: table.coded(i) for i, name in enumerate(table.columns)}
    n_all = len(table.rows)
    empty = np.ones(n_all, dtype=bool)
    for codes, values in coded.values():
        empty &= _flags(values, blank)[codes]
    other = np.zeros(n_all, dtype=bool)
    if ctx.has(INSTRUMENT):
        codes, values = coded[ctx.column(INSTRUMENT)]
        other = ~empty & _flags(values, lambda v: _other_instrument(ctx, lambda _c, v=v: v))[codes]
    reader = _Reader(ctx, coded, np.flatnonzero(~empty & ~other))
    report(0.1, "answers")
    sites = reader.special(SITE, lambda v, p: _row_site(ctx, 0, lambda _c: v, p))
    if not ctx.has(SITE):
        sites = [ctx.default_site] * reader.n
    submitted = reader.special(SUBMITTED_AT, lambda v, p: _row_submitted(ctx, 0, lambda _c: v, p))
    opened = reader.special(OPENED_AT, lambda v, p: opened_at(ctx, 0, v, p), reader.paradata_problems)
    seconds = reader.special(DURATION, lambda v, p: duration(ctx, 0, v, p), reader.paradata_problems)
    respondents = _respondents(reader)
    answers, unmapped = _answers(reader)
    report(0.3, "rules")
    clean, shown, ended = _walk(reader, answers, unmapped, lambda f: report(0.3 + 0.45 * f, "rules"))
    report(0.75, "rows")
    scores = None
    if score:
        from .scores import score_columns

        scores = score_columns(ctx.questionnaire, profile, clean, shown, ended)
    accepted = _accepted(reader, problems, sites, submitted, opened, seconds, respondents, answers, clean, scores)
    report(0.9, "rows")
    return accepted, int(other.sum())


class _Rows:
    """The rows of coded columns (question id -> codes, values) as dicts, each made when first asked for."""

    def __init__(self, coded: dict[str, Coded]) -> None:
        self.coded = coded
        self.columns: list[tuple[str, list[int], list[Any]]] | None = None

    def row(self, k: int) -> dict[str, Any]:
        if self.columns is None:  # codes as lists once: indexing a list is what a row's dict costs
            self.columns = [(qid, codes.tolist(), values) for qid, (codes, values) in self.coded.items()]
        out: dict[str, Any] = {}
        for qid, codes, values in self.columns:
            code = codes[k]
            if code >= 0:
                value = values[code]
                out[qid] = list(value) if isinstance(value, list) else value
        return out


class RowAnswers(Mapping[str, Any]):
    """One row's answers (question id -> value), read from the coded columns when first used;
    equal to the dict it stands for."""

    __slots__ = ("_dict", "_k", "_rows")

    def __init__(self, rows: _Rows, k: int) -> None:
        self._rows, self._k, self._dict = rows, k, None

    def _get(self) -> dict[str, Any]:
        if self._dict is None:
            self._dict = self._rows.row(self._k)
        return self._dict

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())

    def todict(self) -> dict[str, Any]:
        """A plain dict of the row, its own (not this mapping's cache)."""
        return self._rows.row(self._k) if self._dict is None else {k: list(v) if isinstance(v, list) else v
                                                                     for k, v in self._dict.items()}


def _nonces(ctx: Context, rows: Sequence[int], respondents: Sequence[str | None]) -> list[str]:
    """:func:`.rows._row_identity` of each row, its JSON text made from a prefix (the same text)."""
    table, instrument = ctx.table, ctx.questionnaire.id
    by_file = json.dumps(["file", instrument, table.sha256], ensure_ascii=False)[:-1] + ", "
    by_id = json.dumps([table.format, instrument], ensure_ascii=False)[:-1] + ", "
    ids = table.format in ("tcm", "kobo", "wjx")
    texts = [f"{by_id}{json.dumps(respondent, ensure_ascii=False)}]" if ids and respondent is not None else f"{by_file}{row}]"
             for row, respondent in zip(rows, respondents)]
    return [IMPORT_NONCE_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:40] for text in texts]


def _accepted(reader: _Reader, problems: list[Problem], sites: list[Any], submitted: list[Any], opened: list[Any],
              seconds: list[Any], respondents: list[Any], answers: dict[str, Coded], clean: dict[str, Coded],
              scores: dict[str, Coded] | None) -> list[PreparedRow]:
    """Rows without a problem, less duplicates (same time or id and answers); problems into ``problems``, by row."""
    ctx, rows, n = reader.ctx, reader.rows, reader.n
    refused = reader.problems
    keep = [k for k in range(n) if k not in refused]
    answer_rows, clean_rows, score_rows = _Rows(answers), _Rows(clean), _Rows(scores or {})
    nonces = dict(zip(keep, _nonces(ctx, [int(rows[k]) for k in keep], [respondents[k] for k in keep])))
    clean_codes = np.stack([codes for codes, _ in clean.values()], axis=1) if clean else np.zeros((n, 0), dtype=np.int64)
    stamps = {id(t): t.isoformat() for t in submitted if t is not None}
    first_content: dict[tuple, int] = {}
    repeated: dict[int, Problem] = {}
    accepted: list[PreparedRow] = []
    for k in keep:
        row, when, respondent = int(rows[k]), submitted[k], respondents[k]
        key = (sites[k], respondent, stamps.get(id(when)), clean_codes[k].tobytes())
        first = first_content.get(key)
        if first is not None and (when is not None or respondent is not None):
            repeated[k] = Problem(ctx.file, row, None, "duplicate_row", f"the same response as row {first}", params={"other": first})
            continue
        if first is not None:
            repeated[k] = Problem(ctx.file, row, None, "identical_row", f"identical to row {first} (kept: two people may "
                                  "answer alike)", severity="warning", params={"other": first})
        else:
            first_content[key] = row
        accepted.append(PreparedRow(row, sites[k], RowAnswers(answer_rows, k), when, nonces[k], respondent,
                                    paradata_of(opened[k], seconds[k], when), RowAnswers(clean_rows, k),
                                    None if scores is None else RowAnswers(score_rows, k)))
    for k in sorted({*reader.paradata_problems, *refused, *repeated}):
        problems.extend(reader.paradata_problems.get(k, ()))
        problems.extend(refused.get(k, ()))
        if k in repeated:
            problems.append(repeated[k])
    return accepted
