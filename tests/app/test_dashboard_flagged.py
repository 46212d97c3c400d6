"""The dashboard of a campaign whose only responses are flagged (awaiting review): every tab works,
and one failing panel never hides the others (issue 22 major 1, issue 23 item 3)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from accounts import create_account

from dataclasses import replace

from survey.questionnaire.loader import parse_questionnaire_text
from survey.storage import Store

from ..analysis import integrity_data
from ..survey.storage.helpers import MINI
from .respond_helpers import ROOT, SECRET, make_files, open_view

PASSWORD = "evaluator-pass-1"


@pytest.fixture
def store(monkeypatch, tmp_path):
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", "admin-password-1")
    monkeypatch.delenv("TCM_SURVEY_DEMO", raising=False)
    opened = Store.open(f"sqlite:///{tmp_path / 'app.sqlite'}", secret=integrity_data.SECRET)
    first, second = integrity_data.mini(), parse_questionnaire_text(
        MINI.replace("id: mini", "id: mini2").replace("小问卷", "第二问卷"), source="<mini2>")
    sites = [replace(s, quotas={"mini": 30, "mini2": 30}) for s in integrity_data.site_specs()]
    campaign = opened.create_campaign(integrity_data.spec(), [first, second], sites, actor="test")
    honest = integrity_data.submissions(second, 0)  # the second questionnaire: honest answers only
    fast = [s for s in integrity_data.submissions(first, 3) if s.nonce.startswith("fake-")]  # the first: only flagged
    opened.submit_batch(campaign.id, honest + fast)
    from accounts import ensure_first_admin

    ensure_first_admin(opened)
    create_account(opened, "eva", "evaluator", PASSWORD, actor="test")
    yield opened
    opened.close()


def signed_in(username: str = "eva") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page("app/pages/login.py").run()
    at.text_input(key="admin.login.username").input(username)
    at.text_input(key="admin.login.password").input(PASSWORD)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    kinds = ("title", "markdown", "caption", "error", "success", "info", "warning", "subheader")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def test_every_tab_works_while_every_response_awaits_review(store):
    at = signed_in()
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    shown = texts(at)
    assert "小问卷" in shown and "第二问卷" in shown  # the progress tab
    open_view(at, "结果与判定")
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = texts(at)
    assert "满意率 · 达标线 90%" in shown  # the results tab
    assert "“小问卷”的 3 份问卷都待审核" not in shown
    assert "知晓率的 3 份问卷都待审核：排除后没有可用的问卷，暂无判定" in shown
    assert "—–—" not in shown and "None的" not in shown  # the county named, not None
    open_view(at, "调查期间监测")
    watch = next(d.value for d in at.dataframe if d.value.columns[0] == "范围" or "全县（区）" in list(d.value.iloc[:, 0]))
    assert "全县（区）" in list(watch.iloc[:, 0])
    for view in ("题目分析", "报告与数据下载"):
        open_view(at, view)
        assert not at.exception and not at.error, (view, [e.value for e in at.error])
    assert at.button(key="dash.export.make.xlsx")  # the download tab
    at.checkbox(key="dash.exclude_flagged").check().run()  # the flagged left out: the first questionnaire is empty
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(make_files(at)) == 6  # workbook, Word, PDF, estimates, one CSV per questionnaire
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(at.get("download_button")) == 6


def test_one_failing_panel_leaves_the_others(store, monkeypatch):
    import app.quality_panel

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003
        raise ValueError("cannot convert float NaN to integer")

    monkeypatch.setattr(app.quality_panel, "render_sensitivity", broken)
    at = signed_in()
    at.switch_page("app/pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert not at.error and "下一步工作" in texts(at)  # the progress
    open_view(at, "结果与判定")
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "编号" in at.error[0].value  # the incident number, in the panel's place
    assert "满意率 · 达标线 90%" in texts(at)  # the results
    open_view(at, "报告与数据下载")
    assert not at.error and at.button(key="dash.export.make.xlsx")
