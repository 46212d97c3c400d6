"""The streaming workbook (analysis/report/excel.py on XlsxWriter) holds what the previous writer
(openpyxl, one cell at a time: tests/analysis/excel_reference.py) wrote: the same sheets in the same
order, the same values in every cell, the same number formats, frozen panes and merged cells, with
hostile texts (formulas, control characters, XML-looking text, a text too long for a cell) in it."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from analysis.report import collect
from analysis.report.cells import EXCEL_CELL_MAX
from analysis.report.excel import render_xlsx
from survey.demo import create_demo
from survey.storage import Store
from tests.analysis.excel_reference import render_xlsx as reference_xlsx

NAMES = ['=HYPERLINK("http://x","y")', "+1", "\r=1", "＝1+1", "卫生院\x0b(从 Word 复制)", "<r><t>粗体</t></r>",
         "a & b <c> \"d\"", "第一行\n第二行\r\n第三行", " 前后空格 ", "_x0041_ 字面", "长" * (EXCEL_CELL_MAX + 10)]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('workbook') / 'demo.sqlite'}")
    campaign = create_demo(store, responses=150, seed=11).campaign
    sites = sorted(campaign.sites, key=lambda s: s.code)
    with store.write() as connection:
        for site, name in zip(sites, NAMES):
            connection.exec_driver_sql("UPDATE sites SET name = ? WHERE id = ?", (name, site.id))
    data = collect(store, campaign.id)
    store.close()
    new, old = render_xlsx(data), reference_xlsx(data)
    yield data, openpyxl.load_workbook(io.BytesIO(new)), openpyxl.load_workbook(io.BytesIO(old))


def _same(a, b) -> bool:
    """Equal cells; a decimal may differ in its 17th digit (the previous writer wrote 16)."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-15, abs_tol=0)
    return a == b and type(a) is type(b)


def test_same_sheets_in_the_same_order(books) -> None:
    _, new, old = books
    assert new.sheetnames == old.sheetnames
    assert "long_texts" in new.sheetnames and "问卷数据_resident" in new.sheetnames


def test_every_cell_holds_the_previous_value_and_format(books) -> None:
    _, new, old = books
    checked = 0
    for name in old.sheetnames:
        a, b = new[name], old[name]
        assert (a.max_row, a.max_column) == (b.max_row, b.max_column), name
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows()):
            for x, y in zip(row_a, row_b):
                assert _same(x.value, y.value), f"{name}!{x.coordinate}: {x.value!r} != {y.value!r}"
                assert x.data_type != "f", f"{name}!{x.coordinate} is a formula"
                if y.value is not None:
                    assert x.number_format == y.number_format, f"{name}!{x.coordinate}"
                    assert bool(x.font.bold) == bool(y.font.bold), f"{name}!{x.coordinate}"
                    checked += 1
        assert a.freeze_panes == b.freeze_panes, name
        assert {str(r) for r in a.merged_cells.ranges} == {str(r) for r in b.merged_cells.ranges}, name
    assert checked > 10_000


def test_hostile_texts_read_back_as_the_previous_writer_wrote_them(books) -> None:
    _, new, _ = books
    sheet = new["问卷数据_resident"]
    header = [c.value for c in sheet[2]]
    shown = {sheet.cell(r, header.index("site_name") + 1).value for r in range(3, sheet.max_row + 1)}
    assert "'" + NAMES[0] in shown and "'\r=1" in shown and "卫生院(从 Word 复制)" in shown
    assert {"<r><t>粗体</t></r>", 'a & b <c> "d"', "第一行\n第二行\r\n第三行", " 前后空格 ", "_x0041_ 字面"} <= shown
    assert any(isinstance(v, str) and v.startswith("[全文") for v in shown)


def test_headers_fill_colours_and_widths(books) -> None:
    data, new, old = books
    summary = new["结果汇总"]
    assert summary["A7"].font.bold is not None and summary.freeze_panes == "D7"
    assert summary.row_dimensions[2].height == 48 and summary.column_dimensions["A"].width >= 22
    head = new["估计值明细"]["A1"]
    assert head.font.bold and head.fill.fgColor.rgb[-6:] == "DDEBF7"
    assert new["估计值明细"]["A2"].font.italic and new["估计值明细"]["A2"].font.sz == 9
    verdicts = [(c.font.color.rgb[-6:], bool(c.font.bold)) for c in summary["I"][6:] if c.value is not None]
    assert verdicts == [(c.font.color.rgb[-6:], bool(c.font.bold)) for c in old["结果汇总"]["I"][6:] if c.value is not None]
    assert len(verdicts) == len(data.results.estimates)


def test_estimates_are_written_at_full_precision(books) -> None:
    data, new, _ = books
    rows = list(new["估计值明细"].iter_rows(values_only=True))
    column = rows[1].index("estimate")
    written = np.array([np.nan if r[column] is None else r[column] for r in rows[2:]], dtype=float)
    engine = data.results.estimates["estimate"].astype(float).to_numpy()
    assert np.array_equal(written, engine, equal_nan=True)  # the very doubles, not 16 digits of them


def test_a_text_long_in_utf16_units_is_moved_whole() -> None:
    """Excel counts UTF-16 units: 20,000 emoji (40,000 units) do not fit in a cell though they are
    20,000 characters; they go to long_texts in parts that each fit, and come back whole."""
    import pandas as pd

    from analysis.report.cells import PART, excel_length, move_long_texts, text_parts

    text = "好" + "😀" * 20_000 + "尾"
    assert excel_length(text) == 40_002 and excel_length("长" * 10) == 10 and excel_length("ab") == 2
    long_texts: list[dict] = []
    out = move_long_texts(pd.DataFrame({"answer": [text, "短"]}, dtype=object), "sheet", long_texts)
    assert out["answer"].iloc[0].startswith("[全文") and out["answer"].iloc[1] == "短"
    assert "".join(p["text"] for p in long_texts) == text
    assert all(excel_length(p["text"]) <= PART for p in long_texts) and len(long_texts) == 2
    assert "".join(text_parts("长" * (PART + 5))) == "长" * (PART + 5)
    book = openpyxl.load_workbook(io.BytesIO(_one_sheet_workbook(text)))
    rows = list(book["long_texts"].iter_rows(min_row=2, values_only=True))
    assert "".join(r[-1] for r in rows) == text  # written whole: no part was cut by the writer


def _one_sheet_workbook(text: str) -> bytes:
    import pandas as pd

    from analysis.report.excel import long_texts_sheet, write_data_sheet
    from analysis.report.excel_writer import StreamBook

    book = StreamBook()
    long_texts: list[dict] = []
    write_data_sheet(book, "数据", pd.DataFrame({"answer": [text]}, dtype=object), long_texts=long_texts)
    long_texts_sheet(book, long_texts)
    folder = Path(book.folder.name)
    assert folder.is_dir() and folder.stat().st_mode & 0o077 == 0  # the rows go to a private folder
    content = book.bytes()
    assert not folder.exists()  # and it is gone once the workbook is written
    return content


@pytest.mark.parametrize("values", [[1.0, np.nan, -0.0, 0.0, np.inf, 2.5, 1.0], [0.0, 0.1 + 0.2, np.nan, -np.inf], [3, 1, 3, -2]])
def test_numbers_written_once_per_distinct_value_are_those_written_cell_by_cell(values) -> None:
    import pandas as pd

    from analysis.report.excel_writer import _Cells, column_xml

    cells = _Cells(5, 7)
    column = pd.Series(values)
    one_by_one = ([f'{cells.style}><v>{v}</v></c>' for v in values] if column.dtype.kind == "i"
                  else [cells.number(float(v)) for v in values])
    assert column_xml(column, cells) == one_by_one


def test_only_the_report_workbook_is_deflated_at_the_fast_level() -> None:
    import zipfile

    import xlsxwriter.workbook

    from analysis.report.excel_writer import ZIP_LEVEL, LevelZipFile, StreamBook, WorkbookBuffer

    assert xlsxwriter.workbook.ZipFile is LevelZipFile
    with LevelZipFile(WorkbookBuffer(), "w") as ours, LevelZipFile(io.BytesIO(), "w") as other:
        assert ours.compresslevel == ZIP_LEVEL and other.compresslevel is None  # zlib's default for anything else
    book = StreamBook()
    sheet = book.sheet("数据")
    sheet.write_string(0, 0, "满意 " * 5_000)
    content = book.bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None and b"xl/worksheets/sheet1.xml" in b"".join(n.encode() for n in archive.namelist())
    assert openpyxl.load_workbook(io.BytesIO(content))["数据"]["A1"].value == "满意 " * 5_000
