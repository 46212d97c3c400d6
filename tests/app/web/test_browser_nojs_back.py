"""Back after the thank-you page in Chromium without JavaScript (a phone in WeChat, 360 px): the
thank-you page again, never the form and never "Confirm Form Resubmission"; one row stored."""

from __future__ import annotations

import numpy as np
import pytest

from survey.collect.simulate import simulate_answers
from survey.questionnaire.catalog import shipped_questionnaires
from survey.storage import Store
from tests.app.respond_helpers import SECRET, make_campaign, token_for
from tests.conftest import start_streamlit, stop_streamlit

from .browser_helpers import answer_visible, phone, rows

pytestmark = pytest.mark.browser
RESIDENT = shipped_questionnaires()["resident"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("nojs-back")
    db_url = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db_url) as store:
        campaign = make_campaign(store)
    started = start_streamlit(workdir, {"TCM_SURVEY_SECRET": SECRET, "TCM_SURVEY_ADMIN_PASSWORD": "admin-password-1"})
    started.db_url, started.campaign = db_url, campaign
    yield started
    stop_streamlit(started)


def test_back_from_the_thank_you_page_without_javascript_shows_it_again(browser, server, screenshot_dir):
    context = phone(browser, javascript=False)
    page = context.new_page()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    before = len(rows(server.db_url, server.campaign.id))
    page.goto(f"{server.url}/?t={token_for(server.campaign, '01A', 'resident')}")
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    seed = 12
    while (answers := simulate_answers(RESIDENT, np.random.default_rng(seed)))["resident_6m"] != "yes":
        seed += 1
    answers["age_group"] = "35_44"
    for _ in range(20):  # each part: answer, then next (or submit on the last one)
        assert page.locator("main").get_attribute("data-page") == "section"
        assert "&s=" in page.url  # the part is a GET of its own address
        answer_visible(page, answers)
        primary = page.locator("button.primary")
        last = primary.get_attribute("value") == "submit"
        with page.expect_navigation():
            primary.click()
        if last:
            break
    assert page.locator("main").get_attribute("data-page") == "thanks" and "&done=1" in page.url
    receipt = page.locator("#thanks p.hint").last.inner_text()
    assert "回执编号" in receipt
    sent = len(posts)

    response = page.go_back()  # no "Confirm Form Resubmission" (that would raise net::ERR_CACHE_MISS)
    assert response is None or response.ok
    assert "&done=" not in page.url and "&s=" in page.url  # the last part's address ...
    assert page.locator("main").get_attribute("data-page") == "thanks"  # ... shows the thank-you page
    assert "已提交，感谢参与" in page.locator("h1").inner_text()
    assert receipt in page.locator("#thanks").inner_text()
    assert page.locator("button[value=submit]").count() == 0 and page.locator("fieldset.q").count() == 0
    page.screenshot(path=str(screenshot_dir / "form-nojs-back-after-thanks-360.png"), full_page=True)
    page.reload()
    assert page.locator("main").get_attribute("data-page") == "thanks"
    page.go_forward()
    assert page.locator("main").get_attribute("data-page") == "thanks"
    assert len(posts) == sent  # Back, reload and Forward posted nothing
    assert len(rows(server.db_url, server.campaign.id)) == before + 1
    context.close()
