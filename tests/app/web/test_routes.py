"""The HTML form end to end through its routes, without JavaScript: every screen, every rule."""

from __future__ import annotations

import numpy as np

from survey.questionnaire.catalog import shipped_questionnaires
from survey.collect.simulate import simulate_answers
from tests.app.respond_helpers import PHONE, make_campaign, token_for

from .form_client import FormRespondent, Page, section_fields, text_of

RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]


def resident_answers(seed: int = 1, *, used_tcm: str | None = None, **override) -> dict:
    """A simulated resident (the first seed from ``seed`` on with the wanted ``used_tcm``)."""
    while True:
        answers = simulate_answers(RESIDENT, np.random.default_rng(seed))
        if used_tcm is None or answers["used_tcm"] == used_tcm:
            break
        seed += 1
    answers.update(override)
    return answers


def test_first_screen_names_organiser_phone_and_retention_then_consent(client, resident_token) -> None:
    page = FormRespondent(client, resident_token).open()
    assert page.lang == "zh-CN" and page.title.strip() == "居民中医药服务调查"
    for text in ("柳南区卫生健康局", PHONE, "姓名", "24 个月", "太阳村镇卫生院", str(RESIDENT.estimated_minutes)):
        assert text in page.html, text
    said = text_of(page.html)
    assert said.count("姓名") == 1 and said.count("分钟") == 1, said  # each fact once (introduction or list)
    assert page.has("start") and not page.boxes


def test_english_page_says_so(client, resident_token) -> None:
    page = FormRespondent(client, resident_token).open(lang="en")
    assert page.lang == "en" and page.title.strip() == "Resident survey on TCM services"


def test_consent_is_needed_to_start(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    page = respondent.post("start")
    assert page.page == "intro" and "请先勾选" in page.html


def test_resident_completes_the_form_and_one_row_is_stored_with_paradata(client, resident_token, store, campaign, monkeypatch) -> None:
    seen = {}
    original = type(store).submit

    def spy(self, *args, **kwargs):  # noqa: ANN001, ANN202
        seen.update(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(store), "submit", spy)
    answers = resident_answers(3, used_tcm="yes")
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.fill(answers)
    assert page.page == "thanks", page.html[:2000]
    assert respondent.response.headers["x-form-done"] == "1"
    (row,) = store.responses(campaign.id)
    assert row.source == "qr" and row.site_code == "01A" and row.language == "zh"
    assert row.answers["used_tcm"] == "yes" and row.answers["age_group"] == answers["age_group"]
    paradata = seen["paradata"]
    assert set(paradata) == {"opened_at", "duration_s", "section_seconds", "language", "resumed", "mode", "surveyor", "device_id",
                             "option_orders"}
    # the quiz options in the order this respondent saw them (drawn from the form's nonce), stored with the row
    orders = paradata["option_orders"]
    assert "k_aims" in orders and "sex" not in orders and "k_food_medicine" not in orders
    assert orders["k_aims"][-1] == "dont_know" and sorted(orders["k_aims"]) == sorted(RESIDENT.question("k_aims").choice_values)
    assert row.paradata["option_orders"] == orders
    assert paradata["mode"] == "self" and paradata["surveyor"] is None and paradata["resumed"] is False
    assert paradata["device_id"] == client.cookies.get("tcm_device") and len(paradata["device_id"]) == 32
    assert set(paradata["section_seconds"]) <= {s.id for s in RESIDENT.sections} and paradata["duration_s"] >= 0
    assert paradata["opened_at"].endswith("+00:00")


def test_posting_the_last_page_again_stores_nothing_new(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.fill(resident_answers(4), submit=False)
    before = dict(page.hidden)
    fields = section_fields(page, resident_answers(4))
    first = respondent.post("submit", fields)
    respondent.page = page  # a double tap or a reload posts the same page again
    page.hidden.update(before)
    again = respondent.post("submit", fields)
    assert first.page == again.page == "thanks"
    assert "之前已经提交过" in again.html
    assert len(store.responses(campaign.id)) == 1


def test_follow_up_question_appears_without_script(client, resident_token) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    page = respondent.start()
    seed = 5
    while (answers := resident_answers(seed, used_tcm="yes"))["sat_site"] == "outside_county":
        seed += 1
    page = respondent.post("next", section_fields(page, answers))  # on to the satisfaction part
    assert page.page == "section" and "overall_satisfaction" in [b.qid for b in page.boxes if b.hidden]
    page = respondent.post("next", section_fields(page, {"sat_site": answers["sat_site"]}))
    assert page.page == "section" and "overall_satisfaction" in [b.qid for b in page.shown]
    assert not page.errors  # questions the respondent never saw are asked for without red marks
    page = respondent.post("next", section_fields(page, answers))
    assert "养生小知识" in page.html and respondent.response.status_code == 200


def test_not_resident_ends_with_a_friendly_exit_and_nothing_stored(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.post("next", [("q.resident_6m", "no"), ("q.sex", "male")])
    assert page.page == "exit" and "居住满6个月" in page.html and "此题必答" not in page.html
    page = respondent.post("change")  # chose by mistake: back to the question
    assert page.page == "section" and any(b.qid == "resident_6m" for b in page.shown)
    assert store.responses(campaign.id) == []


def test_missing_answers_are_marked_and_kept(client, resident_token) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.post("next", [("q.sex", "female")])
    assert respondent.response.status_code == 422
    assert set(page.errors) == {"resident_6m", "age_group", "education", "residence", "used_tcm"}
    assert page.errors["age_group"] == "此题必答"
    sex = next(b for b in page.boxes if b.qid == "sex")
    assert [i["value"] for i in sex.inputs if "checked" in i] == ["female"]


def test_under_15_ends_with_a_friendly_exit_and_nothing_stored(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.post("next", [("q.resident_6m", "yes"), ("q.age_group", "under_15"), ("q.sex", "male"), ("q.residence", "rural"), ("q.used_tcm", "no")])
    assert page.page == "exit" and "谢谢您的关心" in page.html and "15岁及以上" in page.html
    assert "此题必答" not in page.html and 'class="err"' not in page.html
    page = respondent.post("change")  # chose by mistake: back to the question
    assert page.page == "section" and any(b.qid == "age_group" for b in page.shown)
    assert store.responses(campaign.id) == []


def test_back_keeps_answers_and_language_switch_keeps_them_too(client, resident_token) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    answers = resident_answers(6, used_tcm="no")
    page = respondent.post("next", section_fields(respondent.page, answers))
    page = respondent.post("lang_en", section_fields(page, answers))
    assert page.lang == "en" and page.page == "section"
    page = respondent.post("back", section_fields(page, answers))
    age = next(b for b in page.boxes if b.qid == "age_group")
    assert [i["value"] for i in age.inputs if "checked" in i] == [answers["age_group"]]
    assert page.lang == "en"


def test_staff_quiz_shows_the_score_and_the_key_per_campaign_setting(client, store) -> None:
    answers = simulate_answers(STAFF, np.random.default_rng(8))
    shown = {}
    for rule in ("after_close", "after_submit"):
        campaign = make_campaign(store, answer_key=rule)
        respondent = FormRespondent(client, token_for(campaign, "01A", "staff_policy"))
        first = respondent.open()
        # the first page says when the key is shown, from the campaign's setting (the instrument promises nothing)
        promise = {"after_close": "将在本次测试结束后公布", "after_submit": "提交后即可看到每题的正确答案和说明"}
        assert promise[rule] in first.html and all(v not in first.html for k, v in promise.items() if k != rule)
        respondent.start()
        page = respondent.fill(answers)
        assert page.page == "thanks" and "得分 " in page.html and "满分" in page.html
        shown[rule] = page
    assert "各题的正确答案和说明将在本次测试结束后公布" in shown["after_close"].html
    assert "回答正确" not in shown["after_close"].html and "正确答案：" not in shown["after_close"].html
    assert "每题的正确答案与说明" in shown["after_submit"].html
    assert not shown["after_close"].has("another")  # "fill another" only for surveyors


def test_altered_and_forged_links_keep_their_pages_and_store_nothing(client, resident_token, store, campaign) -> None:
    altered = resident_token.replace(".01A.", ".04B.")
    for token, words in ((altered, "被改动过"), ("1.01A.r.AAAAAAAAAAA", "签名无效"), ("garbage", "格式不对")):
        response = client.get(f"/?t={token}")
        assert response.status_code == 404 and words in response.text
        assert "form.css" in response.text and 'lang="zh-CN"' in response.text
    store.close_campaign(campaign.id, actor="test")
    from app.web import routes

    routes.CAMPAIGNS._cache.clear()
    response = client.get(f"/?t={resident_token}")
    assert "已经结束" in response.text
    assert store.responses(campaign.id) == []


def test_closed_while_open_is_refused_at_submit(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.fill(resident_answers(9), submit=False)
    store.close_campaign(campaign.id, actor="test")
    page = respondent.post("submit", section_fields(page, resident_answers(9)))
    assert "已经结束" in page.html and store.responses(campaign.id) == []


def test_later_posts_of_a_form_reuse_its_target_and_its_campaign_dates_still_hold(client, resident_token, store, campaign,
                                                                                     monkeypatch) -> None:
    """A form's POSTs within a few seconds skip the token's MAC and look-ups (routes.TARGETS), but not
    the campaign's dates; a campaign closed by hand meanwhile is still refused at submit."""
    from app.web import routes
    from survey.campaign import Campaign

    monkeypatch.setattr(routes, "_now", lambda: 1000.0)  # the clock held still: a slow machine does not end the window
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    answers = resident_answers(9)
    page = respondent.fill(answers, submit=False)

    def no_check(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the token was checked again")

    real_check = routes.check_token
    monkeypatch.setattr(routes, "check_token", no_check)
    assert respondent.post("lang_en", section_fields(page, answers)).page == "section"  # the cached target
    monkeypatch.setattr(routes, "check_token", real_check)
    monkeypatch.setattr(Campaign, "accepts", lambda self, at=None: "closed")  # its last day went by meanwhile
    page = respondent.post("submit", section_fields(respondent.page, answers))
    assert "has ended" in page.html or "已经结束" in page.html
    assert store.responses(campaign.id) == []


def test_edited_state_is_refused(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    body, tag = respondent.page.hidden["state"].split(".")
    respondent.page.hidden["state"] = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + tag
    page = respondent.post("start", [("consent", "1")])
    assert respondent.response.status_code == 400 and "页面已过期" in page.html


def test_streamlit_gets_everything_else(client) -> None:
    assert client.get("/").text == "streamlit stand-in"
    assert client.get("/dashboard?x=t=1").text == "streamlit stand-in"
    assert client.get("/form/static/form.js").headers["content-type"].startswith("text/javascript")
    assert "jinja2" not in client.get("/form/static/..%2Fviews.py").text
    assert client.get("/form/static/views.py").status_code == 404
    assert client.get("/favicon.ico").headers["content-type"] == "image/png"


def test_answers_and_labels_are_escaped(client, store) -> None:
    from survey.questionnaire.loader import parse_questionnaire_text

    from tests.app.respond_helpers import TEXT_FORM

    form = parse_questionnaire_text(TEXT_FORM)
    campaign = make_campaign(store, extra=[form])
    respondent = FormRespondent(client, token_for(campaign, "01A", "feedback"))
    respondent.open()
    respondent.start()
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    page = respondent.post("next", [("q.visits", "99"), ("q.comment", hostile)])
    assert page.errors == {"visits": "一年最多填50次"}
    assert "<script>alert(1)" not in page.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html
    assert Page(page.html).page == "section"


def count_walks(monkeypatch) -> list[int]:
    """Count the questionnaire walks (``check_answers`` calls) from every module that imported it."""
    import sys

    from survey.questionnaire import answers as answer_rules

    original, calls = answer_rules.check_answers, [0]

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls[0] += 1
        return original(*args, **kwargs)

    for module in list(sys.modules.values()):
        if getattr(module, "check_answers", None) is original:
            monkeypatch.setattr(module, "check_answers", counting)
    return calls


def test_one_next_and_one_submit_walk_the_questionnaire_at_most_three_times(client, resident_token, staff_token, monkeypatch) -> None:
    import survey.collect.flow  # noqa: F401 - imported before counting, as the server has

    calls = count_walks(monkeypatch)
    for token, questionnaire, seed in ((resident_token, RESIDENT, 3), (staff_token, STAFF, 8)):
        answers = simulate_answers(questionnaire, np.random.default_rng(seed))
        respondent = FormRespondent(client, token)
        respondent.open()
        page = respondent.start()
        calls[0] = 0
        page = respondent.post("next", section_fields(page, answers))
        assert page.page == "section" and respondent.response.status_code == 200 and 1 <= calls[0] <= 3, calls
        page = respondent.fill(answers, submit=False)
        calls[0] = 0
        page = respondent.post("submit", section_fields(page, answers))  # checked, stored (validated again), graded
        assert page.page == "thanks" and 1 <= calls[0] <= 3, calls


def test_a_draft_kept_on_the_phone_resumes_with_its_answers(client, resident_token) -> None:
    import json

    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.post("resume", extra={"fields": json.dumps([["q.sex", "female"], ["q.used_tcm", "yes"], "junk"])})
    assert page.page == "section" and respondent.response.status_code == 200 and not page.errors
    checked = {b.qid: [i["value"] for i in b.inputs if "checked" in i] for b in page.boxes}
    assert checked["sex"] == ["female"] and checked["used_tcm"] == ["yes"]
    page = respondent.post("resume", extra={"fields": "not json"})
    assert page.page == "section" and not any(checked for b in page.boxes for checked in b.inputs if "checked" in checked)


def test_form_requests_run_in_the_forms_own_worker_threads(client, resident_token, monkeypatch) -> None:
    """The form's pool (one queue; busy workers take the next request without being woken), not anyio's."""
    import threading

    from starlette.responses import PlainTextResponse

    from app.web import routes

    seen: list[str] = []

    def handle_get(request, token):  # noqa: ANN001, ANN202
        seen.append(threading.current_thread().name)
        return PlainTextResponse(token)

    monkeypatch.setattr(routes, "_handle_get", handle_get)
    response = client.get(f"/?t={resident_token}")
    assert response.text == resident_token and seen and seen[0].startswith("form")


def test_a_value_read_from_the_store_is_reused_for_campaign_seconds_only(monkeypatch) -> None:
    from app.web import routes

    clock = [100.0]
    monkeypatch.setattr(routes, "_now", lambda: clock[0])
    recent = routes._Recent(2)
    recent.remember(("store", 1), "campaign")
    clock[0] += routes.CAMPAIGN_SECONDS - 0.001
    assert recent.recent(("store", 1)) == "campaign" and recent.recent(("store", 2)) is None
    clock[0] += 0.001
    assert recent.recent(("store", 1)) is None  # read again from the store
    for i in range(4):
        recent.remember(("store", i), i)
    assert len(recent._cache) <= 3  # bounded: all dropped beyond the size
