"""Hostile and careless files against the one table reader and its callers (zip bombs, huge
sheets, ragged rows, duplicate headers, giant numbers and cells)."""

from __future__ import annotations

import pytest

from sampling import Frame, FrameError, frame_data
from survey.campaign import SiteFileError, read_frame
from survey.collect.imports import ImportFileError, read_upload
from tabular import PUBLIC_LIMITS, Limits, TableError, read_table
from tabular import reader as reader_module
from tests.security.workbooks import million_rows, rows_xml, workbook_with_sheet, zip_bomb


def test_zip_bomb_refused_by_declared_size_security():
    bomb = zip_bomb(60)  # under 1 MB on disk, 60 MB unpacked
    assert len(bomb) < 1024 * 1024
    with pytest.raises(TableError) as caught:
        read_table(bomb, name="bomb.xlsx")
    assert caught.value.problem.code == "uncompressed_too_large"
    assert "50 MB" in str(caught.value)


def test_zip_bomb_refused_by_every_reader_security(tmp_path):
    bomb = zip_bomb(60)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(FrameError, match="unpacks to more than"):
        frame_data(bomb, name="bomb.xlsx", limits=PUBLIC_LIMITS)
    with pytest.raises(ImportFileError, match="unpacks to more than"):
        read_upload(bomb, "bomb.xlsx")
    with pytest.raises(SiteFileError, match="unpacks to more than"):
        read_frame(path)


def test_lying_central_directory_is_counted_while_unpacking_security(monkeypatch):
    bomb = zip_bomb(8)
    # A directory can understate sizes; the members are counted as they are unpacked.
    with pytest.raises(TableError, match="unpacks to more than 1 MB"):
        read_table(bomb, name="small.xlsx", limits=Limits(uncompressed_bytes=1024 * 1024))
    import zipfile

    real = zipfile.ZipFile.infolist

    def understated(self):  # noqa: ANN001
        infos = real(self)
        for info in infos:
            info.file_size = 1
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", understated)
    reader_module._CACHE.clear()
    with pytest.raises(TableError) as caught:  # unpacking stops at the declared size; the check fails
        read_table(bomb, name="liar.xlsx", limits=Limits(uncompressed_bytes=1024 * 1024))
    assert caught.value.problem.code in {"uncompressed_too_large", "not_xlsx"}
    reader_module._CACHE.clear()


def test_declared_rows_refused_before_parsing_security():
    big = million_rows(300_000)
    with pytest.raises(TableError) as caught:
        read_table(big, name="big.xlsx")
    assert caught.value.problem.code == "too_many_rows"
    assert "300,000 data rows" in str(caught.value) and "200,000" in str(caught.value)


def test_undeclared_rows_counted_while_unpacking_security(monkeypatch):
    sheet = million_rows(2_500, declared=False)
    parsed = []
    monkeypatch.setattr(reader_module, "_declared_size", lambda s: parsed.append(s) or (None, None))
    reader_module._CACHE.clear()
    with pytest.raises(TableError, match="about 2,500 data rows, more than the limit of 2,000"):
        read_table(sheet, name="many.xlsx", limits=Limits(rows=2_000))
    assert parsed == []  # refused before openpyxl opened a sheet


def test_rows_counted_while_streaming_when_the_zip_scan_cannot_see_them_security(monkeypatch):
    sheet = million_rows(2_500, declared=False)
    monkeypatch.setattr(reader_module, "_check_zip", lambda data, label, limits: None)
    reader_module._CACHE.clear()
    with pytest.raises(TableError, match="more data rows than the limit of 2,000"):
        read_table(sheet, name="many.xlsx", limits=Limits(rows=2_000))
    reader_module._CACHE.clear()


def test_public_page_limit_is_smaller_security():
    text = "stratum,psu,size\n" + "".join(f"s,{i},10\n" for i in range(20_001))
    assert len(read_table(text.encode(), name="frame.csv")) == 20_001
    with pytest.raises(FrameError, match="more data rows than the limit of 20,000"):
        frame_data(text.encode(), name="frame.csv", limits=PUBLIC_LIMITS)
    with pytest.raises(TableError, match="at most 5 MB"):
        read_table(b"a\n" + b"x" * (6 * 1024 * 1024), name="big.csv", limits=PUBLIC_LIMITS)


def test_parsed_once_per_content_security(monkeypatch):
    calls = []
    real = reader_module._parse_csv

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(reader_module, "_parse_csv", counting)
    reader_module._CACHE.clear()
    data = b"stratum,size\nA,10\nB,20\n"
    for _ in range(5):
        assert read_table(data, name="same.csv").header == ("stratum", "size")
    assert len(calls) == 1
    reader_module._CACHE.clear()


def test_refusal_is_cached_too_security(monkeypatch):
    calls = []
    real = reader_module._parse_xlsx

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(reader_module, "_parse_xlsx", counting)
    reader_module._CACHE.clear()
    sheet = million_rows(300, declared=False)
    for _ in range(3):
        with pytest.raises(TableError):
            read_table(sheet, name="refused.xlsx", limits=Limits(rows=100))
    assert len(calls) == 1


def test_ragged_csv_rows_name_row_and_column_security():
    with pytest.raises(TableError) as caught:
        read_table("stratum,size\nA,10\nB,20,oops\n".encode(), name="long.csv")
    problem = caught.value.problem
    assert (problem.row, problem.column, problem.code) == (3, "C", "ragged_row")
    with pytest.raises(FrameError) as caught:
        frame_data("stratum,psu,size\nA,1,10\nB,2\n".encode(), name="short.csv")
    assert (caught.value.row, caught.value.column) == (3, "size")
    # an empty line and trailing empty cells are not ragged
    assert len(read_table("a,b\n1,2\n\n3,4,\n".encode(), name="ok.csv")) == 3


def test_duplicate_headers_named_and_refused_security():
    with pytest.raises(FrameError) as caught:
        frame_data("stratum,size,size\nA,1,2\n".encode(), name="dup.csv")
    assert (caught.value.row, caught.value.column) == (1, "size")
    assert "columns B and C" in str(caught.value)
    with pytest.raises(ImportFileError, match="duplicate column 'q1'"):
        read_upload("q1,q2,q1\n1,2,3\n".encode(), "dup.csv")


@pytest.mark.parametrize("value", ["#" + "9" * 400, "#1e308", "#-1E400"])
def test_giant_numbers_in_a_workbook_give_a_message_security(value):
    book = workbook_with_sheet(rows_xml([["stratum", "size"], ["A", value]]))
    with pytest.raises(FrameError) as caught:
        frame_data(book, name="numbers.xlsx")
    assert (caught.value.row, caught.value.column) == (2, "size")
    assert "too large" in str(caught.value)


def test_giant_numbers_in_a_csv_frame_give_a_message_security():
    for text in ("1e308", "9" * 400):
        with pytest.raises(FrameError) as caught:
            Frame.read(f"stratum,psu,size\nA,1,{text}\n".encode(), stratum="stratum", psu="psu", size="size", name="f.csv")
        assert (caught.value.row, caught.value.column) == (2, "size")
        assert "not plausible" in str(caught.value)


def test_cell_over_131072_characters_gives_a_message_security(tmp_path):
    data = ("site,q1\n1," + "x" * 131_073 + "\n").encode()
    with pytest.raises(ImportFileError) as caught:
        read_upload(data, "long.csv")
    assert caught.value.problems[0].row == 2 and "131,072" in str(caught.value)
    path = tmp_path / "sites.csv"
    path.write_bytes(("name,stratum,kind\n" + "x" * 140_000 + ",A,village\n").encode())
    with pytest.raises(SiteFileError, match="longer than 131,072 characters"):
        read_frame(path)


def test_cells_in_all_are_limited_security():
    wide = "a,b,c,d,e\n" + "1,2,3,4,5\n" * 300
    assert len(read_table(wide.encode(), name="wide.csv")) == 300
    with pytest.raises(TableError) as caught:
        read_table(wide.encode(), name="wide.csv", limits=Limits(cells=1_000))
    assert caught.value.problem.code == "too_many_cells"
    book = workbook_with_sheet(rows_xml([["a", "b", "c"]] + [["x", "y", "z"]] * 400))
    with pytest.raises(TableError, match="more than 1,000 cells"):
        read_table(book, name="wide.xlsx", limits=Limits(cells=1_000))


def test_cache_holds_a_bounded_number_of_cells_security(monkeypatch):
    monkeypatch.setattr(reader_module, "_CACHE_CELLS", 2_000)
    reader_module._CACHE.clear()
    for i in range(5):
        read_table(("a,b\n" + f"{i},1\n" * 600).encode(), name=f"f{i}.csv")  # 1,200 cells each
    assert len(reader_module._CACHE) == 1
    reader_module._CACHE.clear()


def test_giant_numbers_in_a_site_file_name_row_and_column_security(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("name,stratum,kind,population\nA,T,村卫生室,1e308\nB,T,村卫生室," + "9" * 400 + "\n", encoding="utf-8")
    with pytest.raises(SiteFileError) as caught:
        read_frame(path)
    found = {(p.row, p.column): p.message for p in caught.value.problems}
    assert set(found) == {(2, "population"), (3, "population")}
    assert "not plausible" in found[(2, "population")] and "(400 characters)" in found[(3, "population")]
