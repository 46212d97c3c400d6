"""钦州's 中医药健康文化素养 results in the report, the workbook and on the dashboard: the literacy
rate with its interval and verdict against 25%, the five dimension rates, the four 普及 rates and
the mean score with its SE and interval (the profile's ``official: mean``)."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from accounts import create_account, ensure_first_admin
from analysis.report import collect, render
from analysis.report.document import build_document, document_text, tables
from analysis.verdict import verdict_word
from survey.storage import Store
from tests.app.respond_helpers import ROOT, SECRET
from tests.literacy_campaign import STRATA, literacy_campaign

RATES = ("literacy", "lit_concepts", "lit_lifestyle", "lit_methods", "lit_culture", "lit_information",
         "popularization", "reading", "trust", "action")


def pct(x, digits: int = 1) -> str:  # the reports' format, written out here
    return f"{float(x) * 100:.{digits}f}%"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('literacy') / 'lit.sqlite'}"
    with Store.open(url) as store:
        campaign = literacy_campaign(store)
        yield collect(store, campaign.id)


def test_results_carry_every_literacy_figure(data):
    results = data.results
    overall = results.overall().set_index("var")
    assert list(overall.index) == list(RATES)
    lit = overall.loc["literacy"]
    assert lit["threshold"] == 0.25 and lit["verdict"] in ("pass", "fail", "inconclusive") and lit["n"] == 240
    assert all(pd.isna(overall.loc[r, "threshold"]) for r in RATES[1:])
    means = results.means
    assert list(means["scope"]) == ["overall"] + ["stratum"] * 4 and list(means["domain"][1:]) == list(STRATA)
    m = means.iloc[0]
    scores = results.responses["literacy_score"].astype(float)
    # equal populations and equal counts per township: the weighted mean is the plain mean
    assert m["estimate"] == pytest.approx(scores.mean()) and m["n"] == 240
    assert 0 < m["se"] < 0.05 and m["ci_low"] < m["estimate"] < m["ci_high"] and m["df"] == 8 - 4
    assert m["ci_high"] - m["estimate"] == pytest.approx(m["estimate"] - m["ci_low"])  # a symmetric t interval


def test_document_shows_the_rate_the_verdict_the_dimensions_and_the_mean(data):
    results = data.results
    document = build_document(data, with_plots=False)
    text = document_text(document)
    overall = results.overall().set_index("var")
    lit = overall.loc["literacy"]
    (summary,) = [t for t in tables(document, "summary") if t.key == "summary"]
    rows = {r[0].split("（")[0]: r for r in summary.rows}
    row = rows["中医药健康文化素养水平"]
    assert row[1:] == ("25%", str(int(lit["n"])), pct(lit["estimate"]), pct(lit["ci_low"]), pct(lit["ci_high"]),
                       verdict_word(lit["verdict"]), row[-1])
    for var, label in (("lit_methods", "中医药公众适宜方法素养水平"), ("lit_information", "中医药信息理解能力素养水平"),
                       ("popularization", "中医药健康文化知识普及率"), ("action", "中医药健康文化知识行动率")):
        assert rows[label][1] == "—" and rows[label][3] == pct(overall.loc[var, "estimate"])
    m = results.means.iloc[0]
    (means,) = tables(document, "summary_means")
    assert means.rows == (("中医药健康文化素养得分（得分率）", "240", pct(m["estimate"]), f"{m['se'] * 100:.2f}",
                           pct(m["ci_low"]), pct(m["ci_high"])),)
    (section,) = tables(document, "means:literacy_score")
    assert [r[0] for r in section.rows] == ["全县（区）", *STRATA]
    assert f"全县（区）平均得分率为 {pct(m['estimate'])}" in text and "95%置信区间（双侧）" in text


def test_workbook_has_the_mean_sheet(data):
    book = openpyxl.load_workbook(io.BytesIO(render(data, "xlsx")))
    sheet = book["得分均值"]
    header = [c.value for c in sheet[2]]
    first = dict(zip(header, [c.value for c in sheet[3]]))
    m = data.results.means.iloc[0]
    label = data.results.questionnaires["literacy"].indicator("literacy_score").label["zh"]
    assert first["var"] in ("literacy_score", label) and first["estimate"] == pytest.approx(m["estimate"])
    assert first["se"] == pytest.approx(m["se"]) and first["ci_low"] == pytest.approx(m["ci_low"])


def test_dashboard_shows_literacy_dimensions_reach_and_the_mean(monkeypatch, tmp_path):
    import accounts

    monkeypatch.setattr(accounts.passwords, "SCRYPT_N", 2**10)  # cheap hashes, as the app tests
    monkeypatch.setenv("TCM_SURVEY_DB", f"sqlite:///{tmp_path / 'app.sqlite'}")  # never the checkout's data/
    monkeypatch.setenv("TCM_SURVEY_DATA", str(tmp_path))
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", "admin-password-1")
    monkeypatch.delenv("TCM_SURVEY_DEMO", raising=False)
    with Store.open() as store:
        ensure_first_admin(store)
        create_account(store, "eva", "evaluator", "evaluator-pass-1", actor="test")
        campaign = literacy_campaign(store, per_site=12, seed=4)
        results = collect(store, campaign.id).results
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
        at.session_state["lang"] = "zh"
        at.run()
        at.switch_page("app/pages/login.py").run()
        at.text_input(key="admin.login.username").input("eva")
        at.text_input(key="admin.login.password").input("evaluator-pass-1")
        next(b for b in at.button if b.label == "登录").click().run()
        at.switch_page("app/pages/dashboard.py").run()
        assert not at.exception, at.exception
        at.session_state["dash.view"] = "结果与判定"  # one view at a time
        at.run()
        assert not at.exception, at.exception
        headings = [s.value for s in at.subheader]
        for label in ("中医药健康文化素养水平 · 达标线 25%", "中医药公众适宜方法素养水平", "中医药健康文化知识信任率",
                      "中医药健康文化素养得分（得分率） · 以均值为官方口径"):
            assert any(h.startswith(label) for h in headings), (label, headings)
        overall = results.overall().set_index("var")
        rate_tables = [d.value for d in at.dataframe if "估计值" in d.value.columns]
        assert len(rate_tables) == len(RATES)
        assert rate_tables[0].iloc[0]["估计值"] == pct(overall.loc["literacy", "estimate"])
        m = results.means.iloc[0]
        (mean_table,) = [d.value for d in at.dataframe if "平均得分率" in d.value.columns]
        assert list(mean_table["范围"])[1:] == list(STRATA)
        assert mean_table.iloc[0]["平均得分率"] == pct(m["estimate"]) and mean_table.iloc[0]["标准误"] == pct(m["se"], 2)
        assert mean_table.iloc[0]["95%置信区间（双侧）"] == f"{pct(m['ci_low'])} – {pct(m['ci_high'])}"
        assert any(f"全县（区）平均得分率：{pct(m['estimate'])}" in str(e.value) for e in at.markdown)
        assert np.isfinite(float(m["se"]))
