"""Reports: the numbers in the PDF, Word and Excel files equal the engine's; Chinese renders; CLI.

The PDF's text is extracted with pdftotext (poppler-utils) and its pages rendered with pdftoppm to
``artifacts/report/`` for people to look at.
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.campaign import ResultOptions
from analysis.report import collect, render, write_report
from analysis.report.document import build_document
from survey.demo import create_demo
from survey.storage import Store

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "report"


def pct(x) -> str:  # the reports' own format, written out independently here
    return "—" if x is pd.NA else f"{float(x) * 100:.1f}%"


def fixed(x, scale: float = 1.0) -> str:
    return "—" if x is pd.NA else f"{float(x) * scale:.2f}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    store = Store.open(url)
    campaign = create_demo(store, responses=360, seed=5).campaign
    data = collect(store, campaign.id)
    yield store, campaign, data, url, folder
    store.close()


def _engine_rows(data, var):
    e = data.results.estimates
    return e[e["var"] == var]


def _needed(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: scripts/apt-test.txt installs poppler-utils")
    return path


def interval_cells(e) -> list[str]:  # noqa: ANN001
    """The two interval cells of a report row: the bounds, or 无区间 and why (never "—", "—")."""
    if pd.isna(e.ci_low) or pd.isna(e.ci_high):
        if e.verdict is pd.NA:  # no staff yet, or too few to show
            return ["无区间", "人数少" if e.n else "无问卷"]
        return ["无区间", "点太少" if e.verdict == "few_sites" else "无问卷" if not e.n else "无法计算"]
    return [pct(e.ci_low), pct(e.ci_high)]


def test_pdf_text_carries_the_engines_numbers(demo):
    store, campaign, data, url, folder = demo
    pdf = folder / "report.pdf"
    write_report(data, pdf)
    text = subprocess.run([_needed("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "调查方法" in text and "附录：调查问卷" in text and "全县（区）" in text
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    checked = 0
    for var in ("satisfaction", "knowledge", "service_awareness", "staff_policy"):
        for e in _engine_rows(data, var).itertuples(index=False):
            label = "全县（区）" if e.scope == "overall" else str(e.domain)
            alone = not (isinstance(e.verdict, str) and e.verdict == "few_sites")  # too few sites: no SE or deff
            cells = [label, str(int(e.n)), pct(e.estimate), fixed(e.se, 100) if alone else "—", *interval_cells(e),
                     fixed(e.deff) if alone else "—", str(int(e.df))]
            wanted = " ".join(cells)
            assert any(line.startswith(wanted) for line in lines), f"{var} {label}: {wanted!r} not in the PDF"
            checked += 1
    assert checked == 4 * 12
    # render pages to PNG for people to look at
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run([_needed("pdftoppm"), "-r", "70", "-png", "-f", "1", "-l", "5", str(pdf), str(ARTIFACTS / "page")], check=True)
    pages = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(pages) == 5
    fonts = subprocess.run([_needed("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and " yes yes " in fonts  # embedded subset


def test_docx_tables_carry_the_engines_numbers(demo):
    store, campaign, data, url, folder = demo
    document = docx.Document(io.BytesIO(render(data, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "一、结果摘要" in text and "二、调查方法" in text and "附录：调查问卷" in text
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    estimates = [t for t in tables if t[0][0] == "范围"]
    assert len(estimates) == 4
    for var, table in zip(("satisfaction", "knowledge", "service_awareness", "staff_policy"), estimates):
        engine = _engine_rows(data, var)
        assert len(table) - 1 == len(engine)
        for row, e in zip(table[1:], engine.itertuples(index=False)):
            if e.verdict is pd.NA:  # a township's staff result under 3 people is not shown
                assert row[1:3] == [str(int(e.n)), pct(e.estimate)] and row[8:10] == ["—", "—"]
                assert row[4:6] == ["无区间", "人数少" if e.n else "无问卷"]
                continue
            alone = not (isinstance(e.verdict, str) and e.verdict == "few_sites")
            assert row[1:8] == [str(int(e.n)), pct(e.estimate), fixed(e.se, 100) if alone else "—", *interval_cells(e),
                                fixed(e.deff) if alone else "—", str(int(e.df))]
            assert row[8] == {"met": "达标", "not_met": "未达标", "inconclusive": "尚不能确定",
                              "few_sites": "调查点不足，不能单独判定"}[e.verdict]
            assert row[9] == ("是" if bool(e.point_reaches) else "否")
    assert len(document.inline_shapes) == 4  # one forest plot per indicator


def _sheet(book, name):
    """A data sheet: Chinese headers (row 1), English variable names (row 2), values."""
    rows = list(book[name].iter_rows(values_only=True))
    return rows[0], pd.DataFrame(rows[2:], columns=rows[1])


def test_workbook_holds_full_precision_estimates_codebook_and_weights(demo):
    store, campaign, data, url, folder = demo
    book = openpyxl.load_workbook(io.BytesIO(render(data, "xlsx")))
    names = book.sheetnames
    assert names[0] == "结果汇总"
    for sheet in ("应答进度", "估计值明细", "问卷数据_resident", "问卷数据_staff_policy_liunan", "得分", "权重", "编码表",
                  "指标定义", "监测提示", "设计说明"):
        assert sheet in names
    zh, sheet = _sheet(book, "估计值明细")
    assert "估计值" in zh and "判定区间下限" in zh
    engine = data.results.estimates
    np.testing.assert_allclose(sheet["estimate"].astype(float), engine["estimate"].astype(float), rtol=1e-15)
    np.testing.assert_allclose(sheet["ci_low"].astype(float), engine["ci_low"].astype(float), rtol=1e-15)
    # codes in words, the rule in Chinese, decimals formatted (the cell keeps full precision)
    assert set(sheet["scope"]) == {"全县（区）", "乡镇（街道）"} and "satisfaction" not in set(sheet["indicator"])
    assert "中医药服务满意率" in set(sheet["indicator"]) and not {"inconclusive", "met", "few_sites"} & set(sheet["verdict"])
    assert set(sheet["ci_method"]) == {"Korn–Graubard 法"} and set(sheet["verdict_rule"]) == {sheet["verdict_rule"][0]}
    assert sheet["verdict_rule"][0].startswith("判定规则")
    column = list(sheet.columns).index("estimate") + 1
    assert book["估计值明细"].cell(row=3, column=column).number_format == "0.0###"
    _, progress = _sheet(book, "应答进度")
    assert "township_centre" not in set(progress["site_kind"]) and "乡镇卫生院" in set(progress["site_kind"])
    _, code = _sheet(book, "编码表")
    assert {"instrument", "version_hash", "question", "choice_value", "choice_zh"} <= set(code.columns)
    _, weights = _sheet(book, "权重")
    assert len(weights) == len(data.results.responses)
    for name in names[1:]:
        assert book[name].freeze_panes == "A3"
        assert all(ord(ch) > 0x2E80 or not ch.isalpha() for ch in str(book[name]["A1"].value)[:2])  # Chinese header


def test_workbook_summary_sheet_is_for_people(demo):
    """结果汇总: Chinese words, percentages with one decimal, the rule, the time in the campaign's zone."""
    store, campaign, data, url, folder = demo
    book = openpyxl.load_workbook(io.BytesIO(render(data, "xlsx")))
    sheet = book["结果汇总"]
    assert "判定规则" in sheet["A2"].value and "90%" in sheet["A2"].value
    local = data.generated_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert f"{local.hour:02d}:{local.minute:02d}（北京时间）" in sheet["A3"].value
    header = [c.value for c in sheet[6]]
    assert header[:9] == ["指标", "问卷", "范围", "达标线", "样本量", "估计值", "90%置信下限", "90%置信上限", "判定"]
    body = [[c for c in row] for row in sheet.iter_rows(min_row=7, max_row=6 + len(data.results.estimates))]
    words = {"达标", "未达标", "尚不能确定", "调查点不足，不能单独判定"}  # or "—" where no verdict is given
    for row, e in zip(body, data.results.estimates.itertuples(index=False)):
        assert row[5].number_format == "0.0%" and row[6].number_format == "0.0%" and row[7].number_format == "0.0%"
        if e.estimate is pd.NA:  # a suppressed small cell (staff under 3 in a township)
            assert row[5].value is None and row[8].value == "—"
            continue
        assert row[5].value == pytest.approx(float(e.estimate), rel=1e-15)
        assert row[8].value in words
        if e.verdict == "few_sites":
            assert row[10].value == "—" and row[11].value == "—"
    assert sheet.freeze_panes == "D7"
    assert sheet.column_dimensions["A"].width >= 20


def test_csv_is_utf8_with_bom(demo):
    store, campaign, data, url, folder = demo
    content = render(data, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert "太阳村镇" in set(frame["domain"].dropna())
    np.testing.assert_allclose(frame["estimate"], data.results.estimates["estimate"].astype(float), rtol=1e-15)


def test_cli_writes_each_format_and_reports_bad_input(demo, tmp_path, capsys):
    from analysis.__main__ import main

    store, campaign, data, url, folder = demo
    base = ["report", "--db", url, "--campaign", str(campaign.id)]
    for suffix in (".xlsx", ".docx", ".pdf", ".csv"):
        out = tmp_path / f"r{suffix}"
        assert main([*base, "--out", str(out), "--weighting", "equal"]) == 0
        assert out.stat().st_size > 1000
    capsys.readouterr()
    assert main([*base, "--out", str(tmp_path / "e.csv"), "--responses-csv", str(tmp_path / "resp.csv"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert len(summary["files"]) == 3 and (tmp_path / "resp_resident.csv").exists()
    bad = tmp_path / "pop.csv"
    bad.write_text("乡镇,性别,人口\n太阳村镇,男,100\n不存在镇,女,abc\n", encoding="utf-8")
    assert main([*base, "--out", str(tmp_path / "p.pdf"), "--weighting", "poststratify", "--population", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "row 3, column '乡镇'" in err and "row 3, column '人口'" in err
    assert not (tmp_path / "p.pdf").exists()
    assert main(["report", "--db", url, "--campaign", "999", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "no campaign" in capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "x.odt")]) == 2
    # and once as a real command line
    done = subprocess.run([sys.executable, "-m", "analysis", "report", *base[1:], "--out", str(tmp_path / "cli.docx")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cli.docx").exists()


def test_empty_campaign_reports_render(tmp_path):
    import datetime as dt
    from dataclasses import replace

    from survey.campaign import CampaignSpec
    from survey.questionnaire.catalog import shipped_questionnaires
    from survey.demo import demo_sites

    store = Store.open(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    campaign = store.create_campaign(
        CampaignSpec("空活动", "liunan", dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        [shipped_questionnaires()["resident"]],
        [replace(s, quotas={"resident": 5}) for s in demo_sites()[:2]], actor="test",
    )
    data = collect(store, campaign.id)
    for fmt in ("xlsx", "docx", "pdf", "csv"):
        assert len(render(data, fmt)) > 0
    text = "\n".join(b.text for b in build_document(data).blocks if hasattr(b, "text"))
    assert "尚未收到" in text
    store.close()


def test_weighting_choice_changes_the_report(demo):
    store, campaign, data, url, folder = demo
    equal = collect(store, campaign.id, ResultOptions(weighting="equal"), answers=False)
    a = data.results.overall().set_index("var")["estimate"].astype(float)
    b = equal.results.overall().set_index("var")["estimate"].astype(float)
    assert not math.isclose(a["knowledge"], b["knowledge"], rel_tol=1e-9)
    assert "各受访者权重相同" in "\n".join(getattr(x, "text", "") for x in build_document(equal, with_plots=False).blocks)


def test_method_text_gives_the_engines_design_effect_and_the_workbook_all_weights(demo):
    store, campaign, data, url, folder = demo
    text = "\n".join(getattr(x, "text", "") for x in build_document(data, with_plots=False).blocks)
    overall = data.results.overall()
    resident = pd.to_numeric(overall.loc[overall["questionnaire_id"] == "resident", "deff"]).median()
    assert data.results.design_notes["questionnaires"]["resident"]["design_effect"] == pytest.approx(resident)
    assert f"各率设计效应的中位数约为 {resident:.2f}" in text
    book = openpyxl.load_workbook(io.BytesIO(render(data, "xlsx")), read_only=True)
    zh, english = list(book["权重"].iter_rows(max_row=2, values_only=True))  # Chinese, then variable names
    assert {"questionnaire_id", "site_code", "design_weight", "base_weight", "weight"} <= set(english)
    assert {"设计权重", "基础权重", "分析权重"} <= set(zh)


class _CountingStore:
    """The store, counting ``response_frame`` calls."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.frames = inner, 0

    def response_frame(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        self.frames += 1
        return self.inner.response_frame(*args, **kwargs)

    def __getattr__(self, name):  # noqa: ANN001, ANN204
        return getattr(self.inner, name)


def test_a_report_reads_the_response_frame_once(demo):
    """Results, quality flags, the verdicts with and without them and the response sheets' answers
    all come from one read of the campaign."""
    from analysis.campaign import ResponseCache
    from analysis.integrity import load_quality

    store, campaign, data, *_ = demo
    counting = _CountingStore(store)
    report = collect(counting, campaign.id)
    assert counting.frames == 1
    assert report.integrity is not None and report.answers and report.languages
    # the same report as reading each piece on its own
    pd.testing.assert_frame_equal(report.results.estimates, data.results.estimates)
    alone = load_quality(store, campaign.id)
    pd.testing.assert_frame_equal(report.integrity.quality.flags, alone.flags)
    assert report.answers == data.answers and report.languages == data.languages
    # the dashboard's way: a cache read, then the report from what it holds
    counting = _CountingStore(store)
    cached = ResponseCache(campaign.id).refresh(counting)
    again = collect(counting, campaign.id, data=cached)
    assert counting.frames == 1
    assert again.answers == report.answers
    pd.testing.assert_frame_equal(again.results.estimates, report.results.estimates)
    counting = _CountingStore(store)
    collect(counting, campaign.id, answers=False, quality=False)
    assert counting.frames == 1
