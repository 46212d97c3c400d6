"""Issue 14, items 9 and 12 (storage part): control characters, NUL and lone surrogates in text
answers are cleaned or refused by validation, never reach the database as a DataError."""

from __future__ import annotations

import pytest

from survey.questionnaire.answers import validate_answers
from survey.errors import AnswerError
from survey.storage import Store
from tests.survey.conftest import db_url, sample, valid_answers  # noqa: F401 - fixtures



@pytest.mark.parametrize("typed, stored", [("好\x0b很好", "好很好"), ("a\x00b", "ab"), ("第一行\n第二行\t完", "第一行\n第二行\t完"),
                                           ("\x1b[31m红", "[31m红")])
def test_control_characters_are_removed_from_text_answers(sample, valid_answers, typed, stored):  # noqa: F811
    assert validate_answers(sample, {**valid_answers, "comment": typed})["comment"] == stored


def test_a_lone_surrogate_is_a_validation_error(sample, valid_answers):  # noqa: F811
    with pytest.raises(AnswerError) as caught:
        validate_answers(sample, {**valid_answers, "comment": "好\ud800"})
    assert [p.question_id for p in caught.value.problems] == ["comment"]


@pytest.mark.parametrize("text", ["a\x00b", "好\ud83d", "\x0b"])
def test_submitting_such_text_never_raises_a_database_error(db_url, sample, valid_answers, text):  # noqa: F811
    import datetime as dt

    from survey.campaign import CampaignSpec, SiteSpec

    with Store.open(db_url) as store:
        today = dt.date.today()
        spec = CampaignSpec(name="c", profile_id="default", organizer="o", opens_on=today - dt.timedelta(days=1),
                            closes_on=today + dt.timedelta(days=1), timezone="Asia/Shanghai")
        campaign = store.create_campaign(spec, [sample], [SiteSpec(code="S1", name="site", stratum="t", psu="p", kind="village_clinic")], actor="test")
        try:
            result = store.submit(campaign.id, "S1", sample, {**valid_answers, "comment": text}, nonce="n" * 16)
        except AnswerError:
            assert "\ud83d" in text
            return
        (row,) = store.responses(campaign.id)
        stored = row.answers.get("comment", "")  # nothing but a control character: no answer
        assert row.id == result.response_id and "\x00" not in stored and "\x0b" not in stored
