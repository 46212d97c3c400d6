"""Helpers shared by the form and admin tests: a campaign in a fresh store, its tokens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from survey.campaign import CampaignSpec, SiteSpec
from survey.questionnaire.catalog import shipped_questionnaires
from survey.questionnaire import Questionnaire
from survey.storage import Store
from survey.campaign.tokens import make_token

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


PHONE = "0772-3825100"


def make_campaign(store: Store, *, extra: list[Questionnaire] = (), site_name: str = "太阳村镇卫生院", days_open: int = 30,
                  answer_key: str = "after_close"):
    today = dt.date.today()
    questionnaires = [shipped_questionnaires()["resident"], shipped_questionnaires()["staff_policy"], *extra]
    spec = CampaignSpec("测试调查", "liunan", today - dt.timedelta(days=1), today + dt.timedelta(days=days_open),
                        organizer="柳南区卫生健康局", contact_phone=PHONE, answer_key=answer_key, keep_months=24)
    sites = [
        SiteSpec("01A", site_name, "太阳村镇", "township_centre", quotas={}),
        SiteSpec("04B", "柳南街道社区卫生服务站", "柳南街道", "community_station"),
    ]
    return store.create_campaign(spec, questionnaires, sites, actor="test")


def token_for(campaign, site_code: str, questionnaire_id: str) -> str:
    short_id = campaign.instrument_for(questionnaire_id).short_id
    return make_token(SECRET.encode(), campaign.id, site_code, short_id)


def open_view(at, label: str):  # noqa: ANN001, ANN201
    """Open one view (tab) of the dashboard by its label and rerun: only the open view runs."""
    at.session_state["dash.view"] = label
    return at.run()


def make_files(at) -> list[str]:  # noqa: ANN001
    """In the dashboard's 报告与数据下载 view, make every file (one button each); their keys."""
    keys = [b.key for b in at.button if str(b.key).startswith("dash.export.make.")]
    for key in keys:
        at.button(key=key).click().run()
    return keys
