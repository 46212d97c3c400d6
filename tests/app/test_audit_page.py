"""The audit page: admins and evaluators read who changed what, in Chinese words, never raw codes."""

from __future__ import annotations

import pytest

from accounts import create_account

from .respond_helpers import make_campaign
from .test_admin import ADMIN_PASSWORD, app, sign_in, store  # noqa: F401 - the fixture


def test_admin_reads_each_change_in_words(store):
    campaign = make_campaign(store)
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/admin_sites.py").run()
    quota_inputs = [n for n in at.number_input if "配额" in n.label]
    quota_inputs[0].set_value(55)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    store.close_campaign(campaign.id, actor="admin")
    at.switch_page("app/pages/admin_audit.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["时间", "操作人", "操作", "调查活动", "内容", "理由"]
    assert list(table["操作"])[:3] == ["结束调查活动", "修改调查点名称或配额", "新建调查活动"]
    assert list(table["操作人"])[:2] == ["admin", "admin"]
    changed = table["内容"].iloc[1]
    assert "调查点 01A" in changed and "55" in changed, changed
    text = table.to_csv()
    assert "campaign.closed" not in text and "site.changed" not in text and "account.created" not in text
    assert "系统" in set(table["操作人"])  # the first admin, made at start-up


def test_filters_narrow_the_rows(store):
    campaign = make_campaign(store)
    store.close_campaign(campaign.id, actor="admin")
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/admin_audit.py").run()
    at.selectbox(key="audit.campaign").set_value(campaign.id).run()
    assert set(at.dataframe[0].value["操作"]) == {"结束调查活动", "新建调查活动"}
    at.multiselect(key="audit.actions").set_value(["campaign.closed"]).run()
    assert list(at.dataframe[0].value["操作"]) == ["结束调查活动"]


def test_evaluator_reads_it_and_a_surveyor_cannot(store):
    make_campaign(store)
    create_account(store, "eva", "evaluator", "evaluator-pw-1", actor="admin")
    create_account(store, "sun", "surveyor", "surveyor-pw-1", actor="admin")
    at = sign_in(app(), "eva", "evaluator-pw-1")
    at.switch_page("app/pages/admin_audit.py").run()
    assert not at.exception and "新建账户" in set(at.dataframe[0].value["操作"])
    at = sign_in(app(), "sun", "surveyor-pw-1")
    with pytest.raises(Exception):
        at.switch_page("app/pages/admin_audit.py").run()
