"""The one table reader: encodings, shapes, sheets, errors as Problems."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tabular import Problem, TableError, decode_text, read_table, read_workbook


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_one_encoding_policy(encoding):
    table = read_table("乡镇,人口\n城关镇,1200\n".encode(encoding), name="frame.csv")
    assert table.header == ("乡镇", "人口") and table.rows == (("城关镇", "1200"),)


def test_decode_text_prefers_utf8():
    assert decode_text("é".encode()) == "é"
    assert decode_text("中".encode("gb18030")) == "中"


def test_sheets_by_name_and_number(tmp_path):
    data = _xlsx({"survey": [["type", "name"], ["text", "q1"]], "choices": [["list_name"], ["yn"]]})
    path = tmp_path / "form.xlsx"
    path.write_bytes(data)
    book = read_workbook(path)
    assert list(book) == ["survey", "choices"]
    assert read_table(path).rows == (("text", "q1"),)
    assert read_table(path, sheet="choices").header == ("list_name",)
    assert read_table(path, sheet=1).header == ("list_name",)
    with pytest.raises(TableError, match="no sheet 'nope'"):
        read_table(path, sheet="nope")


def test_rows_padded_and_trailing_blank_rows_dropped():
    table = read_table(_xlsx({"s": [["a", "b", "c"], [1, None, None], [None, None, None]]}), name="t.xlsx")
    assert table.rows == ((1, None, None),)
    assert list(table.records()) == [(2, {"a": 1, "b": None, "c": None})]


def test_problems_name_file_row_and_column(tmp_path):
    with pytest.raises(TableError) as caught:
        read_table(tmp_path / "missing.csv")
    assert caught.value.problem == Problem(str(tmp_path / "missing.csv"), None, None, "not_found", "file not found")
    with pytest.raises(TableError) as caught:
        read_table(b"a,b\n1,2,3\n", name="r.csv")
    assert str(caught.value.problem).startswith("r.csv: row 2, column 'C': ")
    with pytest.raises(TableError, match="unsupported file type '.pdf'"):
        read_table(b"%PDF", name="x.pdf")
    with pytest.raises(TableError, match="empty"):
        read_table(b"  \n", name="e.csv")


def test_sniffed_delimiters():
    assert read_table("a;b\n1;2\n".encode(), name="s.csv", sniff=True).header == ("a", "b")
    assert read_table("a\tb\n1\t2\n".encode(), name="s.txt", sniff=True).rows == (("1", "2"),)
