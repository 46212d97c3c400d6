"""Without JavaScript through the routes: every screen is a GET reached by 303, Back after the
thank-you page shows the thank-you page again; a surveyor's paper entry stores the form's number
and interview day, once per campaign."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import numpy as np

from survey.collect.simulate import simulate_answers
from survey.questionnaire.catalog import shipped_questionnaires

from .form_client import FormRespondent, Page, section_fields, text_of
from .test_form_steps import surveyor_form

RESIDENT = shipped_questionnaires()["resident"]


def answers(seed: int = 5) -> dict:
    return {**simulate_answers(RESIDENT, np.random.default_rng(seed)), "resident_6m": "yes", "age_group": "35_44"}


def to_last_part(respondent: FormRespondent, given: dict) -> str:
    """Answer up to the part with the submit button; the address that part was shown at."""
    page = respondent.page
    for _ in range(20):
        if page.has("submit"):
            return str(respondent.response.url)
        page = respondent.post("next", section_fields(page, given))
        assert page.page == "section", text_of(page.html)[:300]
    raise AssertionError("no last part")


def test_each_screen_is_a_get_and_back_after_thanks_shows_thanks_not_the_form(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    page = respondent.start()
    first = respondent.response
    assert [r.status_code for r in first.history] == [303] and first.request.method == "GET"  # POST -> 303 -> GET
    assert page.page == "section" and "s" in parse_qs(urlsplit(str(first.url)).query)
    given = answers()
    last_url = to_last_part(respondent, given)
    again = client.get(last_url)  # before the submit: the last part itself (a reload shows the answers kept)
    assert Page(again.text).page == "section" and Page(again.text).has("submit")
    page = respondent.post("submit", section_fields(respondent.page, given))
    done = respondent.response
    assert [r.status_code for r in done.history] == [303] and done.request.method == "GET"
    assert parse_qs(urlsplit(str(done.url)).query)["done"] == ["1"]
    assert page.page == "thanks" and "提交成功" in text_of(page.html) and done.headers["x-form-done"] == "1"
    (row,) = store.responses(campaign.id)
    receipt = store.receipt(campaign.id, row.nonce)
    assert receipt and f"回执编号：{receipt}" in text_of(page.html)

    back = client.get(last_url)  # the phone's Back from the thank-you page: the last part's address
    shown = Page(back.text)
    assert back.status_code == 200 and shown.page == "thanks", text_of(back.text)[:300]
    assert "已提交，感谢参与" in text_of(back.text) and f"回执编号：{receipt}" in text_of(back.text)
    assert not shown.has("submit") and not shown.has("next") and back.headers["cache-control"] == "no-store"
    reload = client.get(str(done.url))  # a reload of the thank-you page posts nothing either
    assert Page(reload.text).page == "thanks" and "提交成功" in text_of(reload.text)
    assert len(store.responses(campaign.id)) == 1


def test_sending_the_last_part_again_lands_on_the_repeat_thanks(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    given = answers(7)
    to_last_part(respondent, given)
    last = respondent.page
    respondent.post("submit", section_fields(last, given))
    respondent.page = last  # the old page (a cached copy) posted again
    page = respondent.post("submit", section_fields(last, given))
    assert page.page == "thanks" and "之前已经提交过" in text_of(page.html)
    assert parse_qs(urlsplit(str(respondent.response.url)).query)["done"] == ["repeat"]
    assert len(store.responses(campaign.id)) == 1


def test_with_the_script_a_post_is_answered_by_its_screen(client, resident_token) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    page = respondent.post("start", [("consent", "1"), ("js", "1")])
    assert respondent.response.status_code == 200 and not respondent.response.history and page.page == "section"


def test_a_state_of_another_link_or_an_edited_one_starts_afresh(client, resident_token, campaign) -> None:
    from tests.app.respond_helpers import token_for

    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    state = parse_qs(urlsplit(str(respondent.response.url)).query)["s"][0]
    other = token_for(campaign, "04B", "resident")
    for url in (f"/?t={other}&s={state}", f"/?t={resident_token}&s={state[:-2]}xx"):
        page = Page(client.get(url).text)
        assert page.page == "intro"


def test_paper_entry_stores_number_and_day_and_a_second_entry_of_the_form_is_refused(client, store, campaign) -> None:
    respondent = surveyor_form(client, store, campaign)
    respondent.open()
    respondent.start(mode="paper", paper=("A-0031", "2025-03-04"))
    page = respondent.fill(answers())
    assert page.page == "thanks"
    (row,) = store.responses(campaign.id)
    assert row.paradata["paper_number"] == "A-0031" and row.paradata["interviewed_on"] == dt.date(2025, 3, 4)
    assert row.paradata["mode"] == "paper" and row.source == "surveyor"
    frame = store.response_frame(campaign.id)
    assert frame["paper_number"].tolist() == ["A-0031"] and frame["interviewed_on"].tolist() == [dt.date(2025, 3, 4)]

    second = FormRespondent(client, respondent.url.split("t=")[1].split("&")[0], query="&by=surveyor")  # the same form again
    second.open()
    page = second.start(mode="paper", paper=("A-0031", "2025-03-05"))
    assert second.response.status_code == 409 and page.page == "intro", text_of(page.html)[:500]
    assert "纸质问卷编号 A-0031 已经录入过" in text_of(page.html)
    page = second.start(mode="paper", paper=("A-0032", "2025-03-05"))
    assert page.page == "section"
    assert len(store.responses(campaign.id)) == 1


def test_a_number_entered_elsewhere_meanwhile_is_refused_at_submit_and_kept_answers_go_on(client, store, campaign) -> None:
    first = surveyor_form(client, store, campaign)
    second = FormRespondent(client, first.url.split("t=")[1].split("&")[0], query="&by=surveyor")
    for respondent in (first, second):
        respondent.open()
        respondent.start(mode="paper", paper=("B-7", "2025-03-04"))
    given = answers(9)
    assert first.fill(given).page == "thanks"
    page = second.fill(given)  # two phones entered form B-7 at once: the second is not stored
    assert second.response.status_code == 409 and page.page == "intro" and "B-7 已经录入过" in text_of(page.html)
    assert len(store.responses(campaign.id)) == 1
    page = second.start(mode="paper", paper=("B-8", "2025-03-04"))  # corrected: the answers are still there
    page = second.fill(given)
    assert page.page == "thanks"
    assert sorted(r.paradata["paper_number"] for r in store.responses(campaign.id)) == ["B-7", "B-8"]


def test_red_marks_and_the_follow_up_note_are_a_get_too(client, resident_token) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    respondent.start()
    page = respondent.post("next", [("q.sex", "female")])
    marked = respondent.response
    assert [r.status_code for r in marked.history] == [303] and marked.status_code == 422
    query = parse_qs(urlsplit(str(marked.url)).query)
    assert set(query["m"][0].split()) == set(page.errors) and query["k"] == ["fix_marked"]
    assert "有 5 道题需要补充或修改" in text_of(page.html)
    again = Page(client.get(str(marked.url)).text)  # Back or reload of that page: the same marks, no post
    assert again.errors == page.errors
    tampered = client.get(str(marked.url).replace("k=fix_marked", "k=%3Cb%3Ehi%3C%2Fb%3E").replace("f=", "f=99999"))
    assert "<b>hi</b>" not in tampered.text and "hi</b>" not in text_of(tampered.text)  # messages only by key
