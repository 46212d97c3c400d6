"""Helpers shared by the respondent-form tests: a campaign in a fresh store, tokens, form filling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from survey.campaign import CampaignSpec, SiteSpec
from survey.catalog import shipped_questionnaires
from survey.questionnaire import Questionnaire, QuestionType
from survey.storage import Store
from survey.tokens import make_token

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret-0123456789-abcdefghij"

TEXT_FORM = """
id: feedback
version: "1"
languages: [zh, en]
title: {zh: 意见反馈, en: Feedback}
introduction: {zh: 请留下您的意见。, en: Please leave your comments.}
audience: residents
sections:
  - id: main
    title: {zh: 意见, en: Comments}
    questions:
      - id: visits
        type: number
        label: {zh: 去年看中医几次？, en: "TCM visits last year?"}
        integer: true
        min: 0
        max: 100
        constraint: ". <= 50"
        constraint_message: {zh: 一年最多填50次, en: At most 50 a year}
      - id: comment
        type: text
        label: {zh: 您的意见, en: Your comments}
        required: false
indicators:
  - id: any_visit
    label: {zh: 看过中医, en: Saw a TCM doctor}
    kind: binary
    items: [visits]
    rule: "${visits} > 0"
"""


def make_campaign(store: Store, *, extra: list[Questionnaire] = (), site_name: str = "太阳村镇卫生院", days_open: int = 30):
    today = dt.date.today()
    questionnaires = [shipped_questionnaires()["resident"], shipped_questionnaires()["staff_policy"], *extra]
    spec = CampaignSpec("测试调查", "liunan", today - dt.timedelta(days=1), today + dt.timedelta(days=days_open), organizer="柳南区卫生健康局")
    sites = [
        SiteSpec("01A", site_name, "太阳村镇", "township_centre", quotas={}),
        SiteSpec("04B", "柳南街道社区卫生服务站", "柳南街道", "community_station"),
    ]
    return store.create_campaign(spec, questionnaires, sites)


def token_for(campaign, site_code: str, questionnaire_id: str) -> str:
    short_id = campaign.instrument_for(questionnaire_id).short_id
    return make_token(SECRET.encode(), campaign.id, site_code, short_id)


def open_form(token: str | None, language: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if token is not None:
        at.query_params["t"] = token
    at.session_state["lang"] = language
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, part: str):
    matches = [b for b in at.button if b.key and f".{part}" in b.key]
    assert matches, (part, [b.key for b in at.button])
    return matches[0]


def has_button(at: AppTest, part: str) -> bool:
    return any(b.key and f".{part}" in b.key for b in at.button)


def set_answer(at: AppTest, questionnaire: Questionnaire, qid: str, value) -> bool:
    """Set the widget of ``qid`` if it is on screen; True when it was."""
    suffix = f".q.{qid}"
    question = questionnaire.question(qid)
    if question.type is QuestionType.MULTIPLE:
        boxes = [c for c in at.checkbox if c.key and c.key.startswith(tuple(k.key for k in []) or "form.") and f"{suffix}." in c.key]
        if not boxes:
            return False
        for box in boxes:
            box.set_value(box.key.rsplit(".", 1)[1] in [str(v) for v in value])
        return True
    if question.type is QuestionType.NUMBER:
        widgets = [w for w in at.number_input if w.key and w.key.endswith(suffix)]
        if widgets:
            widgets[0].set_value(value)
        return bool(widgets)
    if question.type is QuestionType.TEXT:
        widgets = [w for w in at.text_area if w.key and w.key.endswith(suffix)]
        if widgets:
            widgets[0].input(value)
        return bool(widgets)
    widgets = [w for w in at.radio if w.key and w.key.endswith(suffix)]
    if widgets:
        widgets[0].set_value(str(value))
    return bool(widgets)


def fill_and_submit(at: AppTest, questionnaire: Questionnaire, answers: dict, *, submit: bool = True) -> AppTest:
    """Consent, then each section: answer what is on screen, Next; finally Submit."""
    consent = [c for c in at.checkbox if c.key and c.key.endswith(".consent")]
    if consent:
        consent[0].check()
    button(at, "start").click().run()
    for _ in range(len(questionnaire.sections) + 1):
        for section in questionnaire.sections:
            for qid in section.question_ids:
                if qid in answers:
                    if set_answer(at, questionnaire, qid, answers[qid]):
                        at.run()  # skip logic is live: the next question may appear now
        assert not at.exception, at.exception
        if has_button(at, "submit"):
            if submit:
                button(at, "submit").click().run()
            return at
        button(at, "next").click().run()
        assert not at.error, [e.value for e in at.error]
    raise AssertionError("never reached the submit button")
