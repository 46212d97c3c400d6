"""``clean_and_score`` takes the form view's walk (``Checked``) only for the very answers it walked."""

from __future__ import annotations

import numpy as np
import pytest

from survey.collect import submission
from survey.collect.flow import view
from survey.collect.simulate import simulate_answers
from survey.errors import AnswerError
from survey.questionnaire import answers as answer_rules
from survey.questionnaire.catalog import shipped_questionnaires

RESIDENT = shipped_questionnaires()["resident"]
STAFF = shipped_questionnaires()["staff_policy"]


def _counting(monkeypatch) -> list[int]:
    calls = [0]
    real = answer_rules.check_answers

    def counted(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(answer_rules, "check_answers", counted)
    return calls


@pytest.mark.parametrize("seed", range(8))
def test_the_views_walk_scores_as_a_fresh_walk_without_walking_again(monkeypatch, seed: int) -> None:
    answers = simulate_answers(RESIDENT, np.random.default_rng(seed))
    seen = view(RESIDENT, {**answers, "ghost": "x"} if seed % 2 else answers)  # "ghost": a key the view drops
    checked = seen.checked
    assert checked is not None
    fresh = submission.clean_and_score(RESIDENT, seen.clean)
    calls = _counting(monkeypatch)
    assert submission.clean_and_score(RESIDENT, seen.clean, None, checked) == fresh
    assert calls[0] == 0


def test_a_walk_of_other_answers_or_another_questionnaire_is_not_taken(monkeypatch) -> None:
    answers = simulate_answers(RESIDENT, np.random.default_rng(1))
    checked = view(RESIDENT, answers).checked
    assert checked is not None
    calls = _counting(monkeypatch)
    equal_copy = dict(checked.answers)  # equal but not the same object: walked again
    assert submission.clean_and_score(RESIDENT, equal_copy, None, checked) == submission.clean_and_score(RESIDENT, equal_copy)
    assert calls[0] == 2
    with pytest.raises(AnswerError):  # a valid walk handed in with bad answers still finds their problems
        submission.clean_and_score(RESIDENT, {"ghost": "x"}, None, checked)
    with pytest.raises(AnswerError):  # the same mapping under another questionnaire: walked under that one
        submission.clean_and_score(STAFF, checked.answers, None, checked)


def test_a_view_with_problems_offers_no_walk() -> None:
    assert view(RESIDENT, {"used_tcm": "maybe"}).checked is None
