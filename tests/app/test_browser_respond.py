"""End to end in headless Chromium against `streamlit run`: poster QR -> phone form -> one stored row.

Screenshots of each step are kept in artifacts/screenshots/respond-*.png.
"""

from __future__ import annotations

import subprocess
import time

import numpy as np
import pytest

from survey.catalog import shipped_questionnaires
from survey.keys import ENV_SECRET
from survey.posters import write_campaign_posters
from survey.questionnaire import QuestionType, pick
from survey.scoring import score
from survey.simulate import simulate_answers
from survey.storage import Store
from tests.conftest import full_screenshot, settle, start_streamlit, stop_streamlit

from .respond_helpers import SECRET, make_campaign

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("respond")
    db = f"sqlite:///{workdir / 'app.sqlite'}"
    with Store.open(db) as store:
        campaign = make_campaign(store)
    started = start_streamlit(workdir, {"TCM_SURVEY_DB": db, ENV_SECRET: SECRET})
    started.campaign = campaign
    started.db = db
    started.workdir = workdir
    yield started
    stop_streamlit(started)




def decode_qr(png) -> str:
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def answer_on_page(page, questionnaire, answers) -> None:
    """Answer every question of the current section that is on screen, in order, as a person would."""
    for section in questionnaire.sections:
        for qid in section.question_ids:
            question = questionnaire.question(qid)
            if qid not in answers or not question.takes_answer:
                continue
            label = pick(question.label, "zh")
            if question.type is QuestionType.MULTIPLE:
                block = page.locator("[data-testid='stMarkdownContainer']").filter(has_text=label)
                if block.count() == 0:
                    continue
                for value in answers[qid]:
                    text = question.choice_label(value, "zh")
                    page.locator("[data-testid='stCheckbox']").filter(has_text=text).first.locator("label").click()
                    settle(page)
                continue
            radio = page.locator("[data-testid='stRadio']").filter(has_text=label)
            if radio.count() == 0:
                continue
            radio.first.get_by_text(question.choice_label(str(answers[qid]), "zh"), exact=True).click()
            settle(page)


def click_button(page, text: str, *, double: bool = False) -> None:
    target = page.get_by_role("button", name=text, exact=True)
    target.dblclick() if double else target.click()
    settle(page)


def test_poster_qr_to_phone_form_stores_exactly_one_row(browser, server, screenshot_dir, tmp_path):
    resident = shipped_questionnaires()["resident"]
    answers = next(a for seed in range(50) if (a := simulate_answers(resident, np.random.default_rng(seed)))["used_tcm"] == "yes")
    posters = write_campaign_posters(server.campaign, server.url, SECRET.encode(), tmp_path / "posters")
    png = next(p for p in posters.png if "01A-resident" in p.name)
    url = decode_qr(png)
    assert url.startswith(server.url + "/?t=") and "&" not in url

    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    settle(page)
    page.get_by_text("居民中医药服务调查").first.wait_for(timeout=30_000)
    assert page.url == url  # nothing but the token in the URL
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("[data-testid='stToolbar']").is_visible()
    full_screenshot(page, screenshot_dir / "respond-1-intro.png")

    click_button(page, "开始答题")
    page.get_by_text("请先勾选").wait_for(timeout=30_000)
    page.locator("[data-testid='stCheckbox'] label").first.click()
    settle(page)
    click_button(page, "开始答题")
    page.get_by_text("第 1 部分，共 3 部分").wait_for(timeout=30_000)
    click_button(page, "下一步")  # nothing answered: messages next to the questions
    page.get_by_text("此题必答").first.wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "respond-2-required.png")

    answer_on_page(page, resident, answers)
    page.get_by_text("共 4 部分").first.wait_for(timeout=30_000)  # skip logic: satisfaction part appears
    full_screenshot(page, screenshot_dir / "respond-3-section1.png")
    click_button(page, "下一步")
    page.get_by_text("第 2 部分，共 4 部分").wait_for(timeout=30_000)

    # reload in the middle: the draft comes back from the phone's cookie, with the same nonce
    page.reload()
    settle(page)
    page.get_by_text("第 2 部分，共 4 部分").wait_for(timeout=30_000)
    assert page.url == url
    for step in (2, 3, 4):
        answer_on_page(page, resident, answers)
        if step == 2:
            full_screenshot(page, screenshot_dir / "respond-4-section2.png")
        if step < 4:
            click_button(page, "下一步")
            page.get_by_text(f"第 {step + 1} 部分，共 4 部分").wait_for(timeout=30_000)
    # back and forth keeps the answers
    click_button(page, "上一步")
    page.get_by_text("第 3 部分，共 4 部分").wait_for(timeout=30_000)
    click_button(page, "下一步")
    full_screenshot(page, screenshot_dir / "respond-5-last-section.png")

    click_button(page, "提交问卷", double=True)  # a double tap
    page.get_by_text("提交成功，谢谢您！").wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "respond-6-thanks.png")
    page.reload()
    settle(page)
    page.get_by_text("提交成功，谢谢您！").wait_for(timeout=30_000)
    page.get_by_text("之前已经提交过").wait_for(timeout=30_000)
    full_screenshot(page, screenshot_dir / "respond-7-thanks-after-reload.png")

    with Store.open(server.db) as store:
        rows = store.responses(server.campaign.id)
        table = store.response_frame(server.campaign.id)
    assert len(rows) == 1, rows
    assert rows[0].site_code == "01A" and rows[0].source == "qr"
    assert table.loc[0, "stratum"] == "太阳村镇"
    assert dict(rows[0].scores) == score(resident, answers)
    assert dialogs == []
    context.close()


def test_tampered_token_stores_nothing(browser, server, screenshot_dir):
    posters = write_campaign_posters(server.campaign, server.url, SECRET.encode(), server.workdir / "posters2")
    url = next(item.url for item in posters.items if item.site.code == "04B" and item.instrument.questionnaire_id == "resident")
    tampered = url.replace(".04B.", ".01A.")
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    with Store.open(server.db) as store:
        before = len(store.responses(server.campaign.id))
    page.goto(tampered)
    settle(page)
    page.get_by_text("此链接被改动过").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stRadio'], [data-testid='stButton']").count() == 0
    full_screenshot(page, screenshot_dir / "respond-8-tampered-token.png")
    page.get_by_text("English", exact=True).click()
    settle(page)
    page.get_by_text("This link was changed").wait_for(timeout=30_000)
    with Store.open(server.db) as store:
        assert len(store.responses(server.campaign.id)) == before
    page.close()


ADMIN_ADDRESSES = ["/campaigns", "/new-campaign", "/sites", "/surveyor", "/users", "/?page=campaigns", "/campaigns?admin=1&role=admin"]


def test_admin_area_refuses_a_visitor_and_admits_the_printed_password(browser, server, screenshot_dir):
    import re

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/login")
    settle(page)
    page.get_by_text("管理员登录").first.wait_for(timeout=30_000)
    for address in ADMIN_ADDRESSES:
        page.goto(server.url + address)
        settle(page)
        assert page.get_by_text("各调查点问卷数").count() == 0 and page.get_by_text("账户管理").count() == 0, address
        assert page.get_by_role("link", name="调查活动").count() == 0, address
    full_screenshot(page, screenshot_dir / "admin-1-visitor-refused.png")

    match = re.search(r"password:\s+(\S+)", server.log.read_text())
    assert match, "the first start must print the admin password to the terminal"
    page.goto(f"{server.url}/login")
    settle(page)
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    settle(page)
    page.get_by_text("用户名或密码不正确").wait_for(timeout=30_000)
    page.get_by_label("密码").fill(match.group(1))
    page.get_by_role("button", name="登录").click()
    settle(page)
    page.get_by_text("已登录：admin").wait_for(timeout=30_000)
    page.get_by_role("link", name="调查活动").first.click()
    settle(page)
    page.get_by_text("各调查点问卷数").wait_for(timeout=30_000)
    page.get_by_role("button", name="生成二维码与海报").click()
    settle(page)
    page.get_by_text("张海报").first.wait_for(timeout=60_000)
    full_screenshot(page, screenshot_dir / "admin-2-campaign.png")
    page.close()
