"""The one reader of CSV and XLSX files handed to the toolkit (uploads and command-line files).

Policy, the same for every caller:

- **Format** by the file name's suffix (``.xlsx``/``.xlsm`` workbook; ``.csv``/``.txt``/none text),
  or a workbook when the bytes start like a zip file.
- **Text encoding**: UTF-8 with or without BOM, else GB18030 (what Excel writes on Chinese Windows).
- **Limits** (:class:`Limits`), checked before parsing where the file declares them and again while
  streaming: file size, the workbook's uncompressed size (counted by decompressing every zip member
  in chunks, so a zip bomb or a false central directory is caught without holding it in memory),
  declared and actual rows and columns, cells in all, characters per cell, numbers that are infinite or have more
  than 15 significant digits (Excel's precision). :data:`LIMITS` is for signed-in users and the
  command line, :data:`PUBLIC_LIMITS` for pages anyone can open.
- **Shape**: the first row is the header; a column name given twice, a data row with more cells
  than the header (a value beyond the last named column) or, in a CSV, fewer cells than the header
  is refused naming the row and column. Trailing empty rows and trailing unnamed empty columns are
  dropped; every data row is padded to the header's width.
- **Cache**: a parsed file (or its refusal) is kept by SHA-256 of its bytes, so a page that reruns
  does not parse the same upload again.

Cells are text for CSV and as openpyxl reads them for XLSX (str, int, float, bool, datetime, None).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .problem import Problem, TableError

__all__ = ["LIMITS", "PUBLIC_LIMITS", "Limits", "Table", "decode_text", "read_table", "read_workbook"]

MB = 1024 * 1024
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", "")
ENCODINGS = ("utf-8-sig", "gb18030")
MAX_DIGITS = 15  # Excel keeps 15 significant digits; a longer number cannot come from a real sheet


@dataclass(frozen=True)
class Limits:
    """What a file may hold. ``file_bytes``: the file as uploaded; ``uncompressed_bytes``: all
    members of a workbook after decompression; ``rows``: data rows (all sheets); ``columns`` per
    row; ``cell_chars``: characters in one cell (131,072 is also the ``csv`` module's own limit);
    ``cells``: cells read in all (bounds the memory of a parsed file and of the cache)."""

    file_bytes: int = 50 * MB
    uncompressed_bytes: int = 50 * MB
    rows: int = 200_000
    columns: int = 1_000
    cell_chars: int = 131_072
    cells: int = 5_000_000


LIMITS = Limits()
PUBLIC_LIMITS = Limits(file_bytes=5 * MB, uncompressed_bytes=5 * MB, rows=20_000, columns=200, cells=500_000)


@dataclass(frozen=True)
class Table:
    """A header and its data rows (spreadsheet row ``i + 2`` is ``rows[i]``), padded to the header."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    sha256: str

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> Iterable[tuple[int, dict[str, Any]]]:
        """(spreadsheet row number, {column: cell}) for every data row."""
        for offset, row in enumerate(self.rows):
            yield offset + 2, dict(zip(self.header, row))


# --------------------------------------------------------------------------------------- cache

_CACHE: OrderedDict[tuple, dict[str, Table] | TableError] = OrderedDict()
_CACHE_SIZE = 8  # files
_CACHE_CELLS = LIMITS.cells  # cells held in all; the oldest files go first


def _cells(entry: dict[str, Table] | TableError) -> int:
    if isinstance(entry, TableError):
        return 0
    return sum(len(t.rows) * max(len(t.header), 1) for t in entry.values())
_CACHE_LOCK = threading.Lock()


def _cached(key: tuple, parse: Any) -> dict[str, Table]:
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
    if hit is None:
        try:
            hit = parse()
        except TableError as exc:
            hit = exc
        with _CACHE_LOCK:
            _CACHE[key] = hit
            while len(_CACHE) > 1 and (len(_CACHE) > _CACHE_SIZE or sum(map(_cells, _CACHE.values())) > _CACHE_CELLS):
                _CACHE.popitem(last=False)
    if isinstance(hit, TableError):
        raise TableError(hit.problems) from None
    return hit


# ------------------------------------------------------------------------------------- public


def decode_text(data: bytes, name: str | None = None) -> str:
    """UTF-8 (BOM allowed), else GB18030; TableError when neither decodes."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError([Problem(name, None, None, "encoding", "the file is neither UTF-8 nor GB18030 text; save it as UTF-8 CSV or XLSX")])


def read_workbook(
    source: bytes | str | os.PathLike | BinaryIO,
    *,
    name: str | None = None,
    limits: Limits = LIMITS,
    sniff: bool = False,
) -> dict[str, Table]:
    """Every sheet of a workbook by name (a CSV is one sheet named ``""``).

    ``source`` is a path, the bytes or a binary file object; ``name`` the file name used for the
    format and in messages; ``sniff`` lets a CSV's delimiter also be a tab or a semicolon.

    Raises
    ------
    TableError
        Naming the file and, where there is one, the row and column.
    """
    label, data = _load(source, name, limits)
    digest = hashlib.sha256(data).hexdigest()
    excel = label.lower().endswith(EXCEL_SUFFIXES) or data[:4] == b"PK\x03\x04"
    if not excel and Path(label).suffix.lower() not in TEXT_SUFFIXES:
        raise TableError([Problem(label, None, None, "file_type", f"unsupported file type {Path(label).suffix!r}: use .csv or .xlsx")])
    key = (digest, label, excel, sniff, limits)
    if excel:
        return _cached(key, lambda: _parse_xlsx(data, label, digest, limits))
    return _cached(key, lambda: {"": _parse_csv(data, label, digest, limits, sniff)})


def read_table(
    source: bytes | str | os.PathLike | BinaryIO,
    *,
    name: str | None = None,
    sheet: str | int | None = None,
    limits: Limits = LIMITS,
    sniff: bool = False,
) -> Table:
    """One table of a CSV or XLSX file: the CSV, or a workbook's sheet (default: the first).

    See :func:`read_workbook` for the arguments and errors.
    """
    sheets = read_workbook(source, name=name, limits=limits, sniff=sniff)
    names = list(sheets)
    label = next(iter(sheets.values())).name if sheets else (name or "")
    if sheet is None or sheet == 0:
        if not names:
            raise TableError([Problem(label, None, None, "empty", "the workbook has no sheet")])
        return sheets[names[0]]
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise TableError([Problem(label, None, None, "no_sheet", f"no sheet number {sheet + 1}; the workbook has {len(names)}")])
        return sheets[names[sheet]]
    if sheet not in sheets:
        raise TableError([Problem(label, None, None, "no_sheet", f"no sheet {sheet!r} (sheets: {', '.join(names)})")])
    return sheets[sheet]


# ------------------------------------------------------------------------------------ parsing


def _load(source: bytes | str | os.PathLike | BinaryIO, name: str | None, limits: Limits) -> tuple[str, bytes]:
    if isinstance(source, (str, os.PathLike)):
        label = name or os.fspath(source)
        try:
            size = os.stat(source).st_size
            if size > limits.file_bytes:
                raise TableError([_too_big(label, size, limits.file_bytes)])
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise TableError([Problem(label, None, None, "not_found", "file not found")]) from None
        except OSError as exc:
            raise TableError([Problem(label, None, None, "unreadable", f"cannot read the file: {exc.strerror or exc}")]) from None
    else:
        label = name or "<upload>"
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
        else:
            data = source.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        raise TableError([_too_big(label, len(data), limits.file_bytes)])
    if not data.strip():
        raise TableError([Problem(label, None, None, "empty", "the file is empty")])
    return label, data


def _too_big(label: str, size: int, limit: int) -> Problem:
    return Problem(label, None, None, "file_too_large", f"the file is {size / MB:.1f} MB; at most {limit / MB:g} MB can be read")


def _parse_csv(data: bytes, label: str, digest: str, limits: Limits, sniff: bool) -> Table:
    text = decode_text(data, label)
    dialect: Any = csv.excel
    if sniff:
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[list[Any]] = []
    cells = 0
    try:
        for row in reader:
            if len(rows) > limits.rows:  # header + rows
                raise TableError([_too_many_rows(label, limits)])
            cells += len(row)
            if cells > limits.cells:
                raise TableError([_too_many_cells(label, limits)])
            if len(row) > limits.columns:
                raise TableError([Problem(label, reader.line_num, None, "too_many_columns", f"{len(row)} columns; at most {limits.columns} can be read")])
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            message = f"a cell is longer than {csv.field_size_limit():,} characters"
            raise TableError([Problem(label, reader.line_num, None, "cell_too_long", message)]) from None
        raise TableError([Problem(label, reader.line_num, None, "not_csv", f"not a readable CSV: {exc}")]) from None
    return _shape(rows, label, digest, limits, strict_width=True)


def _parse_xlsx(data: bytes, label: str, digest: str, limits: Limits) -> dict[str, Table]:
    _check_zip(data, label, limits)
    import openpyxl  # noqa: PLC0415 - only when a workbook is read

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise TableError([Problem(label, None, None, "not_xlsx", f"cannot read the workbook ({type(exc).__name__}: {exc})")]) from None
    try:
        out: dict[str, Table] = {}
        budget = limits.rows
        cells = 0
        for sheet in workbook.worksheets:
            declared_rows, declared_cols = _declared_size(sheet)
            if declared_rows is not None and declared_rows - 1 > budget:
                raise TableError([_too_many_rows(label, limits, sheet.title, declared_rows - 1)])
            if declared_cols is not None and declared_cols > limits.columns:
                sheet.reset_dimensions()  # formatted empty columns: read the cells there are, unpadded
            rows: list[list[Any]] = []
            try:
                for values in sheet.iter_rows(values_only=True):
                    if len(rows) > budget:
                        raise TableError([_too_many_rows(label, limits, sheet.title)])
                    row = list(values)
                    while row and row[-1] is None:
                        row.pop()
                    cells += len(row)
                    if cells > limits.cells:
                        raise TableError([_too_many_cells(label, limits)])
                    if len(row) > limits.columns:
                        raise TableError([Problem(label, len(rows) + 1, None, "too_many_columns", f"{len(row)} columns; at most {limits.columns} can be read")])
                    rows.append(row)
            except TableError:
                raise
            except Exception as exc:  # noqa: BLE001 - a cell openpyxl cannot convert (e.g. a 5,000-digit number)
                where = f"sheet {sheet.title!r}, after row {len(rows)}"
                raise TableError([Problem(label, len(rows) + 1, None, "bad_cell", f"{where}: a cell cannot be read ({type(exc).__name__})")]) from None
            table = _shape(rows, label, digest, limits, strict_width=False, sheet=f"sheet {sheet.title!r}: ")
            budget -= len(table.rows)
            out[sheet.title] = table
        return out
    finally:
        workbook.close()


def _check_zip(data: bytes, label: str, limits: Limits) -> None:
    """Refuse a workbook whose members, decompressed, exceed ``limits.uncompressed_bytes``.

    The central directory's declared sizes are checked first; then every member is decompressed
    in 1 MB chunks and counted, so a lying directory is caught too (memory stays at one chunk).
    On the way, the worksheets' ``<row`` elements are counted: a sheet of more rows than
    ``limits.rows`` is refused here, before openpyxl parses a cell."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError([Problem(label, None, None, "not_xlsx", f"cannot read the workbook: not an .xlsx file ({exc})")]) from None
    limit = limits.uncompressed_bytes
    refuse = TableError([Problem(label, None, None, "uncompressed_too_large", f"the workbook unpacks to more than {limit / MB:g} MB; save a smaller file or split it")])
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > limit:
            raise refuse
        total = 0
        rows = 0  # <row elements of the worksheets, counted on the way (an upper bound of the rows)
        try:
            for info in infos:
                sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
                tail = b""
                with archive.open(info) as member:
                    while chunk := member.read(MB):
                        total += len(chunk)
                        if total > limit:
                            raise refuse
                        if sheet:
                            rows += (tail + chunk).count(b"<row") - tail.count(b"<row")
                            tail = chunk[-3:]
                if sheet:
                    rows -= 1  # the header row (and a <rowBreaks> element, if any, is slack)
                    if rows > limits.rows + 1:
                        raise TableError([Problem(label, None, None, "too_many_rows", f"the workbook has about {rows:,} data rows, more than the limit of {limits.rows:,}; split the file")])
        except TableError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise TableError([Problem(label, None, None, "not_xlsx", f"cannot read the workbook: damaged ({exc})")]) from None


def _declared_size(sheet: Any) -> tuple[int | None, int | None]:
    """Rows and columns of the sheet's ``<dimension>`` (None when absent)."""
    try:
        return sheet.max_row, sheet.max_column
    except Exception:  # noqa: BLE001 - an unsized or odd dimension: the stream is counted anyway
        return None, None


def _too_many_rows(label: str, limits: Limits, sheet: str | None = None, count: int | None = None) -> Problem:
    what = f"{count:,} data rows, more than" if count is not None else "more data rows than"
    where = f"sheet {sheet!r} has " if sheet is not None else "the file has "
    return Problem(label, None, None, "too_many_rows", f"{where}{what} the limit of {limits.rows:,}; split the file")


def _too_many_cells(label: str, limits: Limits) -> Problem:
    return Problem(label, None, None, "too_many_cells", f"the file has more than {limits.cells:,} cells; split it")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_cell(value: Any, label: str, row: int, column: str, limits: Limits) -> None:
    if isinstance(value, str):
        if len(value) > limits.cell_chars:
            raise TableError([Problem(label, row, column, "cell_too_long", f"the cell has {len(value):,} characters; at most {limits.cell_chars:,}")])
    elif isinstance(value, bool):
        return
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= 10.0**MAX_DIGITS:
            raise TableError([Problem(label, row, column, "number_too_large", f"the number {value:g} is too large (more than {MAX_DIGITS} digits)")])
    elif isinstance(value, int) and abs(value) >= 10**MAX_DIGITS:
        digits = len(str(abs(value))) if abs(value) < 10**4000 else 4000
        raise TableError([Problem(label, row, column, "number_too_large", f"a number of {digits}{'+' if digits == 4000 else ''} digits is too large (more than {MAX_DIGITS} digits)")])


def _shape(rows: list[list[Any]], label: str, digest: str, limits: Limits, *, strict_width: bool, sheet: str = "") -> Table:
    """The header and padded rows; ``sheet`` (``"sheet 'x': "``) prefixes messages of a workbook."""
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        return Table(label, (), (), digest)
    raw = ["" if v is None else str(v).strip() for v in rows[0]]
    while raw and not raw[-1]:
        raw.pop()
    if not raw:
        raise TableError([Problem(label, 1, None, "no_header", "the first row must hold the column names")])
    seen: dict[str, int] = {}
    for index, column in enumerate(raw):
        if not column:
            continue
        if column in seen:
            raise TableError([Problem(label, 1, column, "duplicate_column", f"{sheet}duplicate column {column!r} (columns {_letter(seen[column])} and {_letter(index)}): a name appears twice in the header")])
        if len(column) > limits.cell_chars:
            raise TableError([Problem(label, 1, None, "cell_too_long", f"a column name has {len(column):,} characters")])
        seen[column] = index
    width = len(raw)
    names = [column or _letter(index) for index, column in enumerate(raw)]
    body: list[tuple[Any, ...]] = []
    for offset, row in enumerate(rows[1:]):
        number = offset + 2
        if len(row) > width:
            extra = next((j for j in range(width, len(row)) if not _blank(row[j])), None)
            if extra is not None:
                raise TableError([Problem(label, number, _letter(extra), "ragged_row", f"a value beyond the last named column {names[-1]!r}: the row has more cells than the header")])
            row = row[:width]
        elif len(row) < width:
            if strict_width and row and not all(_blank(v) for v in row):
                raise TableError([Problem(label, number, names[len(row)], "ragged_row", f"the row has {len(row)} cell(s), the header {width}: a separator is missing or a cell is split")])
            row = list(row) + [None] * (width - len(row))
        for j, value in enumerate(row):
            if value is not None and not isinstance(value, str) or (isinstance(value, str) and len(value) > 4096):
                _check_cell(value, label, number, names[j], limits)
        body.append(tuple(row))
    return Table(label, tuple(raw), tuple(body), digest)


def _letter(index: int) -> str:
    """0 -> 'A', 26 -> 'AA' (a spreadsheet's column letter)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out
