"""Issue 22 on a 360 px phone in WeChat: a signal lost on 下一步 while the phone still believes
it is online, Back after a step, a screen-out answer, and red marks that go once answered."""

from __future__ import annotations

import pytest

from survey.storage import Store
from tests.app.respond_helpers import SECRET, make_campaign, token_for
from tests.conftest import start_streamlit, stop_streamlit

from .browser_helpers import answer_visible, phone

pytestmark = pytest.mark.browser
BACKGROUND = {"resident_6m": "yes", "age_group": "35_44", "sex": "female", "education": "tertiary", "residence": "urban",
              "used_tcm": "yes"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("steps")
    with Store.open(f"sqlite:///{workdir / 'app.sqlite'}") as store:
        campaign = make_campaign(store)
    running = start_streamlit(workdir, {"TCM_SURVEY_SECRET": SECRET, "TCM_SURVEY_ADMIN_PASSWORD": "admin-password-1"})
    running.form = f"{running.url}/?t={token_for(campaign, '01A', 'resident')}"
    yield running
    stop_streamlit(running)


def begin(page, url: str) -> None:  # noqa: ANN001
    page.goto(url)
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    assert page.get_attribute("main", "data-page") == "section"


def test_a_signal_lost_on_next_keeps_the_page_and_the_answers_and_back_never_resubmits(browser, server, screenshot_dir):
    context = phone(browser)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    begin(page, server.form)
    answer_visible(page, BACKGROUND)
    # the signal drops: every POST fails at the network level, yet navigator.onLine stays true
    page.route("**/?t=*", lambda route: route.abort("internetdisconnected") if route.request.method == "POST" else route.continue_())
    page.locator("button.primary").click()
    page.wait_for_selector("#status:not([hidden])")
    assert page.evaluate("navigator.onLine") is True
    assert "恢复网络后会自动继续" in page.inner_text("#status")
    assert page.get_attribute("main", "data-page") == "section" and page.inner_text("h1") == "基本情况"  # no browser error page
    for qid, value in BACKGROUND.items():
        assert page.locator(f"#q-{qid} input:checked").get_attribute("value") == value, qid  # no answer lost
    page.screenshot(path=str(screenshot_dir / "form-next-signal-lost-360.png"), full_page=True)
    page.unroute("**/?t=*")  # the signal is back: the same step goes through on its own
    page.wait_for_function("() => document.querySelector('h1').innerText === '服务满意度'", timeout=60_000)
    assert page.inner_text("#progress") == "第 2 部分，共 4 部分"
    page.screenshot(path=str(screenshot_dir / "form-next-after-signal-360.png"), full_page=True)
    page.go_back()  # the phone's Back: one part back, answers kept, no "Confirm Form Resubmission"
    page.wait_for_function("() => document.querySelector('h1').innerText === '基本情况'")
    for qid, value in BACKGROUND.items():
        assert page.locator(f"#q-{qid} input:checked").get_attribute("value") == value, qid
    assert page.inner_text("#progress") == "第 1 部分，共 4 部分"
    page.reload()  # a reload is a plain GET: the first screen, never a resubmission
    assert page.get_attribute("main", "data-page") == "intro" and not dialogs
    context.close()


def test_a_screen_out_answer_ends_the_part_at_once_and_change_returns_to_it(browser, server, screenshot_dir):
    context = phone(browser)
    page = context.new_page()
    begin(page, server.form)
    page.locator("#q-resident_6m label.choice:has(input[value='no'])").click()  # no 下一步
    page.wait_for_selector("main[data-page='exit']")
    assert "居住满6个月" in page.inner_text("main")
    page.locator("button[value=change]").click()
    page.wait_for_selector("main[data-page='section']")
    assert page.inner_text("#progress") == "第 1 部分，共 4 部分" and page.inner_text("button.primary") == "下一步"
    assert page.evaluate("scrollY") == 0 and page.locator("#q-resident_6m input:checked").count() == 0
    page.screenshot(path=str(screenshot_dir / "form-change-after-exit-360.png"), full_page=True)
    context.close()


def test_a_red_mark_goes_once_the_question_is_answered(browser, server, screenshot_dir):
    context = phone(browser)
    page = context.new_page()
    begin(page, server.form)
    answer_visible(page, {"resident_6m": "yes", "age_group": "35_44"})
    page.locator("button.primary").click()
    page.wait_for_selector("fieldset.q.bad")
    assert page.inner_text("#err-sex") != ""
    page.screenshot(path=str(screenshot_dir / "form-required-marked-360.png"), full_page=True)
    answer_visible(page, {"sex": "male"})
    assert page.inner_text("#err-sex") == "" and not page.locator("#q-sex.bad").count()
    assert page.locator("#q-education.bad").count() == 1  # the others still marked
    answer_visible(page, {"education": "tertiary", "residence": "rural", "used_tcm": "no"})
    assert page.locator("p.msg").is_hidden()
    assert page.inner_text("#progress") == "第 1 部分，共 3 部分"  # "no TCM": the satisfaction part leaves the count at once
    context.close()


def test_issue23_6_a_draft_the_server_cannot_take_is_dropped_not_replayed(browser, server, screenshot_dir):
    context = phone(browser)
    page = context.new_page()
    begin(page, server.form)
    answer_visible(page, BACKGROUND)
    key = page.get_attribute("main", "data-draft-key")
    page.wait_for_function("k => !!localStorage.getItem(k)", arg=key)  # the draft is kept on the phone
    notice = page.request.get(f"{server.url}/?t=not-a-token").text()  # the form's own notice page
    page.route("**/?t=*", lambda route: route.fulfill(status=413, body=notice, content_type="text/html; charset=utf-8")
               if route.request.method == "POST" else route.continue_())
    page.locator("button.primary").click()
    page.wait_for_function("() => document.querySelector('main').getAttribute('data-page') === 'notice'")
    assert page.evaluate("k => localStorage.getItem(k)", key) is None  # dropped: nothing replays the error
    page.unroute("**/?t=*")
    page.goto(server.form)
    assert page.locator("#draft").is_hidden()  # no "continue where you left off" offer
    page.screenshot(path=str(screenshot_dir / "form-draft-dropped-360.png"), full_page=True)
    context.close()
