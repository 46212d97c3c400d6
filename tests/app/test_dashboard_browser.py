"""Headless Chromium: an evaluator signs in, opens the dashboard, switches the weighting, uploads a
population table, downloads every export; an admin imports a file with bad rows. Screenshots of
each step are kept in ``artifacts/screenshots/`` for people to look at."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from accounts import create_account
from survey.demo import create_demo
from survey.campaign.keys import ENV_SECRET
from survey.storage import Store
from tests.conftest import full_screenshot, handed_off, settle, start_streamlit, stop_streamlit

from .respond_helpers import SECRET

pytestmark = pytest.mark.browser
PASSWORD = "evaluator-pass-1"
ADMIN_PASSWORD = "admin-password-1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("dashboard")
    db = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db) as store:
        create_account(store, "admin", "admin", ADMIN_PASSWORD, actor="test")
        create_account(store, "eva", "evaluator", PASSWORD, actor="test")
        campaign = create_demo(store, responses=300, seed=9).campaign
    started = start_streamlit(workdir, {"TCM_SURVEY_DB": db, ENV_SECRET: SECRET})
    started.db, started.campaign, started.workdir = db, campaign, workdir
    yield started
    stop_streamlit(started)




def sign_in(page, server, username: str, password: str) -> None:
    page.goto(f"{server.url}/login")
    settle(page)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    settle(page)
    page.get_by_text(f"已登录：{username}").wait_for(timeout=30_000)
    handed_off(page)  # the session cookie is set before any link is followed


def test_evaluator_dashboard_weighting_and_downloads(browser, server, screenshot_dir, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    sign_in(page, server, "eva", PASSWORD)
    page.get_by_role("link", name="评估看板").first.click()
    settle(page)
    page.get_by_text("下一步工作").wait_for(timeout=60_000)
    page.get_by_text("各乡镇（街道）进度").wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "dashboard-1-progress.png")

    page.get_by_role("tab", name="结果与判定").click()
    settle(page)
    page.get_by_text("达标线 90%").first.wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "dashboard-2-results-design.png")

    # switch the weighting: unweighted, then post-stratified to an uploaded table
    page.get_by_text("分析选项").click()
    page.get_by_text("不加权（每份问卷权重相同）").click()
    settle(page)
    page.get_by_text("达标线 90%").first.wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "dashboard-3-results-unweighted.png")

    with Store.open(server.db) as store:
        from analysis.campaign import load_campaign_data

        data = load_campaign_data(store, server.campaign.id)
    rows = data.table[data.table["questionnaire_id"] == "resident"]
    cells = rows.groupby(["stratum", "sex"]).size().reset_index(name="n")
    table = pd.DataFrame({"乡镇": cells["stratum"], "性别": cells["sex"].map({"male": "男", "female": "女"}),
                          "人口": cells["n"] * 900 + 11})
    population = tmp_path / "population.csv"
    table.to_csv(population, index=False, encoding="utf-8-sig")
    page.get_by_text("事后分层（按上传的人口数）").click()
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(population))
    settle(page)
    page.get_by_text("已读取人口数表").wait_for(timeout=60_000)
    full_screenshot(page, screenshot_dir / "dashboard-4-poststratified.png")

    page.get_by_role("tab", name="调查期间监测").click()
    settle(page)
    full_screenshot(page, screenshot_dir / "dashboard-5-watching.png")

    page.get_by_role("tab", name="报告与数据下载").click()
    settle(page)
    got = {}
    for make, label in (("生成 Excel 工作簿", "下载 Excel 工作簿"), ("生成 Word 报告", "下载 Word 报告"),
                        ("生成 PDF 报告（含图）", "下载 PDF 报告"), ("生成估计结果 CSV", "下载估计结果 CSV"),
                        ("生成“居民中医药服务调查”问卷数据 CSV", "下载“居民中医药服务调查”问卷数据 CSV")):
        assert page.get_by_role("button", name=label).count() == 0  # made only when asked for
        page.get_by_role("button", name=make).click()
        settle(page)
        page.get_by_role("button", name=label).wait_for(timeout=120_000)
        settle(page)  # the run that made the file has ended: the download is clicked on the page as drawn
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label).click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        got[label] = path.read_bytes()
    full_screenshot(page, screenshot_dir / "dashboard-6-downloads.png")
    assert got["下载 PDF 报告"].startswith(b"%PDF")
    assert got["下载 Word 报告"].startswith(b"PK")
    book = openpyxl.load_workbook(io.BytesIO(got["下载 Excel 工作簿"]), read_only=True)
    design = {r[1]: r[2] for r in book["设计说明"].iter_rows(min_row=3, values_only=True)}  # 项目（中文）, item, value
    assert book.sheetnames[0] == "结果汇总"
    assert design["weighting"] == "poststratify"  # the files follow the choices on the page
    assert got["下载估计结果 CSV"].startswith(b"\xef\xbb\xbf")
    responses = pd.read_csv(io.BytesIO(got["下载“居民中医药服务调查”问卷数据 CSV"]), encoding="utf-8-sig")
    assert len(responses) == len(rows)
    page.close()


def test_admin_imports_a_file_with_bad_rows(browser, server, screenshot_dir, tmp_path):
    from analysis.report import collect
    from analysis.report.data import responses_frame
    from analysis.report.exports import csv_bytes
    from survey.questionnaire.catalog import shipped_questionnaires

    resident = shipped_questionnaires()["resident"]
    with Store.open(server.db) as store:
        exported = responses_frame(collect(store, server.campaign.id), "resident")
        before = sum(store.response_counts(server.campaign.id).values())
    good = exported.head(5).copy()
    good["response_id"] = range(90001, 90006)  # new respondents, same answers
    bad = good.head(3).copy()
    bad["response_id"] = range(90101, 90104)
    bad.loc[bad.index[0], "site"] = "09Z"  # unknown site
    bad.loc[bad.index[1], "sex"] = "不详"  # an answer text with no choice
    bad.loc[bad.index[2], "age_group"] = None  # a required answer missing
    labels = {q.id: q.label["zh"] for q in resident.questions}
    bad = bad.rename(columns={"sex": labels["sex"], "age_group": labels["age_group"]})

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, server, "admin", ADMIN_PASSWORD)
    page.get_by_role("link", name="导入问卷数据").first.click()
    settle(page)
    upload = tmp_path / "bad.csv"
    upload.write_bytes(csv_bytes(bad))
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(upload))
    settle(page)
    page.get_by_text("3. 校验结果").wait_for(timeout=60_000)
    page.get_by_text("问题清单").wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "import-1-bad-rows.png")
    assert page.get_by_role("button", name="导入").count() == 0  # nothing to import: every row was rejected

    upload = tmp_path / "good.csv"
    upload.write_bytes(csv_bytes(good))
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(upload))
    settle(page)
    # new respondents with a stored response's answers: kept (and flagged as warnings for the admin to look at)
    page.get_by_text("我已核对校验结果").wait_for(timeout=60_000)
    page.get_by_text("我已核对校验结果").click()
    settle(page)
    page.get_by_role("button", name="导入").click()
    settle(page)
    page.get_by_text("已导入 5 份问卷").wait_for(timeout=60_000)
    full_screenshot(page, screenshot_dir / "import-2-imported.png")
    with Store.open(server.db) as store:
        assert sum(store.response_counts(server.campaign.id).values()) == before + 5
    page.close()


def test_item_analysis_tab_on_a_phone(browser, server, screenshot_dir):
    from .test_review_browser import open_page

    page = browser.new_page(viewport={"width": 360, "height": 780}, device_scale_factor=2)
    sign_in(page, server, "eva", PASSWORD)
    open_page(page, "评估看板")
    page.get_by_text("下一步工作").wait_for(timeout=60_000)
    collapse = page.get_by_test_id("stSidebarCollapseButton").locator("button")
    if page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "false" and collapse.count():
        collapse.first.click(force=True)
    page.get_by_role("tab", name="题目分析").click()
    settle(page)
    page.get_by_text("内部一致性 α").first.wait_for(timeout=60_000)
    full_screenshot(page, screenshot_dir / "dashboard-7-items-360.png")
