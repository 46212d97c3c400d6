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
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"{streamlit_server.url}/preview")
    settle(page)
    page.get_by_text("居民中医药服务调查").first.wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "preview-resident-phone.png")
    assert page.get_by_text("中医药服务满意度").count() == 0
    # the gate question of the satisfaction section: answer "是" (yes)
    gate = page.locator("[data-testid='stRadio']").filter(has_text="最近12个月").first
    gate.get_by_text("是", exact=True).click()
    page.wait_for_timeout(1500)
    settle(page)
    full_screenshot(page, screenshot_dir / "preview-resident-used-tcm.png")
    assert page.locator("[data-testid='stRadio']").count() > 12
    page.close()
