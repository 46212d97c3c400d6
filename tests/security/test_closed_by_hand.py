"""A campaign closed by hand while a form is open: the form is refused with the real closing day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from survey.questionnaire.catalog import shipped_questionnaires
from survey.collect.simulate import simulate_answers
from survey.storage import Store, SubmitError
from tests.app.respond_helpers import SECRET, make_campaign, token_for
from tests.app.web.conftest import web_client
from tests.app.web.form_client import FormRespondent, section_fields

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TCM_SURVEY_DB", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.setenv("TCM_SURVEY_DATA", str(tmp_path))
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", "admin-password-1")
    with Store.open() as opened:
        yield opened


def today_in(campaign) -> dt.date:
    return dt.datetime.now(dt.timezone.utc).astimezone(ZoneInfo(campaign.timezone)).date()


def test_refusal_carries_the_campaign_as_closed(store):
    campaign = make_campaign(store, days_open=30)
    resident = shipped_questionnaires()["resident"]
    answers = simulate_answers(resident, np.random.default_rng(1))
    store.close_campaign(campaign.id, actor="test")
    with pytest.raises(SubmitError) as caught:
        store.submit(campaign.id, "01A", resident, answers, nonce="nonce-closed-hand-1")
    assert caught.value.reason == "closed"
    assert caught.value.campaign is not None and caught.value.campaign.closed_at is not None
    assert caught.value.campaign.closing_date() == today_in(campaign) != campaign.closes_on
    assert store.responses(campaign.id) == []


def test_form_open_while_closed_by_hand_shows_the_real_closing_day(store):
    campaign = make_campaign(store, days_open=30)
    resident = shipped_questionnaires()["resident"]
    answers = simulate_answers(resident, np.random.default_rng(2))
    respondent = FormRespondent(web_client(), token_for(campaign, "01A", "resident"))
    respondent.open()
    respondent.start()
    page = respondent.fill(answers, submit=False)
    store.close_campaign(campaign.id, actor="test")  # by the admin, while the respondent is still on the form
    page = respondent.post("submit", section_fields(page, answers))
    assert page.page == "notice"
    assert f"截止日期：{today_in(campaign).isoformat()}" in page.html, page.html
    assert campaign.closes_on.isoformat() not in page.html
    assert store.responses(campaign.id) == []
