"""AppTest checks of the household assignment page: admins only, typed codes, the sampling file,
clear errors, the list with visits and outcomes, reassignment."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from accounts import create_account
from survey.collect.households import HouseholdSpec

from .respond_helpers import make_campaign
from .test_admin import ADMIN_PASSWORD, app, sign_in, store  # noqa: F401  (the store fixture)

PAGE = "app/pages/admin_households.py"


@pytest.fixture
def campaign(store):  # noqa: F811
    create_account(store, "sam", "surveyor", "surveyor-pass-1", actor="test")
    create_account(store, "lin", "surveyor", "surveyor-pass-1", actor="test")
    return make_campaign(store)


def page(language: str = "zh"):
    at = sign_in(app(language), "admin", ADMIN_PASSWORD)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def households_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "户编号" in d.value.columns or "Household" in d.value.columns)


def test_admin_assigns_ten_households_and_sees_them_listed(store, campaign):  # noqa: F811
    at = page()
    assert at.title[0].value == "入户任务分派"
    at.selectbox(key=f"hh.site.{campaign.id}").select("01A").run()
    at.text_area(key="hh.codes").input("001-010").run()
    at.selectbox(key="hh.surveyor").select("sam").run()
    at.button(key="hh.assign_button").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已将 10 户分派给 sam" in s.value for s in at.success)
    table = households_table(at)
    assert table["户编号"].tolist() == [f"{i:03d}" for i in range(1, 11)]
    assert set(table["调查员"]) == {"sam"} and set(table["最终结果"]) == {"未访问"} and set(table["访谈已保存"]) == {"否"}
    stored = store.households(campaign.id, site_code="01A")
    assert len(stored) == 10 and {h.assigned_to for h in stored} == {"sam"}
    entry = store.audit_log(campaign.id, limit=1)[0]
    assert entry.action == "household.assigned" and entry.actor == "admin"


def test_visits_show_in_chinese_words_and_selected_households_are_reassigned(store, campaign):  # noqa: F811
    store.assign_households(campaign.id, [HouseholdSpec("01A", f"{i:03d}") for i in range(1, 4)], surveyor="sam", actor="test")
    first = store.households(campaign.id, site_code="01A")[0]
    store.record_visit(campaign.id, first.id, visited_at=dt.datetime.now(dt.timezone.utc), disposition="2.11",
                       nonce="visit-test-0001", actor="sam")
    at = page()
    at.selectbox(key=f"hh.site.{campaign.id}").select("01A").run()
    table = households_table(at)
    assert table["最终结果"].tolist() == ["拒访（2.11）", "未访问", "未访问"] and table["访问次数"].tolist() == [1, 0, 0]
    at.multiselect(key=f"hh.reassign.codes.{campaign.id}.01A").select("002").select("003").run()
    at.selectbox(key="hh.reassign.to").select("lin").run()
    at.button(key="hh.reassign.button").click().run()
    assert not at.exception
    assert any("已将 2 户分派给 lin" in s.value for s in at.success)
    assert [h.assigned_to for h in store.households(campaign.id, site_code="01A")] == ["sam", "lin", "lin"]
    assert households_table(at)["调查员"].tolist() == ["sam", "lin", "lin"]


def test_bad_codes_are_named_and_nothing_is_assigned(store, campaign):  # noqa: F811
    at = page()
    at.text_area(key="hh.codes").input("001-005, 003").run()
    at.button(key="hh.assign_button").click().run()
    assert any("household 003 is named twice" in e.value for e in at.error)
    at.text_area(key="hh.codes").input("020-010").run()
    at.button(key="hh.assign_button").click().run()
    assert any("020\\-010" in e.value and "backwards" in e.value for e in at.error)  # as Markdown text
    assert store.households(campaign.id) == []


def test_the_sampling_file_assigns_the_chosen_village_and_names_bad_rows(store, campaign):  # noqa: F811
    good = pd.DataFrame({"village": ["01A", "01A", "04B"], "household": ["01A-003", "01A-007", "04B-001"],
                         "position": [3, 7, 1]}).to_csv(index=False).encode()
    at = page()
    at.selectbox(key=f"hh.site.{campaign.id}").select("01A").run()
    at.radio(key="hh.how").set_value("file").run()
    at.file_uploader(key="hh.file").set_value(("households.csv", good, "text/csv")).run()
    at.selectbox(key="hh.surveyor").select("lin").run()
    at.button(key="hh.assign_button").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已将 2 户分派给 lin" in s.value and "另有 1 户属于其他村" in s.value for s in at.success)
    assert [h.code for h in store.households(campaign.id)] == ["01A-003", "01A-007"]
    bad = b"village,household\n01A,01A-009\nnowhere,x-1\n"
    at.file_uploader(key="hh.file").set_value(("bad.csv", bad, "text/csv")).run()
    at.button(key="hh.assign_button").click().run()
    assert any("第 3 行“village”列" in e.value and "nowhere" in e.value for e in at.error)
    assert len(store.households(campaign.id)) == 2


def test_evaluator_and_surveyor_cannot_open_the_page(store, campaign):  # noqa: F811
    create_account(store, "eva", "evaluator", "evaluator-pass", actor="test")
    for user, password in (("eva", "evaluator-pass"), ("sam", "surveyor-pass-1")):
        at = sign_in(app(), user, password)
        with pytest.raises(Exception):
            at.switch_page(PAGE).run()


def test_the_page_in_english(store, campaign):  # noqa: F811
    store.assign_households(campaign.id, [HouseholdSpec("01A", "001")], surveyor="sam", actor="test")
    at = page("en")
    at.selectbox(key=f"hh.site.{campaign.id}").select("01A").run()
    assert at.title[0].value == "Household assignments"
    assert households_table(at)["Final outcome"].tolist() == ["not visited"]
