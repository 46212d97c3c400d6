"""Per-respondent option order of quiz items (survey.collect.options), the order stored with the
paradata, and the form's views drawing it; scoring by value is unaffected."""

from __future__ import annotations

import pytest

from app.web.views import question_view, section_questions
from survey.collect.flow import view
from survey.collect.options import option_order, option_orders, shuffles
from survey.collect.paradata import ParadataError, parse_paradata
from survey.questionnaire.catalog import shipped_questionnaires
from survey.questionnaire.model import QuestionType

RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]
NONCES = [f"{i:032x}" for i in range(40)]


def test_keyed_single_and_multiple_items_are_shuffled_the_rest_keep_their_order():
    for q in (*RESIDENT.questions, *STAFF.questions):
        order = option_order(q, NONCES[1])
        assert sorted(order) == sorted(q.choice_values), q.id
        if q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE) and q.is_scored:
            assert shuffles(q), q.id
        else:  # scales, yes/no, true/false, background choices
            assert not shuffles(q) and order == q.choice_values, q.id


def test_dont_know_and_exclusive_options_stay_last():
    for q in RESIDENT.scored_questions:
        if not shuffles(q):
            continue
        for nonce in NONCES:
            order = option_order(q, nonce)
            tail = [v for v in q.choice_values if v == "dont_know" or v in q.exclusive]
            assert list(order[len(order) - len(tail):]) == tail, (q.id, order)


def test_the_order_is_fixed_by_the_nonce_and_differs_between_respondents():
    q = RESIDENT.question("k_aims")
    assert option_order(q, NONCES[0]) == option_order(q, NONCES[0])
    orders = {option_order(q, n) for n in NONCES}
    assert len(orders) > 6  # 4 substantive options: 24 orders, 40 respondents
    firsts = {option_order(q, n)[0] for n in NONCES}
    assert firsts == set(q.choice_values) - {"dont_know"}  # every option comes first for someone
    # the question id is part of the seed: two items of one respondent are not shuffled alike
    a, b = RESIDENT.question("k_yongquan"), RESIDENT.question("k_decoction_pot")
    same = sum(
        [a.choice_values.index(v) for v in option_order(a, n)] == [b.choice_values.index(v) for v in option_order(b, n)]
        for n in NONCES
    )
    assert same < len(NONCES) // 2


def test_option_orders_lists_the_shuffled_items_shown():
    orders = option_orders(RESIDENT, NONCES[2])
    assert set(orders) == {q.id for q in RESIDENT.questions if shuffles(q)}
    only = option_orders(RESIDENT, NONCES[2], {"k_aims": True, "k_yongquan": False})
    assert set(only) == {"k_aims"}


def test_the_order_shown_is_paradata_and_is_checked():
    orders = option_orders(RESIDENT, NONCES[3])
    stored = parse_paradata({"option_orders": orders}).stored(None)
    assert stored["option_orders"] == orders
    assert parse_paradata({}).stored(None)["option_orders"] is None
    for bad in ({"k_aims": "abc"}, {"k_aims": []}, {"k aims": ["a"]}, {"k_aims": ["a", "a"]}, ["k_aims"]):
        with pytest.raises(ParadataError):
            parse_paradata({"option_orders": bad})


def test_views_draw_the_respondents_order_and_scoring_is_by_value():
    q = RESIDENT.question("k_aims")
    drawn = [c["value"] for c in question_view(q, "zh", nonce=NONCES[4])["choices"]]
    assert drawn == list(option_order(q, NONCES[4]))
    assert [c["value"] for c in question_view(q, "zh")["choices"]] == list(q.choice_values)  # preview: as written
    step = next(i for i, s in enumerate(RESIDENT.sections) if "k_aims" in s.question_ids)
    answers = {"resident_6m": "yes", "age_group": "35_44", "sex": "male", "education": "tertiary", "residence": "urban",
               "used_tcm": "no", "k_aims": "strengthen_prevent_prolong"}
    form = view(RESIDENT, answers).at(step)
    for nonce in NONCES[:5]:
        shown = {item["id"]: item for item in section_questions(RESIDENT, form, "zh", nonce=nonce)}
        assert [c["value"] for c in shown["k_aims"]["choices"]] == list(option_order(q, nonce))
        checked = [c["value"] for c in shown["k_aims"]["choices"] if c["checked"]]
        assert checked == ["strengthen_prevent_prolong"]  # the answer is kept by value, wherever it sits


def test_a_remembered_order_is_the_one_drawn_afresh():
    """Orders are kept for recent forms (their pages and submit ask again): the same as drawn anew,
    and a question with other choices under the same id gets its own."""
    from dataclasses import replace

    from survey.collect import options

    q = RESIDENT.question("k_aims")
    first = [option_order(q, n) for n in NONCES]
    options._shuffled.cache_clear()
    assert [option_order(q, n) for n in NONCES] == first
    assert options._shuffled.cache_info().hits == 0
    assert [option_order(q, n) for n in NONCES] == first and options._shuffled.cache_info().hits == len(NONCES)
    fewer = replace(q, choices=q.choices[1:])
    assert all(set(option_order(fewer, n)) == set(fewer.choice_values) for n in NONCES)
