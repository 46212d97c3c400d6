"""A complaint end to end in Debian's Chromium at 360 px: a resident writes a complaint, sees the
bureau's hotline, ticks the reply consent, leaves a phone number; an administrator opens
意见与投诉, marks it handled with a note. Screenshots in artifacts/screenshots/complaint-*.png."""

from __future__ import annotations

import pytest

from survey.storage import Store
from tests.app.respond_helpers import PHONE, SECRET, make_campaign
from tests.conftest import full_screenshot, settle, start_streamlit, stop_streamlit

from ..test_review_browser import open_page
from .browser_helpers import axe_violations, complete, phone
from .test_browser_form import form_url, resident_answers

pytestmark = pytest.mark.browser
ADMIN_PASSWORD = "admin-password-1"
COMPLAINT = "中医馆周六不开门，挂号要排一个多小时，希望改进"
MOBILE = "13977012345"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("complaint")
    db_url = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db_url) as store:
        campaign = make_campaign(store)
    started = start_streamlit(workdir, {"TCM_SURVEY_SECRET": SECRET, "TCM_SURVEY_ADMIN_PASSWORD": ADMIN_PASSWORD})
    started.db_url, started.campaign = db_url, campaign
    yield started
    stop_streamlit(started)


def fold_sidebar(page) -> None:  # noqa: ANN001
    """On a phone the sidebar covers the page after a link is followed: fold it away."""
    collapse = page.get_by_test_id("stSidebarCollapseButton").locator("button")
    if page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "false" and collapse.count():
        collapse.first.click(force=True)
        page.wait_for_function("document.querySelector('[data-testid=stSidebar]').getAttribute('data-collapsed') === 'true'")


def test_a_complaint_with_a_reply_number_is_handled_in_the_office(browser, server, screenshot_dir):
    context = phone(browser, 360)
    page = context.new_page()
    page.goto(form_url(server))
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button.primary").click()
    complete(page, {**resident_answers(61), "suggestions": COMPLAINT})
    page.wait_for_selector("#thanks")
    main = page.inner_text("main")
    assert "柳南区卫生健康局电话：" + PHONE in main and "希望我们回复您吗" in main
    assert not page.locator("#reply-phone").is_visible()  # the number is asked only after its own consent
    page.screenshot(path=str(screenshot_dir / "complaint-1-thanks-360.png"), full_page=True)
    assert not axe_violations(page)

    page.locator("#reply label.consent").click()
    page.locator("#reply-phone").fill("139 7701 2345")
    page.screenshot(path=str(screenshot_dir / "complaint-2-consent-phone-360.png"), full_page=True)
    with page.expect_navigation():
        page.locator("#reply button[value=reply]").click()
    page.wait_for_selector("#reply-sent")
    page.screenshot(path=str(screenshot_dir / "complaint-3-sent-360.png"), full_page=True)
    assert not axe_violations(page)
    context.close()
    with Store.open(server.db_url) as store:
        (complaint,) = store.complaints(server.campaign.id)
        assert (complaint.text, complaint.phone, complaint.status) == (COMPLAINT, MOBILE, "open")

    office = browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=2)
    page = office.new_page()
    page.goto(f"{server.url}/login")
    settle(page)
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="登录").click()
    settle(page)
    page.get_by_text("已登录：admin").wait_for(timeout=30_000)
    open_page(page, "意见与投诉")
    page.get_by_text("意见、建议与投诉").first.wait_for(timeout=60_000)
    settle(page)
    fold_sidebar(page)
    full_screenshot(page, screenshot_dir / "complaint-4-office-open-360.png")
    page.get_by_label("处理情况（如：已电话回复、已转医院整改）").fill("已电话回复：周六上午增开中医门诊")
    page.get_by_role("button", name="标为已处理").click()
    settle(page)
    page.get_by_text(f"已将问卷 {complaint.response_id} 的意见标为已处理。").wait_for(timeout=60_000)
    page.get_by_test_id("stButtonGroup").get_by_text("已处理", exact=True).click()  # the list of handled ones
    settle(page)
    full_screenshot(page, screenshot_dir / "complaint-5-office-handled-360.png")
    office.close()
    with Store.open(server.db_url) as store:
        (done,) = store.complaints(server.campaign.id)
        assert (done.status, done.handled_by, done.note) == ("handled", "admin", "已电话回复：周六上午增开中医门诊")
        log = store.audit_log(server.campaign.id, actions=["complaint.handled"])
        assert [(e.actor, e.response_id) for e in log] == [("admin", complaint.response_id)]
