"""Headless Chromium on the public planner page (no login): a zip-bomb workbook and a frame over
the public row limit are refused with a Chinese message, and the page keeps working."""

from __future__ import annotations

import pytest

from tests.conftest import full_screenshot, settle
from tests.security.workbooks import zip_bomb

pytestmark = pytest.mark.browser
WECHAT = ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 "
          "Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F30) NetType/WIFI Language/zh_CN")


def _upload(page, server, path) -> None:
    page.goto(f"{server.url}/planner")
    settle(page)
    page.get_by_text("上传本地抽样框（CSV 或 Excel）").click()
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
    settle(page)


def test_public_planner_refuses_a_zip_bomb_security(browser, streamlit_server, screenshot_dir, tmp_path):
    bomb = tmp_path / "frame.xlsx"
    bomb.write_bytes(zip_bomb(60))
    page = browser.new_page(viewport={"width": 360, "height": 780}, user_agent=WECHAT)
    _upload(page, streamlit_server, bomb)
    page.get_by_text("Excel 文件解压后太大").wait_for(timeout=30_000)
    assert page.get_by_text("Traceback").count() == 0
    full_screenshot(page, screenshot_dir / "security-planner-zip-bomb.png")
    page.close()


def test_public_planner_refuses_more_rows_than_the_public_limit_security(browser, streamlit_server, screenshot_dir, tmp_path):
    frame = tmp_path / "big.csv"
    frame.write_text("街镇,编码,人口\n" + "".join(f"城关镇,{i},100\n" for i in range(20_001)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 360, "height": 780}, user_agent=WECHAT)
    _upload(page, streamlit_server, frame)
    page.get_by_text("行数超过上限").wait_for(timeout=30_000)
    page.get_by_text("20,000").first.wait_for(timeout=5_000)
    full_screenshot(page, screenshot_dir / "security-planner-row-limit.png")
    page.close()
