"""The answers of each response for the response sheets: the given answers in question order, with
the values (and their types) the row-by-row reading gave; unanswered questions left out."""

from __future__ import annotations

from analysis.campaign import load_campaign_data, response_answers
from analysis.formatting import missing


def row_by_row(data, ids):
    """The reference: one response at a time, one question at a time."""
    frame = data.table[data.table["response_id"].isin({int(i) for i in ids})]
    questions = [c for c in data.questions if c in frame.columns]
    return {int(rid): {q: v for q, v in zip(questions, values) if not missing(v)}
            for rid, *values in frame[["response_id", *questions]].itertuples(index=False, name=None)}


def test_answers_equal_the_row_by_row_reading(demo):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    ids = data.table["response_id"].iloc[::3]
    answers, languages = response_answers(data, ids)
    want = row_by_row(data, ids)
    assert list(answers) == list(want) and len(answers) == len(ids)
    for rid, given in want.items():
        assert list(answers[rid].items()) == list(given.items()), rid
        assert [type(v) for v in answers[rid].values()] == [type(v) for v in given.values()], rid
    assert any(isinstance(v, list) for a in answers.values() for v in a.values())  # multiple choices kept as lists
    assert sum(len(a) for a in answers.values()) < len(answers) * len(data.questions)  # some left unanswered
    assert set(languages) == set(answers)


def test_no_responses_asked_gives_nothing(demo):
    store, campaign = demo
    assert response_answers(load_campaign_data(store, campaign.id), []) == ({}, {})
