"""Headless Chromium on a 360 px phone: the dashboard's results table keeps its 判定 (verdict)
column on screen (right after the place, both pinned), and the next steps read as grouped lines.
Screenshots are kept in ``artifacts/screenshots/``."""

from __future__ import annotations

import pytest

from accounts import create_account
from survey.campaign.keys import ENV_SECRET
from survey.demo import create_demo
from survey.storage import Store
from tests.conftest import full_screenshot, handed_off, settle, start_streamlit, stop_streamlit

from .respond_helpers import SECRET

pytestmark = pytest.mark.browser
PASSWORD = "evaluator-pass-1"
VERDICT_TIP = "判定："  # the 判定 column's help, shown when the pointer is over its header


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("dashboard360")
    db = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db) as store:
        create_account(store, "eva", "evaluator", PASSWORD, actor="test")
        create_demo(store, responses=300, seed=9)
    started = start_streamlit(workdir, {"TCM_SURVEY_DB": db, ENV_SECRET: SECRET})
    yield started
    stop_streamlit(started)


def header_xs(page, grid) -> list[float]:  # noqa: ANN001
    """The x positions (page pixels, 6 px apart) along the grid's header row where the pointer
    shows the 判定 column's help: the header's box as the browser draws it."""
    box = grid.bounding_box()
    found = []
    x = box["x"] + 2
    while x < min(box["x"] + box["width"], page.viewport_size["width"]) - 1:
        page.mouse.move(x, box["y"] + 18)
        page.wait_for_timeout(150)
        tip = page.locator("[data-testid='stDataFrameTooltipContent']")
        if tip.count() and VERDICT_TIP in tip.first.inner_text():
            found.append(x)
        x += 6
    return found


def test_the_verdict_column_stays_on_a_360_px_screen(browser, server, screenshot_dir):
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(f"{server.url}/login")
    settle(page)
    page.get_by_label("用户名").fill("eva")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    settle(page)
    page.get_by_text("已登录：eva").wait_for(timeout=30_000)
    handed_off(page)  # the session cookie is set: a new address stays signed in
    page.goto(f"{server.url}/dashboard")
    settle(page)
    page.get_by_text("下一步工作").wait_for(timeout=60_000)
    assert page.get_by_text("以下 ").count() > 0  # grouped lines ("以下 3 个调查点…"), not one per site
    full_screenshot(page, screenshot_dir / "dashboard-360-1-progress.png")

    page.get_by_role("tab", name="结果与判定").click()
    settle(page)
    page.get_by_text("达标线 90%").first.wait_for(timeout=30_000)
    page.wait_for_timeout(2000)
    settle(page)
    grids = page.locator("[data-testid='stDataFrame']")
    headers = "(e) => Array.from(e.querySelectorAll('[role=columnheader]')).map(h => h.textContent)"
    index = next(i for i in range(grids.count()) if "估计值" in grids.nth(i).evaluate(headers))
    grid = grids.nth(index)
    assert grid.evaluate(headers)[:2] == ["范围", "判定"]  # the verdict right after the place
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(1000)
    xs = header_xs(page, grid)
    page.screenshot(path=str(screenshot_dir / "dashboard-360-2-results.png"))
    assert xs, "the 判定 header is not under the pointer anywhere on a 360 px screen"
    assert max(xs) < 360 - 8  # its whole box is on screen: the pointer leaves it before the edge
    page.mouse.move(xs[len(xs) // 2], grid.bounding_box()["y"] + 18)
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_dir / "dashboard-360-2-results.png"))
    page.close()
