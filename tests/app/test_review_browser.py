"""Headless Chromium at phone width: an admin opens the review queue, excludes the responses
one phone sent in a row with a reason, and sees the dashboard's verdicts with and without them.
Screenshots of each step go to ``artifacts/screenshots/``."""

from __future__ import annotations

import pytest

from accounts import create_account
from survey.campaign.keys import ENV_SECRET
from survey.storage import Store
from tests.conftest import full_screenshot, handed_off, settle, start_streamlit, stop_streamlit

from ..analysis.integrity_data import build
from .respond_helpers import SECRET

pytestmark = pytest.mark.browser
PASSWORD = "admin-pass-1"
WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2185A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0 "
          "Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) NetType/WIFI Language/zh_CN")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("review")
    db = f"sqlite:///{workdir / 'app.sqlite'}"
    store, campaign_id = build(db)
    create_account(store, "wang", "admin", PASSWORD, actor="test")  # reviewing is an admin's (issue 23 item 9)
    store.close()
    started = start_streamlit(workdir, {"TCM_SURVEY_DB": db, ENV_SECRET: SECRET})
    started.db, started.campaign_id = db, campaign_id
    yield started
    stop_streamlit(started)


def open_page(page, name: str) -> None:
    """Follow a sidebar link (a new URL would start a new session, signed out): on a phone the
    sidebar is folded away first."""
    handed_off(page)
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():
        expand.click()
        page.wait_for_timeout(1000)
    page.get_by_role("link", name=name).first.click()
    settle(page)


def test_review_queue_on_a_phone(browser, server, screenshot_dir):
    context = browser.new_context(viewport={"width": 360, "height": 780}, user_agent=WECHAT, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{server.url}/login")
    settle(page)
    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    settle(page)
    page.get_by_text("已登录：wang").wait_for(timeout=30_000)
    open_page(page, "问卷质量审核")
    page.get_by_text("问卷质量审核").first.wait_for(timeout=60_000)
    page.get_by_text("处理上表全部 30 份").wait_for(timeout=60_000)
    settle(page)
    full_screenshot(page, screenshot_dir / "review-1-queue-360.png")

    page.get_by_text("处理上表全部 30 份").click()
    page.get_by_label("理由（必填，记入审核日志）").fill("同一手机一分钟内连续提交，电话回访无人应答")
    page.get_by_role("button", name="排除出分析").click()
    settle(page)
    page.get_by_text("已记录：30 份问卷 排除").wait_for(timeout=60_000)
    full_screenshot(page, screenshot_dir / "review-2-excluded-360.png")
    with Store.open(server.db) as store:
        assert len(store.reviews(server.campaign_id)) == 30
        assert {(e.action, e.actor) for e in store.audit_log(server.campaign_id, actions=["review.excluded", "review.approved"])} == {("review.excluded", "wang")}
        assert len(store.responses(server.campaign_id)) == 150  # nothing deleted

    page.locator("summary", has_text="审核日志").click()
    settle(page)
    full_screenshot(page, screenshot_dir / "review-3-audit-log-360.png")

    open_page(page, "评估看板")
    page.get_by_role("tab", name="结果与判定").click()
    settle(page)
    page.get_by_text("结论是否取决于可疑问卷").wait_for(timeout=60_000)
    page.get_by_text("共 150 份问卷，被标记 30 份，待审核 0 份，已排除 30 份。").wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "review-4-dashboard-sensitivity-360.png")
    context.close()
