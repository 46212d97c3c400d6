"""survey.questionnaire: lookups by id fail with an error of the package naming the id."""

from __future__ import annotations

import pytest

from survey.questionnaire.catalog import shipped_questionnaires
from survey.errors import SurveyError, UnknownItemError


def _resident():
    return next(q for q in shipped_questionnaires().values() if q.indicators)


def test_unknown_question_names_questionnaire_and_question():
    q = _resident()
    assert q.question(q.questions[0].id) is q.questions[0]
    with pytest.raises(UnknownItemError) as caught:
        q.question("no_such_question")
    assert isinstance(caught.value, SurveyError) and not isinstance(caught.value, KeyError)
    assert str(caught.value) == f"{q.id}: no question 'no_such_question'"
    assert (caught.value.kind, caught.value.item_id) == ("question", "no_such_question")


def test_unknown_indicator_names_questionnaire_and_indicator():
    q = _resident()
    assert q.indicator(q.indicators[0].id) is q.indicators[0]
    with pytest.raises(UnknownItemError, match=rf"^{q.id}: no indicator 'nope'$"):
        q.indicator("nope")
