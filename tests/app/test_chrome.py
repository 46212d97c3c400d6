"""Streamlit's own English on staff pages: hidden, or Chinese put in its place."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.chrome import chrome_css

ROOT = Path(__file__).resolve().parents[2]


def test_chinese_css_replaces_the_uploader_texts_and_hides_the_enter_hint(monkeypatch):
    monkeypatch.setattr("app.chrome.t", lambda key, **v: {"chrome.upload": "选择文件",
                                                          "chrome.upload_limit": "每个文件不超过 {mb}MB"}[key].format(**v))
    css = chrome_css("zh", 50)
    assert '[data-testid="InputInstructions"] { display: none; }' in css
    assert 'content: "选择文件"' in css and 'content: "每个文件不超过 50MB"' in css
    assert "stFileUploaderDropzoneInstructions" in css
    assert '[data-testid="stElementToolbar"] { display: none !important; }' in css  # grid and chart menus: English


def test_streamlits_own_upload_limit_is_the_apps_50_mb():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == 50


def test_english_keeps_streamlits_uploader_texts():
    css = chrome_css("en", 200)
    assert "InputInstructions" in css and "content:" not in css and "stElementToolbar" not in css


@pytest.mark.parametrize("page", ["app/pages/planner.py", "app/pages/login.py"])
def test_staff_pages_carry_the_css(page):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    html = [e.proto.body for e in at.get("html")]
    assert any("选择文件" in h and "InputInstructions" in h for h in html)
