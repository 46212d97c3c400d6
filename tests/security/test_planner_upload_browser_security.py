"""Headless Chromium on the public planner page (no login): it takes no file at all (issue 23
item 2: uploads are for signed-in staff; the zip-bomb reader checks are in
test_upload_limits_security.py), and a pasted frame over the public row limit is refused with a
Chinese message, and the page keeps working."""

from __future__ import annotations

import pytest

from tests.conftest import full_screenshot, settle

pytestmark = pytest.mark.browser
WECHAT = ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 "
          "Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F30) NetType/WIFI Language/zh_CN")


def _paste(page, server, text: str) -> None:
    page.goto(f"{server.url}/planner")
    settle(page)
    page.get_by_text("粘贴抽样框表格").click()
    settle(page)
    box = page.get_by_label("从 Excel 复制后粘贴", exact=False)
    box.wait_for(timeout=30_000)
    # as a paste does: the whole text at once (typing 280 kB key by key would take minutes)
    box.evaluate("(el, text) => { Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(el, text);"
                 " el.dispatchEvent(new Event('input', {bubbles: true})); }", text)
    box.focus()
    page.keyboard.press("Control+Enter")
    settle(page)


def test_public_planner_takes_no_file_security(browser, streamlit_server, screenshot_dir):
    page = browser.new_page(viewport={"width": 360, "height": 780}, user_agent=WECHAT)
    page.goto(f"{streamlit_server.url}/planner")
    settle(page)
    page.get_by_text("粘贴抽样框表格").wait_for(timeout=30_000)
    assert page.get_by_text("上传本地抽样框（CSV 或 Excel）").count() == 0
    assert page.locator("[data-testid='stFileUploaderDropzoneInput']").count() == 0
    page.close()


def test_public_planner_refuses_more_rows_than_the_public_limit_security(browser, streamlit_server, screenshot_dir):
    text = "街镇,编码,人口\n" + "".join(f"城关镇,{i},100\n" for i in range(20_001))
    page = browser.new_page(viewport={"width": 360, "height": 780}, user_agent=WECHAT)
    _paste(page, streamlit_server, text)
    page.get_by_text("行数超过上限").wait_for(timeout=30_000)
    page.get_by_text("20,000").first.wait_for(timeout=5_000)
    assert page.get_by_text("Traceback").count() == 0
    full_screenshot(page, screenshot_dir / "security-planner-row-limit.png")
    page.close()
