"""Cells of every export (Excel, CSV) made safe to open: no formulas, no control characters, no cut text.

Texts come from respondents (free answers), organisers (site names) and uploaded files, so an
export must not run them:

* :func:`safe_cell`: a text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
  gets a leading ``'`` (OWASP "CSV injection"), so Excel and WPS show it as text instead of
  evaluating ``=HYPERLINK(...)``; C0 control characters other than tab, newline and carriage
  return are removed (Excel refuses them: openpyxl's ``IllegalCharacterError``). Numbers, dates
  and booleans pass unchanged. The database keeps the text as submitted.
* :func:`safe_frame`: the same for every cell and column name of a table.
* :func:`write_sheet`: a table into an Excel sheet; a text longer than Excel's 32,767 characters
  per cell is moved, whole, to the sheet ``long_texts`` (in parts of :data:`PART` characters,
  one row each; a part that could start a formula is prefixed too) and its cell says so. Excel
  counts UTF-16 units, so a character outside the Basic Multilingual Plane (an emoji, a rare
  CJK Extension B character) counts two.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

EXCEL_CELL_MAX = 32_767
PART = 32_000
LONG_SHEET = "long_texts"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # full-width forms too: some spreadsheets read them as formulas
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LONG_COLUMNS = ("sheet", "row", "column", "part", "parts", "text")


def clean_text(text: str) -> str:
    """``text`` without C0 control characters (tab, newline, carriage return kept) and DEL."""
    return _CONTROL.sub("", text)


def safe_cell(value: Any) -> Any:
    """A cell value that a spreadsheet shows as it is: texts cleaned and, when they could start a
    formula, prefixed with ``'``; anything else unchanged."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if text.startswith(TRIGGERS) else text


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`safe_cell` applied to every text cell and column name."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out[name] = pd.Series(safe_values(column.to_numpy(dtype=object)), index=out.index, dtype=object)
    out.columns = [safe_cell(c) for c in out.columns]
    return out


#: what ``pandas.api.types.infer_dtype(skipna=True)`` calls an array whose present values hold no text
NO_TEXT = frozenset({"empty", "integer", "floating", "mixed-integer-float", "decimal", "complex", "boolean",
                     "datetime64", "datetime", "date", "timedelta64", "timedelta", "time", "period", "interval", "bytes"})


def text_mask(values: np.ndarray) -> np.ndarray:
    """Which values of an object array are texts (``str``), the whole array at once where pandas can tell
    its kind (``infer_dtype``: texts and missing values only, or no text at all), else value by value."""
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "string":  # every present value is a text
        return ~pd.isna(values)
    if kind in NO_TEXT:
        return np.zeros(len(values), dtype=bool)
    return np.fromiter((isinstance(v, str) for v in values.tolist()), dtype=bool, count=len(values))


def safe_values(values: np.ndarray) -> np.ndarray:
    """An object array with :func:`safe_cell` applied to its texts, once per distinct text; other values as they are."""
    out = values.copy()
    texts = text_mask(values)
    if texts.any():
        codes, uniques = pd.factorize(values[texts])
        made = np.empty(len(uniques), dtype=object)
        made[:] = [safe_cell(u) for u in uniques]
        out[texts] = made[codes]
    return out


def excel_length(text: str) -> int:
    """A text's length as Excel counts it: UTF-16 units (a character beyond U+FFFF counts two)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def too_long(value: Any) -> bool:
    """A text longer than an Excel cell holds (:data:`EXCEL_CELL_MAX` UTF-16 units)."""
    return isinstance(value, str) and len(value) > EXCEL_CELL_MAX // 2 and excel_length(value) > EXCEL_CELL_MAX


def text_parts(text: str, size: int = PART) -> list[str]:
    """``text`` cut into parts of at most ``size`` UTF-16 units each, never inside a character."""
    if excel_length(text) == len(text):
        return [text[i:i + size] for i in range(0, len(text), size)]
    parts, start, used = [], 0, 0
    for i, ch in enumerate(text):
        units = 2 if ord(ch) > 0xFFFF else 1
        if used + units > size:
            parts.append(text[start:i])
            start, used = i, 0
        used += units
    parts.append(text[start:])
    return parts


def move_long_texts(frame: pd.DataFrame, sheet: str, long_texts: list[dict[str, Any]]) -> pd.DataFrame:
    """``frame`` with every text over :data:`EXCEL_CELL_MAX` characters (UTF-16 units, as Excel counts)
    replaced by a note; the whole text is appended to ``long_texts`` (rows of the ``long_texts`` sheet)."""
    out = frame
    for position, name in enumerate(frame.columns):
        column = frame[name]
        if column.dtype != object:
            continue
        values = column.to_numpy(dtype=object)
        texts = np.flatnonzero(text_mask(values))
        lengths = np.fromiter(map(len, values[texts]), dtype=np.int64, count=len(texts))
        half = EXCEL_CELL_MAX // 2  # a text of at most this many characters fits, however Excel counts it
        moved = [row for row in texts[lengths > half].tolist() if too_long(values[row])]
        if not moved:
            continue
        if out is frame:
            out = frame.copy()
        for row in moved:
            text = column.iat[row]
            parts = text_parts(text)
            first = len(long_texts) + 2  # the sheet's header is row 1
            for number, part in enumerate(parts, start=1):
                long_texts.append({"sheet": sheet, "row": int(row) + 2, "column": str(name), "part": number,
                                   "parts": len(parts), "text": safe_cell(part)})
            out.iat[row, position] = (f"[全文 {len(text)} 字，超出 Excel 单元格上限，见工作表 {LONG_SHEET} 第 {first} 行起 / "
                                      f"full text ({len(text)} characters) in sheet {LONG_SHEET} from row {first}]")
    return out


def write_sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, sheet: str, long_texts: list[dict[str, Any]]) -> None:
    """Write ``frame`` as the sheet ``sheet``: cells made safe, texts too long for a cell moved."""
    move_long_texts(safe_frame(frame), sheet, long_texts).to_excel(writer, sheet_name=sheet, index=False)


def write_long_texts(writer: pd.ExcelWriter, long_texts: list[dict[str, Any]]) -> None:
    """The ``long_texts`` sheet, when some text did not fit in its cell."""
    if long_texts:
        pd.DataFrame(long_texts, columns=list(LONG_COLUMNS)).to_excel(writer, sheet_name=LONG_SHEET, index=False)
