"""One verdict, one interval, everywhere: for every row of the demo campaign the command line,
the dashboard, the PDF, the Word report and the Excel workbook show the same interval (as
printed, one decimal) and the same verdict, and it is the engine's."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess

import docx
import openpyxl
import pandas as pd
import pytest

from analysis.__main__ import main as analysis_main
from analysis.campaign import compute_results, load_campaign_data
from analysis.report import collect, render
from survey.demo import create_demo

from .respond_helpers import open_view
from .test_dashboard import signed_in, store  # noqa: F401 - the fixture

WORDS = {"met": "达标", "not_met": "未达标", "inconclusive": "尚不能确定", "few_sites": "调查点不足，不能单独判定"}


def pct(x) -> str:
    return "—" if x is None or x is pd.NA else f"{float(x) * 100:.1f}%"


def bounds(low: str, high: str) -> tuple[str, str]:
    """A report's interval cells; 无区间 and its reason (a row without an interval) read as the engine's "—", "—"."""
    return ("—", "—") if low == "无区间" else (low, high)


def verdict_of(text: str) -> str:
    """The verdict a (possibly wrapped) cell names (None for "—": no verdict, e.g. a suppressed small cell)."""
    if text in ("—", None):
        return None
    for code, word in sorted(WORDS.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(word[:5]) if code == "few_sites" else text == word:
            return code
    raise AssertionError(f"no verdict in {text!r}")


def test_cli_dashboard_pdf_word_and_excel_agree_on_every_row(store, tmp_path, capsys):  # noqa: F811
    campaign = create_demo(store, responses=300, seed=7).campaign
    results = compute_results(load_campaign_data(store, campaign.id))
    labels = {}
    for qid, q in results.questionnaires.items():
        for i in q.indicators:
            labels[(qid, i.id)] = i.label["zh"]
    engine = {}
    for e in results.estimates.itertuples(index=False):
        domain = "全县（区）" if e.scope == "overall" else str(e.domain)
        engine[(e.questionnaire_id, e.var, domain)] = (pct(e.ci_low), pct(e.ci_high),
                                                       e.verdict if isinstance(e.verdict, str) else None)
    assert {v[2] for v in engine.values()} >= {"met", "few_sites"}
    assert all(e.bounds == "one-sided" and e.coverage == pytest.approx(0.9) for e in results.estimates.itertuples())

    # 1. the command line (JSON of the report command)
    url = os.environ["TCM_SURVEY_DB"]  # the app's database (tests/app/conftest.py)
    assert analysis_main(["report", "--db", url, "--campaign", str(campaign.id), "--out", str(tmp_path / "e.csv"),
                          "--json"]) == 0
    records = json.loads(capsys.readouterr().out)["estimates"]
    cli = {(r["instrument"], r["indicator"], "全县（区）" if r["scope"] == "overall" else r["domain"]):
           (pct(r["ci_low"]), pct(r["ci_high"]), r["verdict"]) for r in records}
    assert cli == engine
    assert all(r["level"] == 0.95 and r["coverage"] == pytest.approx(0.9) and "Verdict rule" in r["verdict_rule"]
               for r in records)

    data = collect(store, campaign.id)
    # 2. Excel: 结果汇总
    book = openpyxl.load_workbook(io.BytesIO(render(data, "xlsx")))
    rows = list(book["结果汇总"].iter_rows(min_row=7, values_only=True))
    by_label = {(labels[k[:2]], k[2]): k for k in engine}
    excel = {by_label[(r[0], r[2])]: (pct(r[6]), pct(r[7]), verdict_of(r[8])) for r in rows if r[0] and (r[0], r[2]) in by_label}
    assert excel == engine

    # 3. Word: one table per indicator, in the report's order
    document = docx.Document(io.BytesIO(render(data, "docx")))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    estimate_tables = [t for t in tables if t[0][0] == "范围"]
    word = {}
    for (qid, var), table in zip(results.indicators, estimate_tables):
        for row in table[1:]:
            word[(qid, var, row[0])] = (*bounds(row[4], row[5]), verdict_of(row[8]))
    assert word == engine

    # 4. PDF: the same rows, as text
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "scripts/apt-test.txt installs poppler-utils"
    pdf_path = tmp_path / "r.pdf"
    pdf_path.write_bytes(render(data, "pdf"))
    text = subprocess.run([pdftotext, "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    pdf = {}
    section = -1
    names = {labels[k] for k in results.indicators}
    domains = {k[2] for k in engine}
    for line in text.splitlines():
        heading = re.match(r"\s*（(\d+)）(.+)$", line)
        if heading and heading.group(2).strip() in names:
            section = int(heading.group(1)) - 1
            continue
        cells = line.split()
        if section < 0 or len(cells) < 9 or cells[0] not in domains or not re.fullmatch(r"\d+", cells[1]):
            continue
        qid, var = results.indicators[section]
        pdf[(qid, var, cells[0])] = (*bounds(cells[4], cells[5]), verdict_of(cells[8]))
    assert pdf == engine

    # 5. the dashboard: one results table per indicator (caches of other tests' databases cleared:
    # the page keeps one response cache per campaign id and process)
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    at = signed_in("eva")
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    open_view(at, "结果与判定")
    assert not at.exception, at.exception
    frames = [d.value for d in at.dataframe if "估计值" in d.value.columns]
    interval = "90%置信区间（单侧95%界限）"
    dash = {}
    for (qid, var), frame in zip(results.indicators, frames):
        for _, row in frame.iterrows():
            low, high = row[interval].split(" – ") if " – " in row[interval] else ("—", "—")  # else: why, in words
            domain = "全县（区）" if row["范围"] == "全县（区）" else row["范围"]
            dash[(qid, var, domain)] = (low, high, verdict_of(row["判定"]))
    assert dash == engine
