"""The workbook's streaming writer: XlsxWriter in ``constant_memory`` mode, rows written in order
and flushed to temporary files (in a private folder, removed when the workbook is closed), so a
5,000-response workbook never holds half a million cell objects.

A data sheet's values are written a whole column at a time: each column is turned once into cell
XML (numbers at full precision from the column's array; each distinct text, already made safe by
``cells.safe_frame``, escaped once; missing values and non-finite numbers left empty), then the
rows are joined and written straight into the sheet's row file (:meth:`SafeSheet.write_xml_rows`).
Headers, titles and the summary go cell by cell through XlsxWriter (:func:`write_value`). Texts are
never read as formulas or links (``strings_to_formulas`` and ``strings_to_urls`` off).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import _datetime_to_excel_datetime as datetime_to_excel_datetime
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet, _preserve_whitespace

from ..formatting import missing
from .cells import move_long_texts, safe_cell, safe_frame, text_mask

#: the header row's fill and the variable-name row's font (formats as XlsxWriter properties)
HEAD = {"bold": True, "bg_color": "#DDEBF7", "pattern": 1}
NOTE = {"font_size": 9, "italic": True, "font_color": "#666666"}
WRAP = {"text_wrap": True, "valign": "top"}
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
ROWS_AT_ONCE = 500  # rows whose cell XML is made before they are written (memory, not speed)
#: zlib level of the workbook's parts: 1 deflates a 5,000-response workbook's 21 MB of XML in about
#: 0.07 s instead of level 6's 0.17 s, for a file about a quarter larger (2.4 MB instead of 1.9 MB)
ZIP_LEVEL = 1


class WorkbookBuffer(io.BytesIO):
    """The bytes of a :class:`StreamBook`: XlsxWriter zips into it at :data:`ZIP_LEVEL`."""


class LevelZipFile(zipfile.ZipFile):
    """XlsxWriter's ``ZipFile``: a :class:`WorkbookBuffer` is deflated at :data:`ZIP_LEVEL`, any other target as
    before (XlsxWriter has no option for the level; its module's ``ZipFile`` is this class, set below)."""

    def __init__(self, file: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(file, WorkbookBuffer):
            kwargs.setdefault("compresslevel", ZIP_LEVEL)
        super().__init__(file, *args, **kwargs)


xlsxwriter.workbook.ZipFile = LevelZipFile


class SafeSheet(Worksheet):
    """A worksheet that writes every number at full precision (``repr``: the double read back is the
    one written; XlsxWriter's own ``%.16G`` may change the last digit) and every text escaped (a text
    that looks like ``<r>...</r>`` is not taken as rich-text XML; a carriage return kept as ``&#13;``)."""

    def _xml_number_element(self, number, attributes=()) -> None:
        attr = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
        self.fh.write(f"<c{attr}><v>{number!r}</v></c>")

    def _xml_rich_inline_string(self, string, attributes=()) -> None:
        self._xml_inline_string(string, _preserve_whitespace(string), attributes)

    @staticmethod
    def _escape_control_characters(data):
        # texts arrive without control characters (cells.safe_cell) but tab, newline and carriage
        # return, which the XML keeps as they are; Excel's own _xHHHH_ escapes are not written
        return data

    def _xml_inline_string(self, string, preserve, attributes=()) -> None:
        attr = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
        text = string.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")  # not characters XML can carry
        space = ' xml:space="preserve"' if preserve else ""
        self.fh.write(f'<c{attr} t="inlineStr"><is><t{space}>{text}</t></is></c>')

    def write_xml_rows(self, first_row: int, rows: Iterable[str], last_row: int, last_column: int) -> None:
        """Rows already made as ``<row>`` XML (each part one or more whole rows), 0-based ``first_row`` to ``last_row``, after every row above
        them: the pending row is flushed, the rows go straight into the row file (``constant_memory``)."""
        self._write_single_row(first_row)
        self._check_dimensions(first_row, 0)
        self._check_dimensions(last_row, last_column)
        write = self.fh.write
        for row in rows:
            write(row)
        self.previous_row = last_row + 1  # later cells go below these rows


class StreamBook:
    """One XlsxWriter workbook written into memory (``bytes()``), its formats made once each."""

    def __init__(self) -> None:
        self.buffer = WorkbookBuffer()
        self.folder = tempfile.TemporaryDirectory(prefix="tcm-xlsx-")  # 0700: the rows hold respondents' answers
        self.book = xlsxwriter.Workbook(self.buffer, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "remove_timezone": True, "tmpdir": self.folder.name,
        })
        self._formats: dict[tuple, Format] = {}

    def sheet(self, title: str) -> Worksheet:
        """A new sheet at the end (titles cut to Excel's 31 characters)."""
        return self.book.add_worksheet(title[:31], worksheet_class=SafeSheet)

    def format(self, **props: Any) -> Format | None:
        """The format with these XlsxWriter properties (``None`` for none), made once."""
        if not props:
            return None
        key = tuple(sorted(props.items()))
        made = self._formats.get(key)
        if made is None:
            made = self._formats[key] = self.book.add_format(props)
        return made

    def bytes(self) -> bytes:
        """Close the workbook, remove its temporary files and return the file's bytes."""
        try:
            self.book.close()
        finally:
            self.folder.cleanup()
        return self.buffer.getvalue()


def plain(value: Any) -> Any:
    """A cell value as XlsxWriter takes it: ``None`` for missing or non-finite numbers and empty texts,
    numpy scalars as Python ones, texts made safe (``cells.safe_cell``)."""
    if missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    value = safe_cell(value)
    return None if value == "" else value  # an empty text is an empty cell


def write_value(sheet: Worksheet, row: int, column: int, value: Any, cell_format: Format | None = None,
                date_format: Format | None = None) -> None:
    """Write one prepared value (``plain``) at the 0-based ``row``, ``column`` by its type; ``None``
    leaves the cell empty (with ``cell_format`` when given)."""
    if value is None:
        if cell_format is not None:
            sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, str):
        sheet.write_string(row, column, value, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, cell_format)
    elif isinstance(value, (dt.datetime, dt.date, dt.time)):
        sheet.write_datetime(row, column, value, cell_format or date_format)
    else:
        sheet.write_string(row, column, safe_cell(str(value)), cell_format)


def _text_xml(text: str) -> str:
    """The inline-string XML of a text (after ``<c r=".." s=".."``): escaped, carriage return as ``&#13;``."""
    body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    body = body.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{body}</t></is></c>'


class _Cells:
    """A column's cells as XML, each the part after ``<c r="A3"``: the format, the type and the value."""

    def __init__(self, xf: int | None, date_xf: int) -> None:
        self.style = f' s="{xf}"' if xf else ""
        self.date_style = f' s="{xf or date_xf}"'
        self.blank = f"{self.style}/>" if xf else None
        self.texts: dict[str, str] = {}

    def text(self, value: str) -> str:
        made = self.texts.get(value)
        if made is None:
            made = self.texts[value] = self.style + _text_xml(value)
        return made

    def number(self, value: float) -> str | None:
        return f"{self.style}><v>{value!r}</v></c>" if math.isfinite(value) else self.blank

    def any(self, value: Any) -> str | None:
        """One value of an object column (texts already made safe by ``cells.safe_frame``)."""
        if isinstance(value, str):
            return self.text(value) if value else self.blank
        if value is None or missing(value):
            return self.blank
        if isinstance(value, (bool, np.bool_)):
            return f'{self.style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float, np.integer, np.floating)):
            return self.number(value.item() if hasattr(value, "item") else value)
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            serial = datetime_to_excel_datetime(value, False, True)
            return f"{self.date_style}><v>{serial!r}</v></c>"
        return self.text(safe_cell(str(value)))


def column_xml(column: pd.Series, cells: _Cells) -> list[str | None]:
    """A column's cells as XML parts (``None``: no cell), the whole column at once where its type allows."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) and not column.hasnans:
        true, false = (f'{cells.style} t="b"><v>{v}</v></c>' for v in (1, 0))
        return [true if v else false for v in column.to_numpy(dtype=bool).tolist()]
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        if pd.api.types.is_integer_dtype(dtype) and np.isfinite(values).all():
            codes, uniques = pd.factorize(column.to_numpy())  # each distinct number written once
            made = np.asarray([f"{cells.style}><v>{v}</v></c>" for v in uniques.tolist()], dtype=object)
            return made[codes].tolist()
        if np.signbit(values[values == 0]).any():  # -0.0 (written as such) is equal to 0.0 for factorize
            return [cells.number(v) for v in values.tolist()]
        codes, uniques = pd.factorize(values)  # NaN: code -1, the blank after the distinct numbers
        made = np.asarray([cells.number(v) for v in uniques.tolist()] + [cells.blank], dtype=object)
        return made[codes].tolist()
    values = column.to_numpy(dtype=object)
    out = np.full(len(values), None, dtype=object)
    texts = text_mask(values)
    if texts.any():  # each distinct text made once
        codes, uniques = pd.factorize(values[texts])
        made = np.empty(len(uniques), dtype=object)
        made[:] = [cells.text(u) if u else cells.blank for u in uniques]
        out[texts] = made[codes]
    absent = pd.isna(values) & ~texts  # None, NaN, NaT, pd.NA: no cell, or a blank one in the column's format
    out[absent] = cells.blank
    for i in np.flatnonzero(~(texts | absent)).tolist():
        out[i] = cells.any(values[i])
    return out.tolist()


def write_rows(book: StreamBook, sheet: SafeSheet, frame: pd.DataFrame, first_row: int,
               formats: Sequence[Format | None]) -> None:
    """The frame's values from the 0-based ``first_row`` on, after every row above it: each column
    turned into cell XML at once, then the rows written straight into the sheet's row file."""
    if not len(frame.columns) or not len(frame):
        return
    date_xf = book.format(num_format=DATETIME_FORMAT)._get_xf_index()
    parts = [column_xml(frame.iloc[:, j], _Cells(cell_format._get_xf_index() if cell_format else None, date_xf))
             for j, cell_format in enumerate(formats)]
    letters = [xl_col_to_name(j) for j in range(len(parts))]

    def rows() -> Iterable[str]:  # a few hundred rows' cells at a time, not the whole sheet's
        for start in range(0, len(frame), ROWS_AT_ONCE):
            stop = min(start + ROWS_AT_ONCE, len(frame))
            numbers = [str(first_row + 1 + i) for i in range(start, stop)]
            columns = [[f'<c r="{letter}{r}"{part}' if part is not None else "" for r, part in zip(numbers, column[start:stop])]
                       for letter, column in zip(letters, parts)]
            yield "".join([f'<row r="{r}">{"".join(row)}</row>' for r, row in zip(numbers, zip(*columns))])

    sheet.write_xml_rows(first_row, rows(), first_row + len(frame) - 1, len(parts) - 1)


def display_width(text: str) -> int:
    """Characters a text takes on screen (a CJK character counts two)."""
    return len(text) if text.isascii() else sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def column_widths(headers: Sequence[str], frame: pd.DataFrame | None = None, *, cap: int = 40) -> list[float]:
    """Each column's width in characters: its header or its longest value in the first 200 rows, 8 to ``cap`` + 2."""
    widths = []
    for j, header in enumerate(headers):
        longest = display_width(str(header))
        if frame is not None and len(frame):
            sample = frame.iloc[:200, j].tolist()
            try:
                sample = dict.fromkeys(sample)  # each distinct value measured once
            except TypeError:  # an unhashable value (a list): each measured
                pass
            # a text's first ``cap`` characters are as wide as ``cap`` or wider when it has more
            longest = max([longest, *(min(display_width(str(v)[:cap]), cap) for v in sample if v is not None and v is not pd.NA)])
        widths.append(min(max(8, longest + 2), cap + 2))
    return widths


def stream_data_sheet(book: StreamBook, title: str, frame: pd.DataFrame, labels: Mapping[str, str],
                      formats: Mapping[str, str], long_texts: list[dict[str, Any]] | None = None) -> Worksheet:
    """A data sheet: ``labels`` (Chinese headers) in row 1, English variable names in row 2, values from
    row 3, header rows frozen and columns sized (texts too long for a cell moved to ``long_texts``)."""
    frame = safe_frame(frame)
    if long_texts is not None:
        first = len(long_texts)
        frame = move_long_texts(frame, title[:31], long_texts)
        for entry in long_texts[first:]:
            entry["row"] += 1  # two header rows here
    sheet = book.sheet(title)
    columns = list(frame.columns)
    headers = [labels.get(name, name) for name in columns]
    for j, width in enumerate(column_widths(headers, frame)):
        sheet.set_column(j, j, width)
    head, note = book.format(**HEAD), book.format(**NOTE)
    for j, header in enumerate(headers):  # rows in order: the streaming writer flushes a row once the next begins
        write_value(sheet, 0, j, plain(header), head)
    for j, name in enumerate(columns):
        write_value(sheet, 1, j, plain(name), note)
    sheet.freeze_panes(2, 0)
    write_rows(book, sheet, frame, 2, [book.format(num_format=formats[c]) if formats.get(c) else None for c in columns])
    return sheet
