"""Issue 14, items 3, 9 and 16 (Excel part): exports never carry live formulas or control
characters, and never cut a long text silently; the database keeps the text as submitted."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from analysis.report import collect, render
from analysis.report.cells import EXCEL_CELL_MAX, safe_cell, safe_frame
from analysis.report.data import responses_frame
from analysis.report.exports import csv_bytes
from survey.demo import create_demo
from survey.storage import Store

HOSTILE = ['=HYPERLINK("http://x","y")', "=1+1", "+1", "@SUM(1)", "-2+3", "\t=1", "\r=1", "＝1+1", "＋1", "＠SUM(1)", "－2"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_triggers_are_prefixed(text):
    assert safe_cell(text) == "'" + text


def test_other_values_pass_and_controls_are_removed():
    assert safe_cell("张三 村卫生室") == "张三 村卫生室"
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(None) is None
    assert safe_cell("a\x0bb\x00c\x1fd\x7f") == "abcd"
    assert safe_cell("line one\nline two\tend") == "line one\nline two\tend"
    assert safe_cell("\x0b=1") == "'=1"  # a control character cannot hide a formula
    frame = safe_frame(pd.DataFrame({"=x": ["=1+1", "ok"], "n": [1, 2]}))
    assert list(frame.columns) == ["'=x", "n"] and frame["'=x"].tolist() == ["'=1+1", "ok"]


@pytest.fixture(scope="module")
def hostile_campaign(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    store = Store.open(f"sqlite:///{folder / 'hostile.sqlite'}")
    campaign = create_demo(store, responses=80, seed=3).campaign
    names = [*HOSTILE, "卫生院\x0b(从 Word 复制)", "长" * (EXCEL_CELL_MAX + 5000)]
    sites = sorted(campaign.sites, key=lambda s: s.code)
    with store.write() as connection:
        for site, name in zip(sites, names):
            connection.exec_driver_sql("UPDATE sites SET name = ? WHERE id = ?", (name, site.id))
    yield store, campaign.id, dict(zip([s.code for s in sites], names))
    store.close()


def _workbook(store, campaign_id):  # noqa: ANN001, ANN202
    data = collect(store, campaign_id)
    return data, openpyxl.load_workbook(io.BytesIO(render(data, "xlsx")))


def test_excel_export_has_no_formula_and_keeps_long_texts(hostile_campaign):
    store, campaign_id, names = hostile_campaign
    data, book = _workbook(store, campaign_id)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert "\x0b" not in cell.value and len(cell.value) <= EXCEL_CELL_MAX
    sheet = book["问卷数据_resident"]
    header = [c.value for c in sheet[2]]  # row 1: Chinese headers, row 2: variable names
    shown = {sheet.cell(r, header.index("site") + 1).value: sheet.cell(r, header.index("site_name") + 1).value
             for r in range(3, sheet.max_row + 1)}
    for code, name in names.items():
        if code not in shown:
            continue
        if name.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert shown[code] == "'" + name
        if "\x0b" in name:
            assert shown[code] == name.replace("\x0b", "")
    long_name = names[max(names, key=lambda c: len(names[c]))]
    long_rows = list(book["long_texts"].iter_rows(min_row=2, values_only=True))
    header = [c.value for c in book["long_texts"][1]]
    text_column = header.index("text")
    first = next(r for r in long_rows if r[header.index("sheet")] == "问卷数据_resident")
    parts = [r for r in long_rows if r[:3] == first[:3]]
    assert "".join(p[text_column] for p in parts) == long_name
    assert any(isinstance(v, str) and "long_texts" in v for v in shown.values())


def test_csv_exports_are_neutralised(hostile_campaign):
    store, campaign_id, names = hostile_campaign
    data = collect(store, campaign_id)
    frame = pd.read_csv(io.BytesIO(csv_bytes(responses_frame(data, "resident"))), encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    for value in frame["site_name"]:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")) and "\x0b" not in value
    assert "'=HYPERLINK(\"http://x\",\"y\")" in set(frame["site_name"])


def test_word_and_pdf_render_despite_control_characters(hostile_campaign):
    store, campaign_id, _ = hostile_campaign
    data = collect(store, campaign_id)
    assert render(data, "docx")[:2] == b"PK"
    assert render(data, "pdf")[:4] == b"%PDF"


def test_database_keeps_the_text_as_submitted(hostile_campaign):
    store, campaign_id, names = hostile_campaign
    stored = {s.code: s.name for s in store.campaign(campaign_id).sites}
    assert all(stored[code] == name for code, name in names.items())
