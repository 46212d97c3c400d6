"""AppTest checks of the complaints page: an admin sees the reply number and marks a complaint
handled (one audit row); an evaluator reads the list without numbers or buttons."""

from __future__ import annotations

import numpy as np
import pytest

from accounts import create_account
from survey.collect.simulate import simulate_answers
from survey.questionnaire.catalog import shipped_questionnaires
from survey.storage import Store

from .respond_helpers import SECRET, make_campaign
from .test_review import PASSWORD, signed_in, texts

MOBILE = "13977012345"


@pytest.fixture
def filled(monkeypatch, tmp_path):
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv("TCM_SURVEY_ADMIN_PASSWORD", "admin-password-1")
    monkeypatch.delenv("TCM_SURVEY_DEMO", raising=False)
    store = Store.open(f"sqlite:///{tmp_path / 'app.sqlite'}")
    from accounts import ensure_first_admin

    ensure_first_admin(store)
    create_account(store, "eva", "evaluator", PASSWORD, actor="test")
    campaign = make_campaign(store)
    resident = shipped_questionnaires()["resident"]
    for i, text in enumerate(["中医馆候诊太久", "", "希望社区多开八段锦课"]):
        answers = {**simulate_answers(resident, np.random.default_rng(i)), "suggestions": text}
        store.submit(campaign.id, "01A", resident, answers, nonce=f"page-test-{i:04d}")
    store.leave_reply_number(campaign.id, "page-test-0000", MOBILE)
    yield store, campaign
    store.close()


def test_admin_marks_a_complaint_handled(filled) -> None:
    store, campaign = filled
    at = signed_in("admin", "admin-password-1")
    at.switch_page("app/pages/complaints.py").run()
    assert not at.exception, at.exception
    (table,) = [d.value for d in at.dataframe]
    assert list(table["内容"]) == ["希望社区多开八段锦课", "中医馆候诊太久"] and MOBILE in set(table["回复电话"])
    first = next(c for c in store.complaints(campaign.id) if c.phone)
    at.selectbox(key=f"complaints.picked.{campaign.id}").select(first.response_id).run()
    at.text_area(key=f"complaints.note.{first.response_id}").input("已电话回复，医院已增加周末门诊")
    next(b for b in at.button if b.label == "标为已处理").click().run()
    assert not at.exception, at.exception
    assert "已将问卷" in texts(at)
    done = {c.response_id: c for c in store.complaints(campaign.id)}[first.response_id]
    assert (done.status, done.handled_by, done.note) == ("handled", "admin", "已电话回复，医院已增加周末门诊")
    assert [(e.action, e.actor) for e in store.audit_log(campaign.id, actions=["complaint.handled"])] == [("complaint.handled", "admin")]


def test_an_evaluator_reads_without_numbers_or_buttons(filled) -> None:
    store, campaign = filled
    at = signed_in("eva")
    at.switch_page("app/pages/complaints.py").run()
    assert not at.exception, at.exception
    (table,) = [d.value for d in at.dataframe]
    assert len(table) == 2 and MOBILE not in table.to_csv() and "有（仅管理员可见）" in set(table["回复电话"])
    assert not [b for b in at.button if b.label == "标为已处理"] and "评估人员只能查看" in texts(at)
