"""The HTML form in Debian's Chromium against `streamlit run`, as residents' phones open it.

A poster's QR code decoded by zbar, a phone viewport with WeChat's user agent, taps on the answer
rows, the network cut while submitting, reload / double tap / back, a browser without JavaScript,
the first screen's bytes and hosts from the browser's own network log, axe-core on every screen,
and screenshots at 320, 360 and 414 px (kept in artifacts/screenshots/).
"""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlsplit

import numpy as np
import pytest

from survey.questionnaire.catalog import shipped_questionnaires
from survey.campaign.posters import write_campaign_posters
from survey.collect.simulate import simulate_answers
from survey.storage import Store
from tests.app.respond_helpers import PHONE, SECRET, make_campaign, token_for
from tests.conftest import start_streamlit, stop_streamlit

from .browser_helpers import answer_visible, axe_violations, complete, draft_keys, phone, rows

pytestmark = pytest.mark.browser
RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]
FIRST_SCREEN_LIMIT = 60 * 1024


def resident_answers(seed: int, used_tcm: str = "yes") -> dict:
    while True:
        answers = simulate_answers(RESIDENT, np.random.default_rng(seed))
        if answers["used_tcm"] == used_tcm:
            return answers
        seed += 1


@pytest.fixture(scope="module")
def form_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("form")
    db_url = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db_url) as store:
        campaign = make_campaign(store)
    server = start_streamlit(workdir, {"TCM_SURVEY_SECRET": SECRET, "TCM_SURVEY_ADMIN_PASSWORD": "admin-password-1"})
    server.db_url, server.campaign, server.workdir = db_url, campaign, workdir
    yield server
    stop_streamlit(server)


def form_url(server, questionnaire_id: str = "resident", site: str = "01A") -> str:  # noqa: ANN001
    return f"{server.url}/?t={token_for(server.campaign, site, questionnaire_id)}"


def assert_accessible(page, name: str) -> None:  # noqa: ANN001
    violations = axe_violations(page)
    assert not violations, (name, violations)


def test_poster_qr_opens_the_form_and_a_submit_cut_off_by_the_network_is_stored_once(browser, form_server, screenshot_dir, tmp_path):
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg is not installed (Debian package zbar-tools; scripts/test.sh installs it)"
    posters = write_campaign_posters(form_server.campaign, form_server.url, SECRET.encode(), tmp_path, sites=["01A"], instruments=["resident"])
    subprocess.run([shutil.which("pdftoppm") or "pdftoppm", "-r", "100", "-png", str(posters.pdf), str(tmp_path / "poster")], check=True)
    (page_png,) = sorted(tmp_path.glob("poster*.png"))
    decoded = subprocess.run([zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page_png)], capture_output=True, text=True).stdout.split()
    assert decoded == [form_url(form_server)]

    context = phone(browser)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(decoded[0])
    assert page.title() == "居民中医药服务调查" and page.get_attribute("html", "lang") == "zh-CN"
    for text in ("柳南区卫生健康局", PHONE, "姓名", "24 个月"):
        assert text in page.inner_text("main"), text
    assert_accessible(page, "intro")
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    answers = resident_answers(21)
    screens = 0
    while page.locator("button.primary").get_attribute("value") != "submit":
        if page.locator("#q-sat_site").count() and answers["sat_site"] != "outside_county":
            # live skip logic: the ratings appear as soon as the place is tapped, before any request
            assert page.locator("#q-overall_satisfaction").is_hidden()
            page.locator(f"#q-sat_site label.choice:has(input[value='{answers['sat_site']}'])").click()
            assert page.locator("#q-overall_satisfaction").is_visible()
        answer_visible(page, answers)
        assert_accessible(page, f"section {screens}")
        page.screenshot(path=str(screenshot_dir / f"form-resident-section{screens}-360.png"), full_page=True)
        screens += 1
        with page.expect_navigation():
            page.locator("button.primary").click()
    answer_visible(page, answers)
    assert draft_keys(page), "the draft is kept on the phone while filling in"

    context.set_offline(True)
    page.locator("button.primary").click()
    status = page.locator("#status")
    status.wait_for(state="visible")
    # "正在提交……" first; the offline note once the request has failed
    offline_note = "网络不稳定，答案已保存在手机上，恢复网络后会自动提交"
    page.wait_for_function("text => document.querySelector('#status').innerText === text", arg=offline_note,
                           timeout=15_000)
    assert status.inner_text() == offline_note
    page.screenshot(path=str(screenshot_dir / "form-resident-offline-360.png"), full_page=True)
    assert rows(form_server.db_url, form_server.campaign.id) == []
    context.set_offline(False)
    page.wait_for_selector("main[data-page='thanks']", timeout=30_000)
    assert "提交成功" in page.inner_text("main")
    assert_accessible(page, "thanks")
    page.screenshot(path=str(screenshot_dir / "form-resident-thanks-360.png"), full_page=True)
    assert draft_keys(page) == [], "a submitted form leaves no draft on the phone"
    assert not page.locator("button[value=another]").count(), "fill another is for surveyors only"
    (row,) = rows(form_server.db_url, form_server.campaign.id)
    assert row.answers["used_tcm"] == "yes" and row.source == "qr"

    page.reload()  # a reload shows a fresh first screen, not the answers
    assert page.locator("main").get_attribute("data-page") == "intro"
    assert page.locator("#draft").is_hidden()
    page.go_back()
    page.wait_for_timeout(500)
    assert len(rows(form_server.db_url, form_server.campaign.id)) == 1
    assert not [p for p in problems if "Content Security Policy" in p], problems
    context.close()


def test_double_tap_reload_and_back_store_one_row(browser, form_server):
    context = phone(browser)
    page = context.new_page()
    page.goto(form_url(form_server, site="04B"))
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    complete(page, resident_answers(31, "no"), submit=False)
    button = page.locator("button.primary")
    button.dispatch_event("click")
    button.dispatch_event("click")  # a second tap while the first is on its way
    page.wait_for_selector("main[data-page='thanks']")
    page.wait_for_timeout(500)
    mine = [r for r in rows(form_server.db_url, form_server.campaign.id) if r.site_code == "04B"]
    assert len(mine) == 1
    page.go_back()
    page.wait_for_timeout(800)
    if page.locator("button.primary[value=submit]").count():
        with page.expect_navigation():
            page.locator("button.primary").click()  # even sending the last page again
        page.wait_for_timeout(500)
    mine = [r for r in rows(form_server.db_url, form_server.campaign.id) if r.site_code == "04B"]
    assert len(mine) == 1
    context.close()


def test_a_browser_without_javascript_completes_the_form(browser, form_server, screenshot_dir):
    context = phone(browser, javascript=False)
    page = context.new_page()
    before = len(rows(form_server.db_url, form_server.campaign.id))
    page.goto(form_url(form_server))
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    complete(page, resident_answers(41))
    page.screenshot(path=str(screenshot_dir / "form-nojs-thanks-360.png"), full_page=True)
    assert page.locator("main").get_attribute("data-page") == "thanks"
    assert len(rows(form_server.db_url, form_server.campaign.id)) == before + 1
    context.close()


def test_staff_quiz_shows_the_score(browser, form_server, screenshot_dir):
    context = phone(browser)
    page = context.new_page()
    page.goto(form_url(form_server, "staff_policy"))
    assert page.title() == "中医药人员政策知晓测试"
    assert_accessible(page, "staff intro")
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    complete(page, simulate_answers(STAFF, np.random.default_rng(2)))
    said = page.inner_text("main")
    assert "得分 " in said and "满分" in said and "知晓标准（≥ 60%）" in said and "结束后公布" in said
    assert_accessible(page, "staff thanks")
    page.screenshot(path=str(screenshot_dir / "form-staff-thanks-360.png"), full_page=True)
    context.close()


def test_under_15_exit_page(browser, form_server, screenshot_dir):
    context = phone(browser)
    page = context.new_page()
    page.goto(form_url(form_server))
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    answer_visible(page, {"resident_6m": "yes"})
    page.locator("#q-age_group label.choice:has(input[value='under_15'])").click()  # ends the part at once, no 下一步
    page.wait_for_selector("main[data-page='exit']")
    assert "谢谢您的关心" in page.inner_text("main")
    assert_accessible(page, "exit")
    page.screenshot(path=str(screenshot_dir / "form-exit-360.png"), full_page=True)
    context.close()


def test_first_screen_bytes_and_hosts_from_the_network_log(browser, form_server):
    context = phone(browser)
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    session.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    session.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(form_url(form_server), wait_until="load")
    page.wait_for_timeout(1000)
    hosts = {urlsplit(u).netloc for u in urls.values() if not u.startswith("data:")}
    assert hosts == {urlsplit(form_server.url).netloc}, hosts
    total = sum(sizes.values())
    assert total <= FIRST_SCREEN_LIMIT, (total, {urls[k]: v for k, v in sizes.items()})
    assert len(urls) <= 5, urls
    context.close()


@pytest.mark.parametrize("width", [320, 360, 414])
def test_layout_for_elderly_readers(browser, form_server, screenshot_dir, width):
    context = phone(browser, width)
    page = context.new_page()
    page.goto(form_url(form_server))
    viewport = page.get_attribute("meta[name=viewport]", "content")
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport  # pinch zoom allowed
    page.screenshot(path=str(screenshot_dir / f"form-intro-{width}.png"), full_page=True)
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    page.screenshot(path=str(screenshot_dir / f"form-section-{width}.png"), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width  # nothing wider than the phone
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('legend')).fontSize)") >= 18
    rows_ = page.eval_on_selector_all(
        "fieldset.q:not([hidden]) label.choice",
        "els => els.map(e => [e.getBoundingClientRect().height, e.getBoundingClientRect().width, parseFloat(getComputedStyle(e).fontSize)])",
    )
    content = page.evaluate("document.querySelector('main').clientWidth") - 28
    assert rows_ and all(h >= 48 and w >= content - 1 and size >= 18 for h, w, size in rows_), rows_
    buttons = page.eval_on_selector_all(".buttons button", "els => els.map(e => [e.value, e.getBoundingClientRect().top])")
    assert [b[0] for b in buttons] == ["next", "back"] and buttons[0][1] < buttons[1][1]  # next before back
    assert page.locator("button.primary").count() == 1
    context.close()


def test_english_switch(browser, form_server):
    context = phone(browser)
    page = context.new_page()
    page.goto(form_url(form_server))
    with page.expect_navigation():
        page.locator("button.lang").click()
    assert page.get_attribute("html", "lang") == "en" and page.title() == "Resident survey on TCM services"
    assert_accessible(page, "intro en")
    context.close()


def test_refusal_pages_are_accessible_too(browser, form_server, screenshot_dir):
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{form_server.url}/?t=1.01A.r.AAAAAAAAAAA")
    assert "签名无效" in page.inner_text("main") and page.get_attribute("html", "lang") == "zh-CN"
    assert_accessible(page, "forged link")
    page.screenshot(path=str(screenshot_dir / "form-refused-360.png"), full_page=True)
    context.close()


def test_next_tapped_offline_waits_for_the_network(browser, form_server):
    context = phone(browser)
    page = context.new_page()
    page.goto(form_url(form_server))
    page.locator("label.consent").click()
    with page.expect_navigation():
        page.locator("button[value=start]").click()
    answer_visible(page, resident_answers(51, "no"))
    context.set_offline(True)
    page.locator("button.primary").click()
    status = page.locator("#status")
    status.wait_for(state="visible")
    assert "恢复网络后会自动继续" in status.inner_text()
    assert page.locator("h1").inner_text() == "基本情况"  # still on the part, answers on screen
    with page.expect_navigation():
        context.set_offline(False)
    assert page.locator("h1").inner_text() != "基本情况"
    context.close()
