"""AppTest: a new campaign on the demo site list gives every chosen instrument a quota and a poster."""

from __future__ import annotations

from survey.campaign.posters import poster_items

from .test_admin import ADMIN_PASSWORD, app, sign_in, store, texts  # noqa: F401 - store is a fixture


def test_the_local_staff_quiz_chosen_on_the_demo_list_gets_quotas_and_posters(store):  # noqa: F811
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/admin_new_campaign.py").run()
    at.text_input(key="admin.new.name").input("2026年柳南区本地测试")
    at.selectbox(key="admin.new.profile").set_value("liunan")
    at.multiselect(key="admin.new.questionnaires").set_value(["resident", "staff_policy_liunan", "literacy"])
    at.radio(key="admin.new.source").set_value("demo")
    next(b for b in at.button if b.label == "创建调查").click().run()
    assert not at.exception, at.exception
    assert any("已创建调查活动" in s.value for s in at.success), texts(at) + str([c.value for c in at.code])
    shown = texts(at)
    assert "柳南区中医药人员政策知晓测试：22 个调查点，配额合计 110 人" in shown
    assert "中医药健康文化素养调查：22 个调查点" in shown
    (campaign,) = store.campaigns()
    assert campaign.sites[0].quota("staff_policy_liunan") == 8
    items = poster_items(campaign, "https://survey.liunan.example.cn", b"0123456789abcdef0123456789abcdef")
    assert {i.instrument.questionnaire_id for i in items} == {"resident", "staff_policy_liunan", "literacy"}
    assert len(items) == 66


def test_a_local_quiz_of_another_profile_is_refused_in_chinese_before_creating(store):  # noqa: F811
    at = sign_in(app(), "admin", ADMIN_PASSWORD)
    at.switch_page("app/pages/admin_new_campaign.py").run()
    at.text_input(key="admin.new.name").input("2026年调查")
    at.selectbox(key="admin.new.profile").set_value("qinzhou")
    at.multiselect(key="admin.new.questionnaires").set_value(["resident", "staff_policy_liunan"])
    at.radio(key="admin.new.source").set_value("demo")
    next(b for b in at.button if b.label == "创建调查").click().run()
    assert not at.exception, at.exception
    error = " ".join(e.value for e in at.error)
    assert "尚未创建" in error and "柳南区中医药人员政策知晓测试" in error and "keyed" not in error
    assert store.campaigns() == []
    assert at.multiselect(key="admin.new.questionnaires").placeholder == "选择问卷（可多选）"
