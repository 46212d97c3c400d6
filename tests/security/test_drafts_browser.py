"""Issue 14 item 4 in the browser: a shared phone must not show the previous respondent's answers.

Drafts live in the phone's localStorage (never in a cookie): resumed only on request ("继续填写"),
dropped by "不是我 / 重新开始", dropped when idle for an hour, removed on submit.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from survey.questionnaire.catalog import shipped_questionnaires
from survey.collect.simulate import simulate_answers
from survey.storage import Store
from tests.app.respond_helpers import SECRET, make_campaign, token_for
from tests.app.web.browser_helpers import answer_visible, complete, draft_keys, phone, rows
from tests.conftest import start_streamlit, stop_streamlit

pytestmark = pytest.mark.browser
STAFF = shipped_questionnaires()["staff_policy"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("drafts")
    db_url = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db_url) as store:
        campaign = make_campaign(store)
    running = start_streamlit(workdir, {"TCM_SURVEY_SECRET": SECRET, "TCM_SURVEY_ADMIN_PASSWORD": "admin-password-1"})
    running.db_url, running.campaign = db_url, campaign
    running.form = f"{running.url}/?t={token_for(campaign, '01A', 'staff_policy')}"
    yield running
    stop_streamlit(running)


def begin(page, url: str) -> None:  # noqa: ANN001
    page.goto(url)
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()


def test_a_second_person_sees_no_answers_unless_they_resume(browser, server):
    context = phone(browser)
    page = context.new_page()
    begin(page, server.form)
    answers = simulate_answers(STAFF, np.random.default_rng(4))
    answer_visible(page, answers)
    assert not any(c["name"].startswith("tcmf") or len(c["value"]) > 40 for c in context.cookies()), context.cookies()
    page.close()

    second = context.new_page()  # the next person scans the same poster on the same phone
    second.goto(server.form)
    banner = second.locator("#draft")
    assert banner.is_visible() and "还没提交" in banner.inner_text()
    assert second.locator("input:checked").count() == 0  # nothing of the draft is on screen
    second.locator("#draft-discard").click()  # 不是我 / 重新开始
    assert banner.is_hidden() and draft_keys(second) == []
    second.reload()
    assert second.locator("#draft").is_hidden()
    context.close()


def test_resume_brings_the_answers_back_and_submit_removes_the_draft(browser, server):
    context = phone(browser)
    page = context.new_page()
    begin(page, server.form)
    answers = simulate_answers(STAFF, np.random.default_rng(5))
    answer_visible(page, answers)
    first_qid = page.eval_on_selector("fieldset.q[data-q]", "e => e.dataset.q")
    page.close()
    page = context.new_page()
    page.goto(server.form)
    with page.expect_navigation():
        page.locator("#draft-resume").click()
    assert page.locator("main").get_attribute("data-page") == "section"
    checked = page.locator(f"#q-{first_qid} input:checked").get_attribute("value")
    assert checked == str(answers[first_qid])
    before = len(rows(server.db_url, server.campaign.id))
    complete(page, answers)
    assert page.locator("main").get_attribute("data-page") == "thanks"
    assert draft_keys(page) == []
    assert len(rows(server.db_url, server.campaign.id)) == before + 1
    page.goto(server.form)
    assert page.locator("#draft").is_hidden()
    context.close()


def test_an_idle_draft_expires_within_an_hour(browser, server):
    context = phone(browser)
    page = context.new_page()
    begin(page, server.form)
    answer_visible(page, simulate_answers(STAFF, np.random.default_rng(6)))
    (key,) = draft_keys(page)
    stale = json.loads(page.evaluate(f"localStorage.getItem({json.dumps(key)})"))
    stale["saved"] -= 61 * 60 * 1000
    page.evaluate(f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(stale))})")
    page.goto(server.form)
    assert page.locator("#draft").is_hidden()
    assert draft_keys(page) == []
    context.close()


def test_the_draft_offer_is_accessible(browser, server, screenshot_dir):
    from tests.app.web.browser_helpers import axe_violations

    context = phone(browser)
    page = context.new_page()
    begin(page, server.form)
    answer_visible(page, simulate_answers(STAFF, np.random.default_rng(9)))
    page.goto(server.form)
    assert page.locator("#draft").is_visible()
    assert not axe_violations(page)
    page.screenshot(path=str(screenshot_dir / "form-draft-offer-360.png"), full_page=True)
    context.close()
