"""AppTest checks of the admin area: nothing without login, roles, throttling, campaign pages."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from accounts import create_account
from survey.questionnaire.catalog import shipped_questionnaires
from survey.collect.simulate import simulate_answers
from survey.storage import Store

from .respond_helpers import ROOT, SECRET, make_campaign
from .web.form_client import FormRespondent
from .web.conftest import web_client

ADMIN_PASSWORD = "admin-password-1"
ADMIN_PAGES = ["admin_campaigns", "admin_new_campaign", "admin_sites", "admin_households", "admin_surveyor", "admin_users"]


@pytest.fixture
def store(monkeypatch):
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("TCM_SURVEY_DEMO", raising=False)
    with Store.open() as opened:
        from accounts import ensure_first_admin

        ensure_first_admin(opened)
        yield opened


def app(language: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.session_state["lang"] = language
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.switch_page("app/pages/login.py").run()
    at.text_input(key="admin.login.username").input(username)
    at.text_input(key="admin.login.password").input(password)
    next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(
        str(e.value) for kind in ("title", "markdown", "caption", "error", "success", "info", "warning") for e in getattr(at, kind)
    )


def test_a_visitor_reaches_no_admin_page(store):
    at = app()
    for page in ADMIN_PAGES:
        with pytest.raises(Exception):
            at.switch_page(f"app/pages/{page}.py").run()
    at = app()
    at.switch_page("app/pages/login.py").run()
    assert at.text_input(key="admin.login.password")
    assert "调查活动" not in [e.value for e in at.title]


def test_wrong_password_is_refused_and_repeated_failures_lock_the_name(store):
    from accounts import ACCOUNT_FREE_FAILURES

    at = app()
    for attempt in range(ACCOUNT_FREE_FAILURES):
        sign_in(at, "admin", f"wrong-{attempt}")
    assert any("请" in e.value and "秒后再试" in e.value for e in at.error)
    sign_in(at, "admin", ADMIN_PASSWORD)  # locked: even the right password waits
    assert any("秒后再试" in e.value for e in at.error)
    with pytest.raises(Exception):
        at.switch_page("app/pages/admin_campaigns.py").run()


def test_admin_signs_in_and_sees_counts_per_site(store):
    campaign = make_campaign(store)
    resident = shipped_questionnaires()["resident"]
    for seed in range(3):
        store.submit(campaign.id, "04B", resident, simulate_answers(resident, np.random.default_rng(seed)), nonce=f"nonce-{seed:04d}")
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    assert "已登录：admin" in texts(at)
    at.switch_page("app/pages/admin_campaigns.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    row = table[(table["编号"] == "04B") & (table["问卷"] == "居民中医药服务调查")]
    assert int(row["已收"].iloc[0]) == 3
    assert at.metric[1].value == "3"
    shown = texts(at)
    assert "liunan" not in shown and "辖区标准：" in shown  # the profile's name
    today = __import__("datetime").date.today()
    assert f"{today.year}年" in shown and "调查时间：" in shown  # whole dates in words
    at.button(key="admin.close").click().run()
    assert store.campaign(campaign.id).status() == "open"  # asked first
    assert "确定要结束" in texts(at)
    at.button(key="admin.close.yes").click().run()
    assert store.campaign(campaign.id).status() == "closed"
    at.button(key="admin.reopen").click().run()
    assert store.campaign(campaign.id).status() == "open"


def test_admin_makes_posters_for_download(store):
    make_campaign(store)
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/admin_campaigns.py").run()
    at.text_input(key=next(k.key for k in at.text_input if k.key.startswith("admin.base_url"))).input("https://survey.example.gov.cn").run()
    at.button(key="admin.make_posters").click().run()
    assert not at.exception, at.exception
    assert any("张海报" in s.value for s in at.success), texts(at)
    made = at.session_state["admin.posters.1"]
    assert made["pdf"].startswith(b"%PDF") and made["zip"].startswith(b"PK")
    assert made["n"] == 4  # two sites, two questionnaires


def test_posters_for_an_address_no_phone_reaches_are_made_only_after_a_warning(store):
    make_campaign(store)
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/admin_campaigns.py").run()
    field = next(k.key for k in at.text_input if k.key.startswith("admin.base_url"))
    at.text_input(key=field).input("http://127.0.0.1:8751").run()
    warned = " ".join(w.value for w in at.warning)
    assert "本机地址" in warned and "不是 https" in warned and "TCM_SURVEY_PUBLIC_URL" in warned
    assert at.button(key="admin.make_posters").disabled
    at.checkbox(key="admin.posters.anyway.1").check().run()
    assert not at.button(key="admin.make_posters").disabled
    at.text_input(key=field).input("https://survey.example.gov.cn").run()  # a public https address: no word
    assert not any("TCM_SURVEY_PUBLIC_URL" in w.value for w in at.warning) and not at.button(key="admin.make_posters").disabled


def test_evaluator_reads_but_cannot_change(store):
    campaign = make_campaign(store)
    create_account(store, "eva", "evaluator", "evaluator-pass", actor="test")
    at = sign_in(app(), "eva", "evaluator-pass")
    at.switch_page("app/pages/admin_campaigns.py").run()
    assert not at.exception, at.exception
    assert "评估员只能查看" in texts(at)
    assert not [b for b in at.button if b.key in ("admin.close", "admin.make_posters")]
    for page in ("admin_sites", "admin_new_campaign", "admin_users"):
        with pytest.raises(Exception):
            at.switch_page(f"app/pages/{page}.py").run()
    assert store.campaign(campaign.id).status() == "open"


def test_surveyor_fills_the_form_flagged_as_surveyor(store):
    campaign = make_campaign(store)
    create_account(store, "zhang", "surveyor", "surveyor-pass", actor="test")
    at = sign_in(app(), "zhang", "surveyor-pass")
    with pytest.raises(Exception):
        at.switch_page("app/pages/admin_campaigns.py").run()
    at = sign_in(app(), "zhang", "surveyor-pass")
    at.switch_page("app/pages/admin_surveyor.py").run()
    assert not at.exception, at.exception
    at.selectbox(key=f"admin.surveyor.instrument.{campaign.id}").set_value("s").run()
    (link,) = at.get("link_button")
    url = link.proto.url
    assert url.startswith("/?t=") and "&g=" in url
    # the link carries the Streamlit login over to the HTML form (signed, short-lived)
    client = web_client()
    opened = client.get(url, follow_redirects=False)
    assert opened.status_code == 303 and "g=" not in opened.headers["location"]
    (granted,) = store.audit_log(campaign.id, actions=["surveyor.granted"])
    assert granted.actor == "zhang" and granted.words() == "调查员开始代填"
    respondent = FormRespondent(client, opened.headers["location"].split("t=")[1].split("&")[0], query="&by=surveyor")
    page = respondent.open()
    assert "调查员代填模式" in page.html and "zhang" in page.html
    respondent.start(mode="paper")
    staff = shipped_questionnaires()["staff_policy"]
    page = respondent.fill(simulate_answers(staff, np.random.default_rng(5)))
    assert page.page == "thanks" and page.has("another")
    (row,) = store.responses(campaign.id)
    assert row.source == "surveyor" and row.questionnaire_id == "staff_policy"


def test_admin_creates_the_demo_campaign_and_edits_quotas(store):
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/admin_new_campaign.py").run()
    at.text_input(key="admin.new.name").input("2026年钦州市居民调查")
    at.text_input(key="admin.new.organizer").input("<script>alert(1)</script>钦州市卫健委")
    at.text_input(key="admin.new.phone").input("0777-2822100")
    at.number_input(key="admin.new.keep_months").set_value(18)
    at.radio(key="admin.new.answer_key").set_value("after_submit")
    at.radio(key="admin.new.source").set_value("demo")
    next(b for b in at.button if b.label == "创建调查").click().run()
    assert not at.exception, at.exception
    assert any("已创建调查活动" in s.value for s in at.success), texts(at)
    (campaign,) = store.campaigns()
    assert len(campaign.sites) == 22
    assert (campaign.contact_phone, campaign.keep_months, campaign.answer_key) == ("0777-2822100", 18, "after_submit")
    at.switch_page("app/pages/admin_campaigns.py").run()
    organizer_line = next(m.value for m in at.markdown if "钦州市卫健委" in m.value)
    assert "<script>" not in organizer_line and "&lt;script&gt;" in organizer_line
    at.switch_page("app/pages/admin_sites.py").run()
    assert not at.exception, at.exception
    first = campaign.sites[0]
    quota_inputs = [n for n in at.number_input if "配额" in n.label]
    quota_inputs[0].set_value(55)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    assert store.campaign(campaign.id).site(first.code).quotas["resident"] == 55


def test_admin_area_in_english(store):
    make_campaign(store)
    at = sign_in(app("en"), "admin", ADMIN_PASSWORD)
    assert "Signed in as admin" in texts(at)
    at.switch_page("app/pages/admin_campaigns.py").run()
    assert "Responses per site" in [s.value for s in at.subheader]


def test_free_text_answers_are_shown_as_text_in_the_admin_area(store):
    from survey.questionnaire.loader import parse_questionnaire_text

    from .respond_helpers import TEXT_FORM

    feedback = parse_questionnaire_text(TEXT_FORM, source="<feedback>")
    campaign = make_campaign(store, extra=[feedback])
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> **bold**"
    store.submit(campaign.id, "01A", feedback, {"visits": 2, "comment": hostile}, nonce="hostile-0001")
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/admin_campaigns.py").run()
    assert not at.exception, at.exception
    recent = at.dataframe[-1].value
    assert any(hostile in str(cell) for cell in recent.iloc[:, -1])  # a data grid cell: plain text
    assert not any("<script>" in m.value or "<img" in m.value for m in at.markdown)
