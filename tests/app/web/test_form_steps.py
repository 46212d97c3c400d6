"""Issue 22, the phone side through the routes without JavaScript: parts, exits, follow-up
questions, the quiz's result, the first screen's facts and the surveyor's mode."""

from __future__ import annotations

import numpy as np

from accounts import create_account
from app.web import grants
from survey.collect.simulate import simulate_answers
from survey.questionnaire.catalog import shipped_questionnaires
from tests.app.respond_helpers import SECRET, make_campaign, token_for

from .form_client import FormRespondent, section_fields, text_of

RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]
BACKGROUND = {"resident_6m": "yes", "age_group": "35_44", "sex": "male", "education": "tertiary", "residence": "urban"}


def progress(page) -> str:  # noqa: ANN001
    return text_of(page.html).split("部分，共 ")[1].split(" 部分")[0]


def test_the_suggestions_join_the_last_part_and_the_count_stays(client, resident_token, store, campaign) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    page = respondent.start()
    counts = [progress(page)]
    seed = 4
    while (answers := simulate_answers(RESIDENT, np.random.default_rng(seed)))["used_tcm"] != "yes":
        seed += 1
    answers.update(BACKGROUND)
    for _ in range(6):
        if page.has("submit"):
            break
        page = respondent.post("next", section_fields(page, answers))
        assert page.page == "section" and not page.errors, text_of(page.html)[:300]
        counts.append(progress(page))
    assert set(counts) == {"4"} and len(counts) >= 4, counts  # the satisfaction part counted before "used TCM?" is answered
    ids = [b.qid for b in page.shown]
    assert "suggestions" in ids and ids[-1] == "suggestions" and len(ids) > 1, ids  # no screen of its own
    page = respondent.post("submit", [*section_fields(page, answers), ("q.suggestions", "多派中医")])
    assert page.page == "thanks", text_of(page.html)[:400]
    (row,) = store.responses(campaign.id)
    assert row.answers["suggestions"] == "多派中医"


def test_a_no_to_resident_ends_then_change_returns_to_a_normal_part(client, resident_token) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    page = respondent.start()
    page = respondent.post("next", [("q.resident_6m", "no")])
    assert page.page == "exit" and "居住满6个月" in text_of(page.html)
    page = respondent.post("change")
    assert page.page == "section" and progress(page) == "4" and page.has("next") and not page.has("submit")
    box = next(b for b in page.boxes if b.qid == "resident_6m")
    assert not [i for i in box.inputs if "checked" in i] and not page.errors  # asked again, nothing marked red
    assert all(not b.hidden for b in page.boxes if b.qid in BACKGROUND)


def test_a_follow_up_question_without_script_is_announced_not_an_error(client, store) -> None:
    campaign = make_campaign(store)
    respondent = FormRespondent(client, token_for(campaign, "01A", "resident"))
    respondent.open()
    page = respondent.start()
    page = respondent.post("next", section_fields(page, {**BACKGROUND, "used_tcm": "yes"}))
    page = respondent.post("next", [("q.sat_site", "township_centre")])  # the ratings appear only now
    said = text_of(page.html)
    assert respondent.response.status_code == 200 and page.page == "section" and not page.errors
    assert "本部分多了" in said and "红色提示" not in said


def test_the_quiz_says_points_pass_mark_and_when_the_key_is_shown(client, store) -> None:
    answers = simulate_answers(STAFF, np.random.default_rng(8))
    pages = {}
    for rule in ("after_close", "after_submit", "never"):
        campaign = make_campaign(store, answer_key=rule)
        respondent = FormRespondent(client, token_for(campaign, "01A", "staff_policy"))
        intro = text_of(respondent.open().html)
        respondent.start()
        pages[rule] = (intro, text_of(respondent.fill(answers).html))
    intro, said = pages["after_close"]
    shown = [q for q in STAFF.scored_questions if q.id in answers]
    total = sum(q.points for q in shown)
    assert f"满分 {total:g} 分，共 {len(shown)} 题" in said, said
    assert "知晓标准（≥ 60%）" in said and ("，达到知晓标准" in said or "，未达到知晓标准" in said)
    assert "结束后公布" in said and "结束后公布" in intro and "回答正确" not in said
    assert "每题的正确答案与说明" in pages["after_submit"][1] and "提交后即可看到" in pages["after_submit"][0]
    assert "不公布" in pages["never"][1] and "不公布" in pages["never"][0]


def test_the_quiz_pass_mark_follows_the_points(client, store) -> None:
    from app.web.quiz import quiz_score

    campaign = make_campaign(store)
    keyed = {q.id: (list(q.answer) if isinstance(q.answer, tuple) else q.answer) for q in STAFF.scored_questions}
    answers = {**simulate_answers(STAFF, np.random.default_rng(8)), **keyed}
    full = quiz_score(STAFF, answers, campaign.profile_id)
    assert full.passed and full.points == full.max_points and full.share == 0.6
    wrong = {k: v for k, v in answers.items() if k not in keyed}
    none = quiz_score(STAFF, wrong, campaign.profile_id)
    assert none.passed is False and none.points == 0 and "未达到知晓标准（≥ 60%）" in none.line("zh")


def test_multiple_choice_and_optional_marks_are_said_once(client, resident_token) -> None:
    respondent = FormRespondent(client, resident_token)
    respondent.open()
    page = respondent.start()
    page = respondent.post("next", section_fields(page, {**BACKGROUND, "used_tcm": "no"}))
    said = text_of(page.html)
    assert said.count("可多选") == sum(1 for b in page.shown if b.type == "multiple") > 0, said
    page = respondent.fill({**simulate_answers(RESIDENT, np.random.default_rng(3)), **BACKGROUND, "used_tcm": "no"}, submit=False)
    assert page.has("submit")
    said = text_of(page.html)
    assert said.count("选填") + said.count("选答") == 1, said


def surveyor_form(client, store, campaign):  # noqa: ANN001, ANN201
    create_account(store, "ann", "surveyor", "surveyor-pass-1", actor="test")
    token = token_for(campaign, "01A", "resident")
    grant = grants.issue(SECRET.encode(), "ann", "surveyor", "surveyor", seconds=600)
    client.get(f"/?t={token}&g={grant}")
    return FormRespondent(client, token, query="&by=surveyor")


def test_surveyor_mode_is_on_every_page_and_paper_needs_number_and_date(client, store, campaign) -> None:
    respondent = surveyor_form(client, store, campaign)
    page = respondent.open()
    assert "调查员：ann · 方式：读题代填" in text_of(page.html)
    page = respondent.post("start", [("consent", "1"), ("mode", "paper")])
    assert page.page == "intro" and "请填写纸质问卷编号和访问日期" in text_of(page.html)
    page = respondent.post("start", [("consent", "1"), ("mode", "paper"), ("paper_number", "A-0031"),
                                     ("interview_date", "2099-01-01")])
    assert page.page == "intro", "an interview date in the future is refused"
    page = respondent.post("start", [("consent", "1"), ("mode", "paper"), ("paper_number", "A-0031"),
                                     ("interview_date", "2025-03-04")])
    assert page.page == "section" and "方式：纸质录入" in text_of(page.html)
    page = respondent.fill({**simulate_answers(RESIDENT, np.random.default_rng(5)), "resident_6m": "yes", "age_group": "35_44"})
    assert page.page == "thanks" and "方式：纸质录入" in text_of(page.html)
