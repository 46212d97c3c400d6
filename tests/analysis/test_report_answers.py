"""The response sheets read the answers straight from the campaign table (analysis.report.data.AnswerTable):
the same answers as ``analysis.campaign.response_answers`` gives, and the same response sheets."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analysis.campaign import load_campaign_data, response_answers
from analysis.report import collect
from analysis.report.data import AnswerTable, responses_frame
from survey.demo import create_demo
from survey.storage import Store


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    with Store.open(f"sqlite:///{tmp_path_factory.mktemp('answers') / 'demo.sqlite'}") as store:
        campaign = create_demo(store, responses=200, seed=5).campaign
        data = load_campaign_data(store, campaign.id)
        yield data, collect(store, campaign.id, data=data)


def test_the_answers_are_those_response_answers_gives(report) -> None:
    data, made = report
    assert isinstance(made.answers, AnswerTable)
    answers, languages = response_answers(data, made.results.responses["response_id"])
    assert len(made.answers) == len(answers) and set(made.answers) == set(answers)
    for response_id, given in answers.items():
        mine = made.answers[response_id]
        assert mine == given and [type(v) for v in mine.values()] == [type(v) for v in given.values()]
    assert any(isinstance(v, list) for a in answers.values() for v in a.values())  # multiple choices met
    assert made.languages == languages
    assert made.answers.get(10**9) is None


def test_the_response_sheets_are_those_of_the_answers_by_response(report) -> None:
    data, made = report
    answers, _ = response_answers(data, made.results.responses["response_id"])
    legacy = dataclasses.replace(made, answers=answers)
    for questionnaire_id in made.results.questionnaires:
        mine, given = responses_frame(made, questionnaire_id), responses_frame(legacy, questionnaire_id)
        pd.testing.assert_frame_equal(mine, given)
        for column in mine.columns:
            assert [type(v) for v in mine[column]] == [type(v) for v in given[column]], column


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"])
def test_local_texts_are_strftimes(zone) -> None:
    import numpy as np

    from analysis.report.data import local_texts

    rng = np.random.default_rng(3)
    times = pd.Series(pd.to_datetime(rng.integers(0, 2 * 10**18, 3000), utc=True))  # 1970-2033, any nanosecond
    times.iloc[[0, 7]] = pd.NaT
    for offset, pattern in ((False, "%Y-%m-%d %H:%M:%S"), (True, "%Y-%m-%d %H:%M:%S%z")):
        mine, given = local_texts(times, zone, offset=offset), times.dt.tz_convert(zone).dt.strftime(pattern).to_numpy()
        assert [None if isinstance(v, float) else v for v in mine] == [None if isinstance(v, float) else v for v in given]
        assert all(isinstance(v, float) and v != v for v in mine[[0, 7]])
        assert local_texts(times.iloc[:0], zone, offset=offset).tolist() == []
