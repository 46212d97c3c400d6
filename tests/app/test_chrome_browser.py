"""Headless Chromium: an admin in Chinese visits every desk page and sees none of Streamlit's own
English chrome (table and chart toolbars, uploader, input hints, sidebar, error boxes), neither in
the visible text nor in the labels and tooltips of what is visible, also with the pointer over
every table and chart. Screenshots at desktop width and at 360 px go to ``artifacts/screenshots/``."""

from __future__ import annotations

import re

import pytest

from accounts import create_account
from survey.campaign.keys import ENV_SECRET
from survey.demo import create_demo
from survey.storage import Store
from tests.conftest import full_screenshot, handed_off, settle, start_streamlit, stop_streamlit

from .respond_helpers import SECRET

pytestmark = pytest.mark.browser
ADMIN_PASSWORD = "admin-password-1"

# url path -> a text the page shows once drawn (its title)
DESK_PAGES = {
    "home": None, "preview": None, "planner": "抽样规划", "campaigns": None, "dashboard": None, "review": None,
    "complaints": None, "audit": None, "new-campaign": "新建调查活动", "sites": None, "households": None,
    "import": None, "surveyor": None, "users": None, "login": None,
}

# Streamlit 1.67's frontend words (static/static/js: DataFrame, ArrowVegaLiteChart, FileUploader,
# InputInstructions, index: sidebar nav "View N more", toolbar "Deploy"/"Rerun", "Page not found").
ENGLISH_CHROME = re.compile(
    r"Show/hide columns|Download as CSV|\bSearch\b|\bFullscreen\b|Close fullscreen|Show data|Download as PNG|"
    r"\bUpload\b|\d+\s*MB per file|Press Enter to|View \d* ?more|View less|\bDeploy\b|\bRerun\b|Page not found|"
    r"Drag and drop|Select all|Open in Vega Editor|Save as (SVG|PNG)|No options to select|Choose (an )?options?\b|"
    r"Add (an )?options?\b"
)

# Visible text and the labels/tooltips of visible elements (an element with font-size 0 or
# hidden by CSS does not count: the uploader keeps its English for screen readers that way).
VISIBLE = """
(root) => {
  const shown = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && parseFloat(getComputedStyle(el).fontSize) > 0;
  };
  const out = [];
  const walker = document.createTreeWalker(root || document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    if (text && n.parentElement && !['SCRIPT', 'STYLE'].includes(n.parentElement.tagName) && shown(n.parentElement))
      out.push('text: ' + text);
  }
  // a placeholder shows only in an empty input (a select showing its chosen value is not empty)
  const empty = (el) => !el.value && !((el.closest('[data-baseweb="select"]') || {}).innerText || '').trim();
  for (const el of (root || document.body).querySelectorAll('[aria-label], [title], [placeholder], [data-tooltip]')) {
    if (!shown(el)) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'data-tooltip'])
      if (el.getAttribute(a) && (a !== 'placeholder' || empty(el))) out.push(a + ': ' + el.getAttribute(a));
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("chrome")
    db = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db) as store:
        create_account(store, "admin", "admin", ADMIN_PASSWORD, actor="test")
        create_demo(store, responses=120, seed=5)
    started = start_streamlit(workdir, {"TCM_SURVEY_DB": db, ENV_SECRET: SECRET})
    yield started
    stop_streamlit(started)


def sign_in(page, server) -> None:
    page.goto(f"{server.url}/login")
    settle(page)
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="登录").click()
    settle(page)
    page.get_by_text("已登录：admin").wait_for(timeout=60_000)
    handed_off(page)  # the session cookie is set: the pages below are opened by address


def drawn(page) -> None:
    """Wait until the page's main column shows some text and every element is drawn."""
    page.wait_for_function("(document.querySelector('[data-testid=\"stMain\"]')?.innerText || '').trim().length > 10",
                           timeout=60_000)
    # widgets whose code is still loading show grey placeholders: wait for the real ones, until the
    # page stops changing (the same markup twice, a second apart)
    page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"], [data-testid=\"stSkeletonElement\"]')",
                           timeout=60_000)
    before = None
    for _ in range(60):
        now = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').innerHTML.length + ':' + "
                            "document.querySelectorAll('[data-testid=\"stMain\"] canvas, [data-testid=\"stMain\"] svg').length")
        if now == before:
            break
        before = now
        page.wait_for_timeout(1000)


def english(page, selector: str | None = None) -> list[str]:
    """The visible texts and labels (under ``selector``, else the page) with Streamlit's English."""
    roots = page.query_selector_all(selector) if selector else [None]
    found = []
    for root in roots:
        items = page.evaluate(VISIBLE, root)
        found += [item for item in items if ENGLISH_CHROME.search(item)]
    return found


def hover_everything(page) -> list[str]:
    """Point at every table and chart, then at each button of the toolbar that appears; the English found."""
    found = []
    for box in page.query_selector_all('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"], '
                                       '[data-testid="stArrowVegaLiteChart"], [data-testid="stTable"]'):
        if not box.is_visible():
            continue
        box.scroll_into_view_if_needed()
        box.hover()
        page.wait_for_timeout(300)
        found += english(page, '[data-testid="stElementToolbar"]')
        for button in page.query_selector_all('[data-testid="stElementToolbar"] button'):
            if button.is_visible():
                button.hover()
                page.wait_for_timeout(200)
                found += english(page, '[role="tooltip"], [data-baseweb="tooltip"], [data-testid="stTooltipContent"]')
    return found


def test_every_desk_page_in_chinese_is_free_of_streamlits_english(browser, server, screenshot_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server)
    problems: dict[str, list[str]] = {}
    for path, title in DESK_PAGES.items():
        page.goto(f"{server.url}/{path}")
        settle(page)
        drawn(page)
        if title:
            page.get_by_text(title).first.wait_for(timeout=60_000)
        found = english(page) + hover_everything(page)
        if found:
            problems[path] = sorted(set(found))
        if path in ("planner", "new-campaign", "review"):
            full_screenshot(page, screenshot_dir / f"chrome-{path}-desktop.png")
    assert not problems, problems
    context.close()


def test_desk_pages_at_phone_width(browser, server, screenshot_dir):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    sign_in(page, server)
    problems: dict[str, list[str]] = {}
    for path in ("planner", "new-campaign", "review"):
        page.goto(f"{server.url}/{path}")
        settle(page)
        drawn(page)
        found = english(page)
        if found:
            problems[path] = sorted(set(found))
        full_screenshot(page, screenshot_dir / f"chrome-{path}-360.png")
    assert not problems, problems
    context.close()
