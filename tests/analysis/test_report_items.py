"""The item analysis in the reports: the appendix's tables (Word and PDF) and the workbook's sheet
题目分析 carry ``analysis.items``' numbers over the counted responses, flags in Chinese words."""

from __future__ import annotations

import io
import shutil
import subprocess

import docx
import openpyxl
import pytest

from analysis.formatting import fixed, percent
from analysis.items import FLAG_WORDS
from analysis.report import collect, render
from analysis.report.document import build_document, document_text, tables
from analysis.report.items import distinct, flag_text
from survey.demo import create_demo
from survey.storage import Store


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("items-report")
    store = Store.open(f"sqlite:///{folder / 'demo.sqlite'}")
    campaign = create_demo(store, responses=240, seed=11).campaign
    data = collect(store, campaign.id)
    yield data, folder
    store.close()


def test_every_keyed_indicator_is_analysed_over_the_counted_responses(report):
    data, _ = report
    found = {(f.questionnaire_id, f.indicator): f for f in data.items}
    assert ("resident", "knowledge") in found and ("resident", "service_awareness") in found
    assert any(q.startswith("staff_policy") for q, _ in found)
    counted = data.results.responses
    for (qid, indicator), f in found.items():
        rows = counted[counted["questionnaire_id"] == qid]
        assert f.n == int(rows[indicator].notna().sum()), (qid, indicator)


def test_the_appendix_has_one_table_per_analysis_with_its_numbers(report):
    data, _ = report
    document = build_document(data, with_plots=False)
    text = document_text(document)
    assert "附录：题目分析" in text and "校正题总相关" in text
    item_tables = {t.key: t for t in tables(document, "items:")}
    groups = distinct(data.items)
    assert len(item_tables) == len(groups)  # a rate and its score share one table
    for f, ids in groups:
        table = item_tables[f"items:{f.questionnaire_id}:{ids[0]}"]
        assert table.header == ("题目", "答对比例", "校正题总相关", "选“不知道”", "提示")
        for row, item in zip(table.rows, f.items):
            assert row[0].endswith(f"（{item.id}）")
            assert row[1:] == (percent(item.correct), fixed(item.item_total), percent(item.dont_know), flag_text(item.flags))
        assert f"α = {fixed(f.alpha)}" in text
    flagged = {flag for f in data.items for i in f.items for flag in i.flags}
    assert flagged and all(FLAG_WORDS[flag]["zh"] in text for flag in flagged)


def test_word_and_pdf_carry_the_appendix(report):
    data, folder = report
    word = docx.Document(io.BytesIO(render(data, "docx")))
    headers = [tuple(c.text for c in t.rows[0].cells) for t in word.tables]
    assert ("题目", "答对比例", "校正题总相关", "选“不知道”", "提示") in headers
    pdf = folder / "report.pdf"
    pdf.write_bytes(render(data, "pdf"))
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: scripts/apt-test.txt installs poppler-utils")
    text = subprocess.run([tool, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    f = data.items[0]
    assert "附录：题目分析" in text and f"α = {fixed(f.alpha)}" in text


def test_the_workbook_has_the_sheet(report):
    data, _ = report
    book = openpyxl.load_workbook(io.BytesIO(render(data, "xlsx")))
    sheet = book["题目分析"]
    header, names = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[:3] == ["指标", "指标名称", "问卷"] and names[:3] == ["indicator", "indicator_label", "questionnaire_id"]
    rows = [dict(zip(names, (c.value for c in row))) for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == sum(len(f.items) for f in data.items)
    first = data.items[0]
    row = rows[0]
    label = data.results.questionnaires[first.questionnaire_id].indicator(first.indicator).label["zh"]
    assert row["indicator"] in (first.indicator, label)  # the data sheets give codes in words
    assert (row["item"], row["n"]) == (first.items[0].id, first.n)
    assert row["correct"] == pytest.approx(first.items[0].correct) and row["alpha"] == pytest.approx(first.alpha)
    assert sheet.cell(row=3, column=names.index("correct") + 1).number_format == "0.0%"
    assert "%" in row["options"] and not any(ch.isascii() and ch.isalpha() for ch in row["options"].split("；")[0])
