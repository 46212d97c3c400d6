"""Rows of an uploaded table (CSV or the first sheet of an XLSX), as Chinese offices save them.

CSV is decoded as UTF-8 (with or without BOM), then GB18030, the encoding Excel uses on Chinese
Windows. Callers turn ``TableReadError`` into their own error naming the file.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from survey.errors import SurveyError


class TableReadError(SurveyError):
    """The bytes are not a readable CSV or workbook; ``cause`` is the underlying exception, if any."""

    def __init__(self, message: str, cause: Exception | None = None) -> None:
        super().__init__(message)
        self.cause = cause


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM allowed), else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableReadError("cannot decode the text")  # pragma: no cover - gb18030 decodes nearly anything


def csv_rows(data: bytes, *, sniff: bool = False) -> list[list[Any]]:
    """The rows of a CSV; with ``sniff``, the delimiter may also be a tab or a semicolon."""
    text = decode_text(data)
    dialect: Any = csv.excel
    if sniff:
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def xlsx_rows(data: bytes) -> list[list[Any]]:
    """The rows of the workbook's first sheet, cell values as openpyxl reads them."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise TableReadError("cannot open the workbook", exc) from None
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
