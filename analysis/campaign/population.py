"""Population tables for calibration: which cells, how many people in each.

A population table has one row per cell: columns naming the cell (the township; background
questions) and one count column. Headers are matched exactly (after removing spaces and case)
against declared aliases: :data:`STRATUM_NAMES`, :data:`COUNT_NAMES`, and for a background
question its id, its label in every language and the label's short form (without a leading
"您的", a trailing "是" or question mark). Nothing is matched by substring: "年龄段" is no alias of
"年龄" unless a label says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tabular import Problem, TableError, read_table
from tabular.aliases import POPULATION_TABLE

from ..errors import AnalysisError
from .data import CampaignData, background_questions

__all__ = ["COUNT_NAMES", "STRATUM_NAMES", "Population", "PopulationError", "question_aliases", "read_population"]

STRATUM_NAMES = POPULATION_TABLE["stratum"]  # the words of the one alias table (tabular.aliases)
COUNT_NAMES = POPULATION_TABLE["count"]


class PopulationError(AnalysisError):
    """A population table that does not fit the data; ``problems`` lists every
    :class:`tabular.Problem` (row 1 is the header)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Population:
    """Population counts per cell: ``columns`` of the response table and ``cells`` -> count."""

    columns: tuple[str, ...]
    cells: Mapping[tuple, float]
    questionnaire_id: str = "resident"
    source: str = ""

    def margins(self) -> dict[str, dict[Any, float]]:
        out: dict[str, dict[Any, float]] = {}
        for j, column in enumerate(self.columns):
            margin: dict[Any, float] = {}
            for key, count in self.cells.items():
                margin[key[j]] = margin.get(key[j], 0.0) + float(count)
            out[column] = margin
        return out


def _norm(text: Any) -> str:
    return "".join(str(text).split()).lower()


def question_aliases(question) -> set[str]:  # noqa: ANN001
    """The normalised headers that name a background question: id, labels, short labels."""
    labels = [_norm(v) for v in question.label.values()]
    short = {v.rstrip("？?：:").removeprefix("您的").removesuffix("是") for v in labels}
    return ({_norm(question.id)} | set(labels) | short) - {""}


def _frame(source, name: str) -> pd.DataFrame:  # noqa: ANN001
    if isinstance(source, pd.DataFrame):
        return source
    try:
        table = read_table(Path(source), name=name)
    except TableError as exc:
        raise PopulationError(exc.problems) from None
    except OSError as exc:
        raise PopulationError([Problem(name, None, None, "unreadable", str(exc))]) from None
    keep = [index for index, column in enumerate(table.header) if column]  # unnamed columns carry nothing
    return pd.DataFrame([[row[index] for index in keep] for row in table.rows], columns=[table.header[index] for index in keep])


def read_population(source, data: CampaignData, questionnaire_id: str = "resident") -> Population:  # noqa: ANN001
    """Read a population table (CSV/XLSX path, or a DataFrame) and check it against the data.

    Cell values may be choice values (``65_plus``) or their labels (``65岁及以上``). Every problem
    is collected, by row and column: an unknown column, a value that is no township or choice, a
    count that is not a positive number, a cell listed twice, a cell with responses but no count,
    a cell with a count but no responses.

    Raises
    ------
    PopulationError
    """
    name = "" if isinstance(source, pd.DataFrame) else Path(source).name
    file = name or None
    frame = _frame(source, name)

    def problem(row: int | None, column: Any, code: str, message: str) -> Problem:
        return Problem(file, row, None if column is None else str(column), code, message)

    if questionnaire_id not in data.questionnaires:
        raise PopulationError([problem(None, None, "unknown_questionnaire",
                                       f"the campaign has no questionnaire {questionnaire_id!r}")])
    questionnaire = data.questionnaires[questionnaire_id]
    candidates = background_questions(questionnaire)
    aliases = {qid: question_aliases(questionnaire.question(qid)) for qid in candidates}
    count_names = {_norm(n) for n in COUNT_NAMES}
    stratum_names = {_norm(n) for n in STRATUM_NAMES}
    problems: list[Problem] = []
    columns: list[str] = []
    header_of: dict[str, Any] = {}
    count_column = None
    for raw in frame.columns:
        key = _norm(raw)
        if key in count_names and count_column is None:
            count_column = raw
            continue
        match = "stratum" if key in stratum_names else next((q for q in candidates if key in aliases[q]), None)
        if match is None:
            problems.append(problem(1, raw, "unknown_column", "unknown column: name a township column (stratum / 乡镇), "
                                    f"a background question ({', '.join(candidates)}) or the count (count / 人口)"))
            continue
        columns.append(match)
        header_of[match] = raw
    if count_column is None:
        problems.append(problem(1, None, "no_count_column", "no count column (count / population / 人口 / 人数)"))
    if not columns:
        problems.append(problem(1, None, "no_cell_column", "no cell column (stratum / 乡镇 or a background question)"))
    if problems:
        raise PopulationError(problems)
    strata = sorted({s.stratum for s in data.campaign.sites})
    value_maps: dict[str, dict[str, str]] = {"stratum": {_norm(s): s for s in strata}}
    for qid in columns:
        if qid != "stratum":
            value_maps[qid] = {_norm(label): c.value for c in questionnaire.question(qid).choices
                               for label in (c.value, *c.label.values())}
    cells: dict[tuple, float] = {}
    first_row: dict[tuple, int] = {}
    for offset, record in enumerate(frame.itertuples(index=False, name=None)):
        row_number = offset + 2
        values = dict(zip(frame.columns, record))
        if all(v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "" for v in values.values()):
            continue
        key = []
        bad = False
        for qid in columns:
            raw = values[header_of[qid]]
            mapped = value_maps[qid].get(_norm(raw)) if raw is not None else None
            if mapped is None:
                known = strata if qid == "stratum" else list(dict.fromkeys(value_maps[qid].values()))
                what = "township" if qid == "stratum" else f"answer of {qid}"
                problems.append(problem(row_number, header_of[qid], "unknown_value",
                                        f"{raw!r} is no {what} of this campaign; known: {', '.join(map(str, known))}"))
                bad = True
            key.append(mapped)
        raw_count = values[count_column]
        try:
            count = float(str(raw_count).replace(",", "")) if raw_count is not None else float("nan")
        except ValueError:
            count = float("nan")
        if not (count > 0) or math.isinf(count):
            problems.append(problem(row_number, count_column, "bad_count",
                                    f"the count must be a positive number, got {raw_count!r}"))
            bad = True
        if bad:
            continue
        cell = tuple(key)
        if cell in cells:
            problems.append(problem(row_number, None, "duplicate_cell",
                                    f"cell {' / '.join(map(str, cell))} is listed twice (first on row {first_row[cell]})"))
            continue
        cells[cell] = count
        first_row[cell] = row_number
    if not problems:
        problems = _coverage(data, questionnaire_id, columns, cells, first_row, problem)
    if problems:
        raise PopulationError(problems)
    return Population(tuple(columns), cells, questionnaire_id, name)


def _coverage(data: CampaignData, questionnaire_id: str, columns: list[str], cells: Mapping[tuple, float],
              first_row: Mapping[tuple, int], problem) -> list[Problem]:  # noqa: ANN001
    """Cells with responses but no count, and cells with a count but no responses."""
    out: list[Problem] = []
    rows = data.table[data.table["questionnaire_id"] == questionnaire_id]
    if not len(rows):
        return out
    observed = rows[list(columns)].astype(object)
    missing_value = observed.isna().any(axis=1)
    if missing_value.any():
        out.append(problem(None, None, "unplaced_responses", f"{int(missing_value.sum())} responses have no answer for "
                           f"{', '.join(columns)} and cannot be placed in a cell"))
    counts = observed[~missing_value].value_counts()
    for cell, n in counts.items():
        cell = cell if isinstance(cell, tuple) else (cell,)
        if cell not in cells:
            out.append(problem(None, None, "cell_missing", f"{int(n)} responses fall in cell {' / '.join(map(str, cell))}, "
                               "which the table does not list"))
    seen = {c if isinstance(c, tuple) else (c,) for c in counts.index}
    for cell, row_number in first_row.items():
        if cell not in seen:
            out.append(problem(row_number, None, "cell_empty", f"cell {' / '.join(map(str, cell))} has a count but no "
                               "responses; merge it with a neighbouring cell"))
    return out
