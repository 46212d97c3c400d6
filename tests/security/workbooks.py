"""Hostile .xlsx files built byte by byte: a zip bomb, a sheet of a million rows, odd numbers.

A workbook is a valid openpyxl workbook whose ``xl/worksheets/sheet1.xml`` is replaced by the
given XML (written in pieces, so a large sheet never sits in memory whole).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def workbook_with_sheet(pieces: Iterable[str], *, dimension: str | None = None) -> bytes:
    """An .xlsx whose first sheet's ``<sheetData>`` holds ``pieces`` (``<row>`` elements)."""
    template = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["x"])
    book.save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info, src.read(info))
                continue
            with dst.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(HEAD.encode())
                if dimension:
                    sheet.write(f'<dimension ref="{dimension}"/>'.encode())
                sheet.write(b"<sheetData>")
                for piece in pieces:
                    sheet.write(piece.encode())
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def rows_xml(values: Iterable[Iterable[str]]) -> Iterable[str]:
    """``<row>`` elements of inline strings / numbers (a value starting with ``#`` is a number)."""
    for r, row in enumerate(values, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if value.startswith("#"):
                cells.append(f'<c r="{ref}"><v>{value[1:]}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        yield f'<row r="{r}">{"".join(cells)}</row>'


def zip_bomb(uncompressed_mb: int) -> bytes:
    """A workbook whose one sheet unpacks to about ``uncompressed_mb`` MB of empty rows."""
    block = "<row/>" * 10_000  # 60 kB

    def pieces() -> Iterable[str]:
        yield from rows_xml([["stratum", "size"]])
        for _ in range(uncompressed_mb * 1024 * 1024 // len(block)):
            yield block

    return workbook_with_sheet(pieces())


def million_rows(rows: int = 1_000_000, *, declared: bool = True) -> bytes:
    """A workbook of ``rows`` short data rows; ``declared``: with an honest ``<dimension>``."""

    def pieces() -> Iterable[str]:
        yield from rows_xml([["a"]])
        for r in range(2, rows + 2):
            yield f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>'

    return workbook_with_sheet(pieces(), dimension=f"A1:A{rows + 1}" if declared else None)
