"""The home page and the preview in real headless Chromium, with screenshots kept as artifacts."""

from __future__ import annotations

import pytest

from tests.conftest import full_screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}




def test_home_renders_in_chinese_and_switches_to_english(browser, streamlit_server, screenshot_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(streamlit_server.url)
    settle(page)
    page.get_by_text("基层中医药调查工具").first.wait_for(timeout=30_000)
    page.get_by_text("居民中医药服务调查").first.wait_for(timeout=30_000)
    page.get_by_text("钦州市").first.wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "home-zh.png")
    page.get_by_text("English", exact=True).first.click()
    page.get_by_text("TCM survey toolkit").first.wait_for(timeout=30_000)
    page.get_by_text("Qinzhou").first.wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "home-en.png")
    page.close()


def test_preview_on_a_phone_with_live_skip_logic(browser, streamlit_server, screenshot_dir):
    from tests.app.web.browser_helpers import axe_violations, phone

    context = phone(browser, 390)
    page = context.new_page()
    page.goto(f"{streamlit_server.url}/form/preview/resident")
    assert page.title() == "居民中医药服务调查"
    page.screenshot(path=str(screenshot_dir / "preview-resident-phone.png"), full_page=True)
    satisfaction = page.locator("section.part[data-section='satisfaction']")
    assert satisfaction.is_hidden()
    page.locator("#q-used_tcm label.choice:has(input[value='yes'])").click()
    assert satisfaction.is_visible() and page.locator("#q-overall_satisfaction").is_hidden()
    page.locator("#q-sat_site label.choice:has(input[value='township_centre'])").click()
    assert page.locator("#q-overall_satisfaction").is_visible()  # rated only for a visit in the county
    assert "正确答案：" not in page.inner_text("main")
    assert not axe_violations(page)
    page.screenshot(path=str(screenshot_dir / "preview-resident-used-tcm.png"), full_page=True)
    context.close()


def test_preview_page_frames_the_form_renderer(browser, streamlit_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{streamlit_server.url}/preview")
    settle(page)
    frame = page.frame_locator("iframe").first
    frame.locator("#q-age_group").wait_for(timeout=30_000)
    page.close()


def test_streamlit_pages_fetch_nothing_from_other_hosts_and_show_our_icon(browser, streamlit_server):
    from urllib.parse import urlsplit

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(streamlit_server.url)
    settle(page)
    page.get_by_text("基层中医药调查工具").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    hosts = {urlsplit(u).netloc for u in requested if not u.startswith(("data:", "blob:"))}
    assert hosts == {urlsplit(streamlit_server.url).netloc}, sorted(u for u in requested if streamlit_server.url not in u)
    icon = page.evaluate("(document.querySelector('link[rel~=icon]') || {}).href || ''")
    assert icon.startswith(streamlit_server.url) and "gstatic" not in icon and "googleapis" not in icon, icon
    assert page.title() != "Streamlit"
    page.close()
