"""Issue 23 (hardening, round two), the storage's part: on SQLite and PostgreSQL.

* item 10: quality parameters with non-finite numbers are refused, and a database error is
  always a StorageError (never an unwrapped SQLAlchemy or driver error);
* item 12: a huge integer reaching ``Store.submit`` is an invalid number, not an OverflowError.
"""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from analysis.errors import AnalysisError
from analysis.quality import QualityParameters
from survey.errors import AnswerError
from survey.storage import StorageError, Store
from survey.storage.schema import responses

from .helpers import GOOD_ANSWERS


def count(store: Store) -> int:
    with store.read() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(responses)).scalar_one()


@pytest.mark.parametrize("huge", [10**400, -(10**400), 10**5000, "1" + "0" * 400], ids=["400 digits", "minus", "5000 digits", "text"])
def test_issue23_12_a_400_digit_integer_is_an_invalid_number(store: Store, campaign, mini, huge) -> None:
    with pytest.raises(AnswerError) as caught:
        store.submit(campaign.id, "01", mini, {**GOOD_ANSWERS, "overall": huge}, nonce="nonce-huge-1")
    assert "overall" in str(caught.value)
    with pytest.raises(AnswerError):
        store.submit(campaign.id, "01", mini, {**GOOD_ANSWERS, "used": huge}, nonce="nonce-huge-2")
    assert count(store) == 0


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, float("1e309")])
def test_issue23_10_non_finite_quality_parameters_are_refused(store: Store, campaign, value) -> None:
    parameters = {"too_fast": {"seconds_per_item": value}}
    with pytest.raises(AnalysisError, match="finite|positive"):
        QualityParameters.merged(("campaign", parameters))
    with pytest.raises(StorageError, match="finite"):
        store.set_quality_parameters(campaign.id, parameters, actor="admin")
    assert store.quality_parameters(campaign.id) == {}


def test_issue23_10_every_database_error_is_a_storage_error(store: Store, campaign) -> None:
    with pytest.raises(StorageError) as caught:
        with store.write() as connection:
            connection.execute(sa.text("SELECT no_such_column FROM no_such_table"))
    assert isinstance(caught.value.__cause__, sa.exc.SQLAlchemyError)
    with pytest.raises(StorageError):
        with store.read() as connection:
            connection.execute(sa.text("SELECT no_such_column FROM no_such_table"))
    assert store.campaign(campaign.id).id == campaign.id  # the store still works
