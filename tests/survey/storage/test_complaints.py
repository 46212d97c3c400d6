"""Complaints and suggestions in the store: listed from the feedback answers, a reply number kept
apart, each change of status one audit row (never carrying the number)."""

from __future__ import annotations

import pytest

from survey.collect.complaints import ComplaintError, PhoneError, feedback_questions, feedback_text, mask_phones, parse_phone
from survey.questionnaire.loader import parse_questionnaire_text
from survey.storage import ACTIONS, Store

from .helpers import GOOD_ANSWERS, MINI

WITH_COMMENT = MINI.replace("indicators:", """  - id: extra
    title: {zh: 意见, en: Comments}
    questions:
      - id: other_site
        type: text
        required: false
        label: {zh: 其他机构名称, en: Other place}
        relevant: "${used} = 'yes'"
      - id: comment
        type: text
        required: false
        label: {zh: 您的意见、建议或投诉, en: Comments or complaints}
indicators:""", 1)
PHONE = "13877123456"


@pytest.fixture
def commented(store: Store):
    from .helpers import open_spec, sites

    q = parse_questionnaire_text(WITH_COMMENT, source="<comment>")
    return store.create_campaign(open_spec(), [q], sites(), actor="test"), q


def test_feedback_questions_are_free_text_always_asked_outside_indicators() -> None:
    q = parse_questionnaire_text(WITH_COMMENT, source="<comment>")
    assert feedback_questions(q) == ("comment",)
    assert feedback_text(q, {"comment": "  候诊太久  ", "other_site": "药店"}) == "候诊太久"
    assert feedback_text(q, {"comment": "  "}) == ""


@pytest.mark.parametrize("text, stored", [
    ("13877123456", "13877123456"), ("+86 138-7712-3456", "13877123456"), ("0772-3825100", "0772-3825100"),
    ("（0772）3825100", "0772-3825100"), ("07723825100转12", "0772-3825100转12"), ("010 62345678", "010-62345678"),
    ("020-87654321", "020-87654321"),
])
def test_phone_numbers_are_written_one_way(text: str, stored: str) -> None:
    assert parse_phone(text) == stored


@pytest.mark.parametrize("text", ["", "   ", "12345", "1387712345", "23877123456", "abc13877123456", "0772-0825100",
                                  "00772-3825100", "138771234567", None])
def test_what_is_not_a_phone_number_is_refused(text) -> None:  # noqa: ANN001
    with pytest.raises(PhoneError):
        parse_phone(text)


def test_numbers_in_a_note_are_masked() -> None:
    assert mask_phones("已打 138 7712 3456 回复，另 0772-3825100，共3次") == "已打 138******56 回复，另 077******00，共3次"


def test_complaints_listed_with_their_handling(store: Store, commented) -> None:
    campaign, q = commented
    plain = store.submit(campaign.id, "01", q, GOOD_ANSWERS, nonce="plain-0001").response_id
    first = store.submit(campaign.id, "01", q, {**GOOD_ANSWERS, "comment": "候诊时间太长"}, nonce="complain-0001").response_id
    second = store.submit(campaign.id, "02", q, {**GOOD_ANSWERS, "comment": "希望增加八段锦课程"}, nonce="complain-0002").response_id
    kept = store.leave_reply_number(campaign.id, "complain-0001", "138-7712-3456")
    assert kept.response_id == first and kept.receipt
    items = {c.response_id: c for c in store.complaints(campaign.id)}
    assert set(items) == {first, second} and plain not in items
    assert (items[first].text, items[first].phone, items[first].status, items[first].site_code) == ("候诊时间太长", PHONE, "open", "01")
    assert (items[second].phone, items[second].status, items[second].handled_by) == (None, "open", None)

    audit_id = store.set_complaint_status(campaign.id, first, "handled", actor="admin", note="已电话回复 13877123456，医院已调整排班")
    assert audit_id is not None
    after = {c.response_id: c for c in store.complaints(campaign.id)}[first]
    assert (after.status, after.handled_by, after.phone) == ("handled", "admin", PHONE) and after.handled_at is not None
    assert after.note == "已电话回复 13877123456，医院已调整排班"
    assert store.set_complaint_status(campaign.id, first, "handled", actor="admin", note="补充：患者满意") is None  # note only
    store.set_complaint_status(campaign.id, first, "open", actor="boss", note="患者再次来电")
    store.set_complaint_status(campaign.id, second, "handled", actor="admin")  # no row yet: made now
    log = list(reversed(store.audit_log(campaign.id, actions=["complaint.handled", "complaint.reopened"])))
    assert [(e.action, e.response_id, e.actor) for e in log] == [
        ("complaint.handled", first, "admin"), ("complaint.reopened", first, "boss"), ("complaint.handled", second, "admin")]
    assert log[0].detail == {"from": "open", "to": "handled"} and log[0].reason == "已电话回复 138******56，医院已调整排班"
    assert all(PHONE not in repr(e) for e in store.audit_log(campaign.id))
    reopened = {c.response_id: c for c in store.complaints(campaign.id)}[first]
    assert (reopened.status, reopened.handled_by, reopened.handled_at, reopened.note) == ("open", None, None, "患者再次来电")
    assert ACTIONS["complaint.handled"]["zh"] and ACTIONS["complaint.reopened"]["zh"]


def test_a_second_number_replaces_the_first_and_unknown_forms_are_refused(store: Store, commented) -> None:
    campaign, q = commented
    store.submit(campaign.id, "01", q, {**GOOD_ANSWERS, "comment": "药价偏高"}, nonce="complain-0003")
    store.leave_reply_number(campaign.id, "complain-0003", "13877123456")
    store.leave_reply_number(campaign.id, "complain-0003", "0772-3825100")
    assert [c.phone for c in store.complaints(campaign.id)] == ["0772-3825100"]
    with pytest.raises(ComplaintError):
        store.leave_reply_number(campaign.id, "never-stored-0001", "13877123456")
    with pytest.raises(PhoneError):
        store.leave_reply_number(campaign.id, "complain-0003", "12345")
    with pytest.raises(ComplaintError):
        store.set_complaint_status(campaign.id, 999_999, "handled", actor="admin")
    with pytest.raises(ComplaintError):
        store.set_complaint_status(campaign.id, store.complaints(campaign.id)[0].response_id, "done", actor="admin")


def test_the_phone_never_reaches_the_response_frame(store: Store, commented) -> None:
    campaign, q = commented
    store.submit(campaign.id, "01", q, {**GOOD_ANSWERS, "comment": "态度很好"}, nonce="complain-0004")
    store.leave_reply_number(campaign.id, "complain-0004", PHONE)
    frame = store.response_frame(campaign.id, with_answers=True)
    assert PHONE not in frame.to_csv() and "态度很好" in frame.to_csv()
    assert all(PHONE not in repr(r) for r in store.responses(campaign.id))
