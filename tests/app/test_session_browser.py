"""Headless Chromium: an admin page survives a reload and a bookmark (the signed HttpOnly session
cookie of app.web.session, set by POST /desk/session); a disabled account is out after a reload;
signing out deletes the cookie; an unknown address says in Chinese where to go (issue 22 major 4)."""

from __future__ import annotations

import pytest

from accounts import create_account
from survey.campaign.keys import ENV_SECRET
from survey.demo import create_demo
from survey.storage import Store
from tests.conftest import full_screenshot, settle, start_streamlit, stop_streamlit

from .respond_helpers import SECRET

pytestmark = pytest.mark.browser
PASSWORD = "evaluator-pass-1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("session")
    db = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db) as store:
        create_account(store, "eva", "evaluator", PASSWORD, actor="test")
        create_account(store, "ivy", "evaluator", PASSWORD, actor="test")
        create_demo(store, responses=40, seed=3)
    started = start_streamlit(workdir, {"TCM_SURVEY_DB": db, ENV_SECRET: SECRET})
    started.db = db
    yield started
    stop_streamlit(started)


def sign_in(page, server, username: str, next_page: str | None = None) -> None:
    page.goto(f"{server.url}/login" + (f"?next={next_page}" if next_page else ""))
    settle(page)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_function("document.cookie !== undefined")
    settle(page)


def session_cookie(page, wait: float = 30.0) -> dict | None:
    """The session cookie, waiting up to ``wait`` seconds for the login page's handoff to set it."""
    import time

    deadline = time.monotonic() + wait
    while True:
        found = next((c for c in page.context.cookies() if c["name"] == "tcm_session"), None)
        if found is not None or time.monotonic() > deadline:
            return found
        page.wait_for_timeout(200)


def test_an_admin_page_survives_a_reload_and_a_bookmark(browser, server, screenshot_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server, "eva")
    page.get_by_text("已登录：eva").wait_for(timeout=60_000)
    cookie = session_cookie(page)
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.goto(f"{server.url}/dashboard")  # a bookmark, in the same browser
    settle(page)
    page.get_by_text("下一步工作").wait_for(timeout=60_000)
    page.reload()
    settle(page)
    page.get_by_text("下一步工作").wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    full_screenshot(page, screenshot_dir / "session-1-dashboard-after-reload.png")
    # a new tab of the same browser: still signed in
    other = context.new_page()
    other.goto(f"{server.url}/review")
    settle(other)
    other.get_by_text("问卷质量审核").first.wait_for(timeout=60_000)
    # sign out: the cookie is gone, a reload of the dashboard asks to sign in
    page.goto(f"{server.url}/login")
    settle(page)
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for(timeout=60_000)
    assert session_cookie(page, wait=0) is None
    page.goto(f"{server.url}/dashboard")
    settle(page)
    page.get_by_text("需要登录后才能打开").wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    full_screenshot(page, screenshot_dir / "session-2-bookmark-signed-out.png")
    context.close()


def test_a_bookmark_signs_in_and_returns_and_a_disabled_account_is_out_after_a_reload(browser, server, screenshot_dir):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.goto(f"{server.url}/dashboard")
    settle(page)
    page.get_by_text("需要登录后才能打开").wait_for(timeout=60_000)
    full_screenshot(page, screenshot_dir / "session-3-bookmark-phone.png")
    page.get_by_role("link", name="管理员登录").last.click()
    settle(page)
    page.get_by_label("用户名").fill("ivy")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard", timeout=60_000)
    settle(page)
    page.get_by_text("下一步工作").wait_for(timeout=60_000)
    with Store.open(server.db) as store:
        from accounts import set_active

        set_active(store, "ivy", False, actor="test")
    page.reload()
    settle(page)
    page.get_by_text("需要登录后才能打开").wait_for(timeout=60_000)
    assert page.get_by_text("下一步工作").count() == 0
    context.close()


def test_an_unknown_address_says_where_to_go(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/no-such-page")
    settle(page)
    page.get_by_text("这个地址没有对应的页面").wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    page.close()
