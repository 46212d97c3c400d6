"""The thank-you page's complaint part without JavaScript: the hotline, the reply offer only after
a complaint, its own consent before the number is kept, the number apart from the answers."""

from __future__ import annotations

from tests.app.respond_helpers import PHONE

from .form_client import FormRespondent, section_fields
from .test_routes import resident_answers

MOBILE = "13977012345"


def _thanks(client, token: str, **override) -> FormRespondent:  # noqa: ANN001
    respondent = FormRespondent(client, token)
    respondent.open()
    respondent.start()
    page = respondent.fill(resident_answers(5, used_tcm="yes", **override))
    assert page.page == "thanks", page.html[:2000]
    return respondent


def test_the_thank_you_page_names_the_hotline_and_offers_a_reply_only_after_a_complaint(client, resident_token, store, campaign) -> None:
    quiet = _thanks(client, resident_token, suggestions="")
    assert "柳南区卫生健康局电话：" in quiet.page.html and f'href="tel:{PHONE.replace("-", "")}"' in quiet.page.html and 'id="hotline"' in quiet.page.html
    assert 'name="reply_phone"' not in quiet.page.html and not quiet.page.has("reply")
    said = _thanks(client, resident_token, suggestions="中医馆候诊太久，希望增加医生")
    assert said.page.has("reply") and 'name="reply_consent"' in said.page.html and "号码与问卷答案分开保存" in said.page.html


def test_the_thank_you_page_seals_the_state_only_when_it_carries_it(client, resident_token, store, campaign, monkeypatch) -> None:
    """Sealing costs CPU on every submit: a thank-you page without the reply form does not seal."""
    import app.web.state as state_module

    sealed: list[str] = []
    real_seal = state_module.seal

    def counting(*args, **kwargs):
        sealed.append(real_seal(*args, **kwargs))
        return sealed[-1]

    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    answers = resident_answers(5, used_tcm="yes", suggestions="")
    last = respondent.fill(answers, submit=False)
    monkeypatch.setattr(state_module, "seal", counting)
    assert respondent.post("submit", section_fields(last, answers)).page == "thanks"
    assert sealed == [] and 'name="state"' not in respondent.page.html
    said = _thanks(client, resident_token, suggestions="中医馆候诊太久")
    assert said.page.hidden["state"] in sealed  # the reply form's state is the one sealed for it
    page = said.post("reply", [("reply_phone", MOBILE)])
    assert "请先勾选同意" in page.html and page.hidden["state"]  # and it opens again: the reply is read


def test_without_its_own_consent_no_number_is_kept(client, resident_token, store, campaign) -> None:
    respondent = _thanks(client, resident_token, suggestions="药价偏高")
    page = respondent.post("reply", [("reply_phone", MOBILE)])
    assert page.page == "thanks" and "请先勾选同意" in page.html and MOBILE in page.html  # kept in the field, not stored
    assert [c.phone for c in store.complaints(campaign.id)] == [None]


def test_a_wrong_number_is_asked_again_and_a_right_one_is_kept_apart(client, resident_token, store, campaign) -> None:
    respondent = _thanks(client, resident_token, suggestions="挂号流程复杂，投诉")
    page = respondent.post("reply", [("reply_consent", "1"), ("reply_phone", "12345")])
    assert "这不像是电话号码" in page.html and page.has("reply")
    page = respondent.post("reply", [("reply_consent", "1"), ("reply_phone", "139 7701 2345")])
    assert page.page == "thanks" and 'id="reply-sent"' in page.html and not page.has("reply")
    (complaint,) = store.complaints(campaign.id)
    assert (complaint.phone, complaint.text, complaint.status) == (MOBILE, "挂号流程复杂，投诉", "open")
    (row,) = store.responses(campaign.id)
    assert MOBILE not in repr(row) and row.answers["suggestions"] == "挂号流程复杂，投诉"
    assert len(store.responses(campaign.id)) == 1  # the reply stored no second response


def test_a_form_without_a_complaint_cannot_leave_a_number(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    answers = resident_answers(5, used_tcm="yes", suggestions="")
    last = respondent.fill(answers, submit=False)
    sealed = dict(last.hidden)
    assert respondent.post("submit", section_fields(last, answers)).page == "thanks"
    assert 'name="reply_phone"' not in respondent.page.html
    respondent.page = last  # a hand-made post with the form's own sealed state
    last.hidden.update(sealed)
    page = respondent.post("reply", [("reply_consent", "1"), ("reply_phone", MOBILE)])
    assert "无需留下电话" in page.html and store.complaints(campaign.id) == []


def test_a_campaign_without_a_phone_shows_no_hotline(client, store) -> None:
    import datetime as dt

    from survey.campaign import CampaignSpec, SiteSpec
    from survey.questionnaire.catalog import shipped_questionnaires
    from tests.app.respond_helpers import token_for

    today = dt.date.today()
    spec = CampaignSpec("无电话", "liunan", today - dt.timedelta(days=1), today + dt.timedelta(days=9), organizer="某卫健局")
    campaign = store.create_campaign(spec, [shipped_questionnaires()["resident"]],
                                     [SiteSpec("01A", "某卫生院", "某镇", "township_centre")], actor="test")
    respondent = _thanks(client, token_for(campaign, "01A", "resident"), suggestions="很好")
    assert 'id="hotline"' not in respondent.page.html and respondent.page.has("reply")


def test_wrote_feedback_is_feedback_text_not_empty() -> None:
    from app.web.reply import wrote_feedback
    from survey.collect.complaints import feedback_questions, feedback_text
    from survey.questionnaire.catalog import shipped_questionnaires

    for questionnaire in shipped_questionnaires().values():
        for qid in (*feedback_questions(questionnaire), "no_such_question"):
            for value in ("中医馆候诊太久", "  ", "", None, 0, 3):
                answers = {qid: value}
                assert wrote_feedback(questionnaire, answers) == bool(feedback_text(questionnaire, answers)), (qid, value)
