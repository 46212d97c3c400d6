"""Campaign data: read through the store's response frame only; answers for the response sheets."""

from __future__ import annotations

import numpy as np

from analysis.campaign import ResponseCache, background_questions, load_campaign_data, response_answers


def test_table_is_the_store_frame_with_every_answer(demo):
    store, campaign = demo
    data = load_campaign_data(store, campaign.id)
    frame = store.response_frame(campaign.id)
    assert list(data.table.columns[: len(frame.columns)]) == list(frame.columns)
    np.testing.assert_array_equal(data.table["response_id"], frame["response_id"])
    extra = list(data.table.columns[len(frame.columns):])
    assert extra == list(data.questions) == list(store.response_frame(campaign.id, with_answers=True).columns[len(frame.columns):])
    background = {q for questionnaire in data.questionnaires.values() for q in background_questions(questionnaire)}
    assert background and background <= set(extra)  # the population tables' columns among them
    assert data.max_id == int(frame["response_id"].max())
    assert set(data.questionnaires) == {"resident", "staff_policy_liunan"}  # the demo profile's staff quiz


def test_answers_are_the_stored_answers(demo):
    store, campaign = demo
    stored = {r.id: r for r in store.responses(campaign.id)}
    wanted = sorted(stored)[::7]
    data = load_campaign_data(store, campaign.id)
    answers, languages = response_answers(data, wanted)
    assert sorted(answers) == wanted
    for rid in wanted:
        assert answers[rid] == {k: v for k, v in stored[rid].answers.items() if v is not None}
        assert languages[rid] == stored[rid].language
    assert response_answers(data, []) == ({}, {})


def test_cache_asks_the_state_first_and_reads_nothing_when_unchanged(demo):
    store, campaign = demo

    class Counting:
        """The store, counting frame reads."""

        def __init__(self, inner) -> None:  # noqa: ANN001
            self.inner, self.frames = inner, 0

        def response_frame(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
            self.frames += 1
            return self.inner.response_frame(*args, **kwargs)

        def __getattr__(self, name):  # noqa: ANN001, ANN204
            return getattr(self.inner, name)

    counting = Counting(store)
    cache = ResponseCache(campaign.id)
    cache.refresh(counting)
    version = cache.version
    cache.refresh(counting)
    assert counting.frames == 1 and cache.fetched == 0
    assert cache.version == version and hash(version) == hash(cache.version)  # a cache key
