"""Issue 19's "Done when" for the field app, in Debian's Chromium against `streamlit run`: one
village at 360 px with WeChat's user agent, 10 assigned households, a roster for each, the selected
member shown, 6 completes (2 through the respondent form online, 4 with the network off), 2
refusals, 1 non-contact after 3 visits, 1 not eligible; synced, then synced again."""

from __future__ import annotations

import json

import numpy as np
import pytest

from accounts import create_account
from analysis.response_rates import response_rates
from survey.collect.households import HouseholdSpec
from survey.collect.members import selected_member
from survey.collect.simulate import simulate_answers
from survey.questionnaire.catalog import shipped_questionnaires
from survey.storage import Store
from tests.app.respond_helpers import SECRET, make_campaign
from tests.conftest import start_streamlit, stop_streamlit

from .browser_helpers import answer_visible, axe_violations, complete, phone
from .field_helpers import PASSWORD

pytestmark = pytest.mark.browser
RESIDENT = shipped_questionnaires()["resident"]


@pytest.fixture(scope="module")
def field_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("field")
    db_url = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db_url) as store:
        campaign = make_campaign(store)
        create_account(store, "ann", "surveyor", PASSWORD, actor="test")
        households = store.assign_households(campaign.id, [HouseholdSpec("01A", f"{i:03d}", f"太阳村{i}号") for i in range(1, 11)],
                                             surveyor="ann", actor="test")
    server = start_streamlit(workdir, {"TCM_SURVEY_SECRET": SECRET, "TCM_SURVEY_ADMIN_PASSWORD": "admin-password-1"})
    server.db_url, server.campaign, server.households = db_url, campaign, households
    yield server
    stop_streamlit(server)


def queue(page) -> list:  # noqa: ANN001
    return json.loads(page.evaluate("() => localStorage.getItem('tcm_field_queue') || '[]'"))


def enter_roster(page, members) -> None:  # noqa: ANN001
    for i, (sex, age) in enumerate(members):
        page.locator(f"label.sex:has(input[name=sex{i}][value={sex}])").click()
        page.fill(f"input[name=age{i}]", str(age))
    with page.expect_navigation():
        page.locator("#roster button.primary").click()


def visit(page, code: str) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.locator(f"#visit button[value='{code}']").click()


def test_a_village_of_ten_households_with_four_interviews_offline(browser, field_server, screenshot_dir):
    server, campaign = field_server, field_server.campaign
    shot = lambda page, name: page.screenshot(path=str(screenshot_dir / f"field-{name}-360.png"), full_page=True)  # noqa: E731
    context = phone(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.url}/field")
    assert page.get_attribute("main", "data-page") == "login"
    assert not axe_violations(page)
    shot(page, "signin")
    page.fill("#username", "ann")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("#login button.primary").click()
    assert "我的入户任务" in page.inner_text("main")
    page.wait_for_selector("main[data-offline-ready='1']", timeout=30_000)
    assert "已可离线使用：10 户" in page.inner_text("#offline-note")
    assert not axe_violations(page)
    shot(page, "tasks")

    def member_words(code: str) -> str:
        with Store.open(server.db_url) as store:
            household = next(h for h in store.households(campaign.id) if h.code == code)
        return selected_member(household, "zh")

    urls = {h.code: f"{server.url}/field/h/{campaign.id}/{h.id}" for h in server.households}
    rosters = {code: [("male", 30 + n), ("female", 28 + n), ("female", 60)] for n, code in enumerate(sorted(urls))}
    rosters["010"] = [("female", 9)]  # nobody aged 15 or over: not eligible
    for code in sorted(urls):
        page.goto(urls[code])
        enter_roster(page, rosters[code])
        if code == "010":
            assert "本户没有15岁及以上的常住成员" in page.inner_text("main")
        else:
            assert page.inner_text("#invite").startswith("请邀请：家中15岁及以上的")
        if code == "001":
            assert not axe_violations(page)
            shot(page, "household-roster")
    page.goto(urls["010"])
    visit(page, "4.70")
    for code in ("003", "004"):
        page.goto(urls[code])
        visit(page, "2.11")
    page.goto(urls["005"])
    visit(page, "2.24")
    visit(page, "2.24")
    for n, code in enumerate(("001", "002")):  # online: the respondent form itself, in surveyor mode
        page.goto(urls[code])
        with page.expect_navigation():
            page.locator("#open-form").click()
        assert page.get_attribute("main", "data-page") == "intro"
        page.locator("label.consent").click()
        with page.expect_navigation():
            page.locator("button[value=start]").click()
        complete(page, simulate_answers(RESIDENT, np.random.default_rng(100 + n)))
        assert page.get_attribute("main", "data-page") == "thanks"
        if code == "001":
            shot(page, "form-thanks")
    with Store.open(server.db_url) as store:
        assert len(store.responses(campaign.id)) == 2

    context.set_offline(True)
    page.goto(urls["005"])  # the page kept on the phone
    visit_button = page.locator("#visit button[value='2.24']")
    visit_button.click()
    page.wait_for_selector("#pending:not([hidden])")
    for n, code in enumerate(("006", "007", "008", "009")):
        page.goto(urls[code])
        with page.expect_navigation():
            page.locator("#open-offline").click()
        assert page.get_attribute("main", "data-page") == "interview"
        answer_visible(page, simulate_answers(RESIDENT, np.random.default_rng(200 + n)))
        assert page.inner_text("#flag").endswith(member_words(code)), "the selected member, also on the page kept offline"
        if code == "006":
            shot(page, "interview-offline")
        with page.expect_navigation():
            page.locator("#save-interview").click()
        assert page.get_attribute("main", "data-page") == "household"
    page.goto(f"{server.url}/field/tasks")
    assert "待上传 5 条" in page.inner_text("#queue")
    assert "待上传 1 条" in page.inner_text(f"a.task[data-household='{server.households[4].id}']")
    shot(page, "tasks-offline")
    waiting = queue(page)
    assert [i["kind"] for i in waiting] == ["visit", "interview", "interview", "interview", "interview"]
    with Store.open(server.db_url) as store:
        assert len(store.responses(campaign.id)) == 2

    context.set_offline(False)
    page.wait_for_function("() => (localStorage.getItem('tcm_field_queue') || '[]') === '[]'", timeout=30_000)
    page.reload()
    shot(page, "tasks-synced")

    def outcome() -> tuple[int, list, float]:
        with Store.open(server.db_url) as store:
            frame = store.household_frame(campaign.id)
            rates = response_rates(frame["disposition"])
            return len(store.responses(campaign.id)), sorted(frame["disposition"].tolist()), float(rates["RR1"].iloc[0])

    first = outcome()
    assert first[0] == 6
    assert first[1] == sorted(["1.1"] * 6 + ["2.11"] * 2 + ["2.24"] + ["4.70"])
    assert first[2] == pytest.approx(6 / 9)
    with Store.open(server.db_url) as store:
        assert len(store.visit_log(campaign.id)) == 6 + 2 + 3 + 1
    # the answers were lost with the signal: the phone sends everything again
    page.evaluate("items => localStorage.setItem('tcm_field_queue', JSON.stringify(items))", waiting)
    page.reload()
    page.wait_for_function("() => (localStorage.getItem('tcm_field_queue') || '[]') === '[]'", timeout=30_000)
    assert outcome() == first
    with Store.open(server.db_url) as store:
        assert len(store.visit_log(campaign.id)) == 12
    page.goto(urls["005"])
    assert "已结束：未接触：家中无人" in page.inner_text("main")
    assert not errors, errors
    context.close()


def test_a_browser_without_service_worker_says_so(browser, field_server, screenshot_dir):
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block", locale="zh-CN",
                                  user_agent="Mozilla/5.0 (Linux; Android 10) MicroMessenger/7.0.19", is_mobile=True)
    page = context.new_page()
    page.add_init_script("delete Navigator.prototype.serviceWorker")
    page.goto(f"{field_server.url}/field")
    page.fill("#username", "ann")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("#login button.primary").click()
    assert "不能离线打开页面" in page.inner_text("#offline-note")
    page.screenshot(path=str(screenshot_dir / "field-no-service-worker-360.png"), full_page=True)
    context.close()


def test_without_javascript_the_field_app_still_works_online(browser, field_server):
    context = phone(browser, javascript=False)
    page = context.new_page()
    page.goto(f"{field_server.url}/field")
    page.fill("#username", "ann")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("#login button.primary").click()
    assert "我的入户任务" in page.inner_text("main")
    page.reload()
    assert "我的入户任务" in page.inner_text("main")  # the session survives a reload
    context.close()
