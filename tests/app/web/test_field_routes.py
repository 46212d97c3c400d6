"""The field app without JavaScript (plain HTTP, as a phone with scripts off), its sync endpoint,
and the bytes of every screen."""

from __future__ import annotations

import gzip
import json
import re
from html import unescape

import numpy as np

from sampling import select_member
from survey.collect.members import household_key, selection_seed
from survey.collect.simulate import simulate_answers
from survey.questionnaire.catalog import shipped_questionnaires
from tests.app.respond_helpers import SECRET

from .field_helpers import hidden, post_roster, post_visit, sign_in, surveyor_with_households, text_of
from .form_client import FormRespondent

RESIDENT = shipped_questionnaires()["resident"]
LIMIT = 30 * 1024
SYNC_HEADERS = {"content-type": "application/json", "x-field-sync": "1"}


def answers(seed: int = 3) -> dict:
    return simulate_answers(RESIDENT, np.random.default_rng(seed))


def path(h) -> str:  # noqa: ANN001
    return f"/field/h/{h.campaign_id}/{h.id}"


def test_tasks_list_the_surveyors_households_by_village_with_their_status(store, campaign, client):
    households = surveyor_with_households(store, campaign, n=3)
    surveyor_with_households(store, campaign, name="bob", n=0)
    store.assign_households(campaign.id, [households[0].__class__.__bases__[0]("04B", "900")], surveyor="bob", actor="test")
    sign_in(client)
    page = text_of(client.get("/field/tasks").text)
    assert "我的入户任务" in page and "太阳村镇卫生院：3 户，已结束 0 户" in page
    assert page.count("未访问") == 3 and "第 900 户" not in page
    post_visit(client, path(households[0]), "2.24")
    post_visit(client, path(households[1]), "2.11")
    page = text_of(client.get("/field/tasks").text)
    assert "已访问1次：未接触：家中无人" in page and "已结束：拒访" in page and "已结束 1 户" in page
    english = text_of(client.get("/field/tasks?lang=en").text)
    assert "My households" in english and "Finished: Refusal" in english


def test_the_roster_selects_the_member_the_sampling_function_gives(store, campaign, client):
    (household,) = surveyor_with_households(store, campaign, n=1)
    sign_in(client)
    page = post_roster(client, path(household), [("male", 45), ("female", 43), ("male", 17), ("female", 10), ("male", 80)])
    stored = store.household(campaign.id, household.id)
    assert stored.roster == (("male", 45), ("female", 43), ("male", 17), ("male", 80))  # 15 and over (the profile's range)
    seed = selection_seed(SECRET.encode(), campaign.id)
    assert stored.selected == select_member(household_key(stored), list(stored.roster), seed=seed)
    from sampling import member_words

    words = member_words(stored.selected, list(stored.roster))
    assert f"请邀请：家中15岁及以上的{words}" in text_of(page.text)
    assert "已排除 1 位不在15岁及以上范围内的成员" in text_of(page.text)
    assert 'data-picks="[0, ' in page.text  # the household's own selection table, for a phone without signal


def test_a_household_without_eligible_members_is_told_to_record_not_eligible(store, campaign, client):
    (household,) = surveyor_with_households(store, campaign, n=1)
    sign_in(client)
    page = post_roster(client, path(household), [("female", 9)])
    assert "本户没有15岁及以上的常住成员" in text_of(page.text)
    page = post_visit(client, path(household), "4.70")
    assert "已结束：不符合条件：家中无符合条件的成员" in text_of(page.text)
    assert store.household(campaign.id, household.id).disposition == "4.70"
    assert 'name="disposition"' not in page.text  # finished: no more visits offered


def test_a_visit_is_stored_once_per_nonce_and_not_past_the_campaigns_visits(store, campaign, client):
    (household,) = surveyor_with_households(store, campaign, n=1)
    sign_in(client)
    page = client.get(path(household))
    data = {"csrf": hidden(page.text, "csrf"), "action": "visit", "nonce": hidden(page.text, "nonce"), "disposition": "2.24"}
    assert "已记录：未接触：家中无人" in text_of(client.post(path(household), data=data).text)
    assert "没有重复记录" in text_of(client.post(path(household), data=data).text)  # the same page posted twice
    post_visit(client, path(household), "2.24")
    third = post_visit(client, path(household), "2.24")
    assert "已结束：未接触：家中无人" in text_of(third.text)
    assert len(store.visit_log(campaign.id, household.id)) == 3
    data["nonce"] = "another-nonce-0001"
    refused = client.post(path(household), data=data)
    assert refused.status_code == 422 and "已访问满 3 次" in text_of(refused.text)


def test_the_interview_is_the_respondent_form_linked_to_the_household_and_its_complete_visit(store, campaign, client):
    households = surveyor_with_households(store, campaign, n=2)
    sign_in(client)
    page = post_roster(client, path(households[0]), [("female", 52)])
    link = unescape(re.search(r'id="open-form" href="([^"]+)"', page.text).group(1))
    assert "by=surveyor" in link and f"hh={households[0].id}" in link
    respondent = FormRespondent(client, "", query="")
    respondent.url = link
    respondent.open()
    assert respondent.page.page == "intro"
    respondent.start(mode="read_aloud")
    done = respondent.fill(answers())
    assert done.page == "thanks" and f'href="/field/h/{campaign.id}/{households[0].id}"' in respondent.response.text
    (row,) = store.responses(campaign.id)
    assert row.source == "surveyor"
    frame = store.household_frame(campaign.id)
    assert int(frame.loc[frame.household_id == households[0].id, "response_id"].iloc[0]) == row.id
    assert [v.disposition for v in store.visit_log(campaign.id, households[0].id)] == ["1.1"]
    respondent.post("submit")  # the same state again: nothing more stored, no second visit
    assert len(store.responses(campaign.id)) == 1 and len(store.visit_log(campaign.id, households[0].id)) == 1
    assert "已完成访问" in text_of(client.get("/field/tasks").text)


def test_another_surveyors_household_is_refused(store, campaign, client):
    (mine,) = surveyor_with_households(store, campaign, n=1)
    theirs = store.assign_households(campaign.id, [type(mine).__mro__[1]("01A", "777")], surveyor="bob", actor="test")[0]
    sign_in(client)
    assert client.get(path(theirs)).status_code == 404
    link = unescape(re.search(r'id="open-form" href="([^"]+)"', post_roster(client, path(mine), [("male", 30)]).text).group(1))
    assert client.get(link.replace(f"hh={mine.id}", f"hh={theirs.id}")).status_code == 403
    assert client.get(link.replace("by=surveyor&", "")).status_code == 403  # a household form needs a surveyor


def test_signed_out_pages_lead_to_the_sign_in(store, campaign, client):
    (household,) = surveyor_with_households(store, campaign, n=1)
    for url in ("/field/tasks", path(household), f"/field/i/{campaign.id}/{household.id}"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/field"
    assert client.post("/field/sync", content=b"{}", headers=SYNC_HEADERS).status_code == 401


def test_sync_stores_each_queued_item_once(store, campaign, client):
    households = surveyor_with_households(store, campaign, n=2)
    sign_in(client)
    items = [
        {"kind": "roster", "campaign": campaign.id, "household": households[0].id, "nonce": "r" * 16, "rows": [["male", "40"], ["female", "12"]]},
        {"kind": "visit", "campaign": campaign.id, "household": households[1].id, "nonce": "v" * 16, "disposition": "2.24",
         "at": "2026-01-01T08:00:00Z"},
        {"kind": "interview", "campaign": campaign.id, "household": households[0].id, "nonce": "i" * 16, "lang": "zh",
         "fields": [[f"q.{k}", v] for k, value in answers(5).items() for v in (value if isinstance(value, list) else [value])],
         "opened_at": "2026-12-07T01:00:00Z", "duration": 600},
    ]
    for round_ in range(2):
        for item in items:
            response = client.post("/field/sync", content=json.dumps(item), headers=SYNC_HEADERS)
            assert response.status_code == 200, response.text
            assert response.json()["ok"]
    assert len(store.responses(campaign.id)) == 1
    assert store.household(campaign.id, households[0].id).roster == (("male", 40),)
    assert [v.disposition for v in store.visit_log(campaign.id, households[0].id)] == ["1.1"]
    assert len(store.visit_log(campaign.id, households[1].id)) == 1
    bad = client.post("/field/sync", content=json.dumps({**items[1], "nonce": "x" * 16, "disposition": "1.1"}), headers=SYNC_HEADERS)
    assert bad.status_code == 422 and not bad.json()["ok"]
    assert client.post("/field/sync", content=json.dumps(items[1]), headers={"content-type": "application/json"}).status_code == 403
    other = client.post("/field/sync", content=json.dumps(items[1]), headers={**SYNC_HEADERS, "origin": "https://evil.example"})
    assert other.status_code == 403


def test_every_screen_is_under_30_kB_compressed(store, campaign, client):
    households = surveyor_with_households(store, campaign, n=40)
    sizes = {"sign-in": client.get("/field", headers={"accept-encoding": "gzip"})}
    sign_in(client)
    post_roster(client, path(households[0]), [("male", 45), ("female", 43)])
    for i in range(3):
        post_visit(client, path(households[0]), "2.24") if i < 2 else None
    sizes["tasks (40 households)"] = client.get("/field/tasks")
    sizes["household"] = client.get(path(households[0]))
    sizes["interview (one page)"] = client.get(f"/field/i/{campaign.id}/{households[0].id}")
    sizes["offline notice"] = client.get("/field/offline")
    for name in ("field.js", "field.css", "form.css", "form.js"):
        sizes[name] = client.get(f"/form/static/{name}")
    sizes["sw.js"] = client.get("/field/sw.js")
    for name, response in sizes.items():
        assert response.status_code == 200, name
        compressed = len(gzip.compress(response.content, 6))
        assert compressed < LIMIT, (name, compressed)
        if name in ("household", "tasks (40 households)", "interview (one page)"):
            assert "https://" not in response.text and "http://" not in response.text.replace("http://www.w3.org", "")
    assert "18px" in client.get("/form/static/form.css").text
