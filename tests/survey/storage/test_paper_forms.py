"""A paper form entered by a surveyor: its number and interview day stored with the response, once per campaign."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from survey.collect.paradata import ParadataError
from survey.storage import StorageError, Store, SubmitError, create_engine, migrate
from survey.storage.schema import responses

from .helpers import GOOD_ANSWERS, open_spec, sites

DAY = dt.date(2026, 5, 2)


def paper(number: str, day: object = "2026-05-02") -> dict:
    return {"mode": "paper", "surveyor": "ann", "paper_number": number, "interviewed_on": day}


def test_number_and_day_are_stored_and_read_back(store: Store, mini) -> None:
    campaign = store.create_campaign(open_spec(), [mini], sites(), actor="test")
    first = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0001", source="surveyor", paradata=paper("A-017"))
    store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="phone-0001")  # a respondent's own: none
    stored = {r.nonce: r for r in store.responses(campaign.id)}
    assert stored["paper-0001"].paradata["paper_number"] == "A-017"
    assert stored["paper-0001"].paradata["interviewed_on"] == DAY
    assert stored["phone-0001"].paradata["paper_number"] is None and stored["phone-0001"].paradata["interviewed_on"] is None
    frame = store.response_frame(campaign.id).set_index("response_id")
    assert frame.loc[first.response_id, "paper_number"] == "A-017"
    assert frame.loc[first.response_id, "interviewed_on"] == DAY
    assert frame["paper_number"].isna().sum() == 1


def test_the_same_paper_form_twice_is_refused_but_its_nonce_retried_is_a_repeat(store: Store, mini) -> None:
    campaign = store.create_campaign(open_spec(), [mini], sites(), actor="test")
    first = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0001", source="surveyor", paradata=paper("17"))
    again = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0001", source="surveyor", paradata=paper("17"))
    assert again.repeat and again.response_id == first.response_id and again.receipt == first.receipt
    with pytest.raises(SubmitError, match="17") as refused:  # the same form entered again on another phone
        store.submit(campaign.id, "02", mini, GOOD_ANSWERS, nonce="paper-0002", source="surveyor", paradata=paper("17"))
    assert refused.value.reason == "paper_duplicate" and "已录入过" in str(refused.value)
    assert len(store.responses(campaign.id)) == 1
    store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0003", source="surveyor", paradata=paper("18"))
    other = store.create_campaign(open_spec(), [mini], sites(), actor="test")  # numbers are per campaign
    store.submit(other.id, "01", mini, GOOD_ANSWERS, nonce="paper-0001", source="surveyor", paradata=paper("17"))
    assert len(store.responses(campaign.id)) == 2 and len(store.responses(other.id)) == 1


def test_the_database_itself_refuses_a_second_row_of_one_number(store: Store, mini) -> None:
    """The unique index holds even for a writer that skips the check (a race between two phones)."""
    campaign = store.create_campaign(open_spec(), [mini], sites(), actor="test")
    store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0001", source="surveyor", paradata=paper("17"))
    with store.read() as connection:
        row = dict(connection.execute(sa.select(responses).where(responses.c.nonce == "paper-0001")).mappings().one())
    row.pop("id")
    row.update(nonce="paper-0009", receipt="XXXX-XXXXXX")
    with pytest.raises(StorageError, match="paper_number"), store.write() as connection:
        connection.execute(sa.insert(responses).values(**row))
    assert len(store.responses(campaign.id)) == 1

@pytest.mark.parametrize(("day", "words"), [("2026-13-01", "not a date"), ("1999-12-31", "outside"), (12, "ISO date")])
def test_a_bad_interview_day_is_refused_naming_the_key(store: Store, mini, day, words) -> None:
    campaign = store.create_campaign(open_spec(), [mini], sites(), actor="test")
    with pytest.raises(ParadataError, match="interviewed_on") as bad:
        store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0001", source="surveyor", paradata=paper("1", day))
    assert words in str(bad.value)
    with pytest.raises(ParadataError, match="paper_number"):
        store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0002", source="surveyor", paradata=paper("x" * 41))
    assert store.responses(campaign.id) == []


def test_migration_11_adds_the_columns_to_a_version_10_database(db_url: str, mini) -> None:
    engine = create_engine(db_url)
    try:
        migrate(engine, target=10)
        with engine.connect() as connection:
            assert "paper_number" not in {c["name"] for c in sa.inspect(connection).get_columns("responses")}
        assert migrate(engine) == [11]
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert {"paper_number", "interviewed_on"} <= {c["name"] for c in inspector.get_columns("responses")}
            assert any(i["name"] == "uq_responses_paper_number" and i["unique"] for i in inspector.get_indexes("responses"))
    finally:
        engine.dispose()
    with Store.open(db_url) as store:
        campaign = store.create_campaign(open_spec(), [mini], sites(), actor="test")
        store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0001", source="surveyor", paradata=paper("17"))
        with pytest.raises(SubmitError):
            store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0002", source="surveyor", paradata=paper("17"))


def test_the_form_reads_a_receipt_and_a_number_s_holder_by_index(store: Store, mini) -> None:
    campaign = store.create_campaign(open_spec(), [mini], sites(), actor="test")
    assert store.receipt(campaign.id, "paper-0001") is None and store.paper_number_nonce(campaign.id, "17") is None
    result = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="paper-0001", source="surveyor", paradata=paper("17"))
    assert store.receipt(campaign.id, "paper-0001") == result.receipt
    assert store.paper_number_nonce(campaign.id, "17") == "paper-0001"
    assert store.receipt(campaign.id + 1, "paper-0001") is None and store.paper_number_nonce(campaign.id + 1, "17") is None
