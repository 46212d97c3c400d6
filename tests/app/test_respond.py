"""AppTest checks of the respondent form: tokens, sections, skip logic, validation, submit once."""

from __future__ import annotations

import numpy as np
import pytest

from survey.catalog import shipped_questionnaires
from survey.loader import parse_questionnaire_text
from survey.scoring import score
from survey.simulate import simulate_answers
from survey.storage import Store

from .respond_helpers import SECRET, TEXT_FORM, button, fill_and_submit, has_button, make_campaign, open_form, set_answer, token_for


@pytest.fixture
def store(monkeypatch, tmp_path):
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", "admin-password-1")
    with Store.open() as opened:  # TCM_SURVEY_DB from tests/app/conftest.py
        yield opened


def text_of(at) -> str:
    parts = [e.value for kind in ("title", "markdown", "caption", "subheader", "header", "error", "success", "warning", "info")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_resident_form_goes_section_by_section_and_stores_once(store):
    campaign = make_campaign(store)
    resident = shipped_questionnaires()["resident"]
    answers = next(a for seed in range(50) if (a := simulate_answers(resident, np.random.default_rng(seed)))["used_tcm"] == "yes")
    at = open_form(token_for(campaign, "01A", "resident"))
    text = text_of(at)
    assert "居民中医药服务调查" in text and "太阳村镇卫生院" in text and "自愿" in text
    assert not at.radio  # the introduction and consent come first
    at = fill_and_submit(at, resident, answers)
    assert not at.exception, at.exception
    assert "提交成功" in text_of(at)
    stored = store.responses(campaign.id)
    assert len(stored) == 1
    row = stored[0]
    assert (row.site_code, row.source, row.language) == ("01A", "qr", "zh")
    assert dict(row.scores) == score(resident, answers)
    assert not has_button(at, "submit")
    # the form's nonce sent again (a retry, a double tap reaching the server twice)
    result = store.submit(campaign.id, "01A", resident, answers, nonce=row.nonce)
    assert result.repeat and len(store.responses(campaign.id)) == 1


def test_sections_skip_logic_and_progress_are_live(store):
    campaign = make_campaign(store)
    resident = shipped_questionnaires()["resident"]
    at = open_form(token_for(campaign, "01A", "resident"))
    at.checkbox[0].check()
    button(at, "start").click().run()
    assert "第 1 部分，共 3 部分" in at.get("progress")[0].proto.text
    set_answer(at, resident, "used_tcm", "yes")
    at.run()
    assert "共 4 部分" in at.get("progress")[0].proto.text
    assert any(r.key.endswith(".q.tcm_frequency") for r in at.radio)  # shown at once, on the same page
    set_answer(at, resident, "used_tcm", "no")
    at.run()
    assert not any(r.key.endswith(".q.tcm_frequency") for r in at.radio)
    assert "共 3 部分" in at.get("progress")[0].proto.text


def test_missing_answers_are_marked_next_to_their_question(store):
    campaign = make_campaign(store)
    at = open_form(token_for(campaign, "01A", "resident"))
    button(at, "start").click().run()
    assert "请先勾选" in text_of(at)  # consent first
    at.checkbox[0].check()
    button(at, "start").click().run()
    button(at, "next").click().run()
    marks = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert marks and all("此题必答" in m for m in marks)
    assert "需要补充或修改" in at.error[0].value
    assert "第 1 部分" in at.get("progress")[0].proto.text  # still on the same section


def test_constraint_message_of_the_questionnaire_and_html_shown_as_text(store, monkeypatch):
    feedback = parse_questionnaire_text(TEXT_FORM, source="<feedback>")
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> **bold** [link](javascript:alert(2))"
    campaign = make_campaign(store, extra=[feedback], site_name="<b>卫生院</b><script>alert(3)</script>")
    at = open_form(token_for(campaign, "01A", "feedback"))
    caption = next(c.value for c in at.caption if "调查点" in c.value)
    assert "<b>" not in caption and "&lt;b&gt;" in caption and "&lt;script&gt;" in caption
    button(at, "start").click().run()
    set_answer(at, feedback, "visits", 60)
    set_answer(at, feedback, "comment", hostile)
    at.run()
    button(at, "submit").click().run()
    assert any("一年最多填50次" in m.value for m in at.markdown)  # the questionnaire's own message
    set_answer(at, feedback, "visits", 3)
    at.run()
    button(at, "submit").click().run()
    assert "提交成功" in text_of(at), text_of(at)
    (row,) = store.responses(campaign.id)
    assert row.answers["comment"] == hostile.strip()


def test_english_switch_on_the_form(store):
    campaign = make_campaign(store)
    at = open_form(token_for(campaign, "01A", "resident"), language="en")
    text = text_of(at)
    assert "Resident survey on TCM services" in text and "Site:" in text
    assert button(at, "start").label == "Start"
    at = open_form(token_for(campaign, "01A", "resident"), language="zh")
    at.button_group(key="lang").set_value("en").run()
    assert button(at, "start").label == "Start"


@pytest.mark.parametrize(
    "mangle, reason_text",
    [
        (lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), "签名无效"),
        (lambda t: t.replace("01A", "04B"), "改动过"),
        (lambda t: t[:5], "链接不完整"),
        (lambda t: "", "没有找到调查链接"),
    ],
)
def test_bad_tokens_get_a_clear_page_and_store_nothing(store, mangle, reason_text):
    campaign = make_campaign(store)
    at = open_form(mangle(token_for(campaign, "01A", "resident")))
    assert reason_text in text_of(at)
    assert not at.radio and not at.checkbox and not at.button
    assert store.responses(campaign.id) == []


def test_closed_campaign_is_refused(store):
    campaign = make_campaign(store)
    store.close_campaign(campaign.id)
    at = open_form(token_for(campaign, "01A", "resident"))
    assert "本次调查已经结束" in text_of(at)
    assert not at.button


def test_staff_quiz_thank_you_page_shows_score_keys_and_explanations(store):
    campaign = make_campaign(store)
    staff = shipped_questionnaires()["staff_policy"]
    answers = simulate_answers(staff, np.random.default_rng(11))
    at = open_form(token_for(campaign, "01A", "staff_policy"), language="en")
    at = fill_and_submit(at, staff, answers)
    text = text_of(at)
    assert "Your score:" in text
    assert "NPC Standing Committee on 25 December 2016" in text  # an explanation
    assert text.count("✓ Correct") + text.count("✗ Your answer") == len(staff.scored_questions)
    (row,) = store.responses(campaign.id)
    assert row.language == "en" and row.scores["staff_policy_score"] == score(staff, answers)["staff_policy_score"]


def test_the_form_page_is_the_only_page_of_a_respondent_session(store):
    campaign = make_campaign(store)
    at = open_form(token_for(campaign, "01A", "resident"))
    with pytest.raises(Exception):
        at.switch_page("app/pages/login.py").run()
    assert not at.sidebar.children or not any(True for _ in at.sidebar)
