"""A refused table's problem in the reader's language: where (row, column) and why (by code)."""

from __future__ import annotations

from app.i18n import t, table
from tabular import Problem


def describe(problem: Problem) -> str:
    """``第 3 行“size”列：行数超过上限（English detail）`` in zh; the English message alone for unknown codes."""
    if problem.row is not None and problem.column is not None:
        where = t("table.where.row_column", row=problem.row, column=problem.column)
    elif problem.row is not None:
        where = t("table.where.row", row=problem.row)
    elif problem.column is not None:
        where = t("table.where.column", column=problem.column)
    else:
        where = ""
    key = f"table.{problem.code}"
    if key not in table():
        return where + problem.message
    return where + t("table.detail", reason=t(key), detail=problem.message)
