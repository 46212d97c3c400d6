"""Paradata through the store: round trip, keyed device hash, nothing identifying in the database."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from survey.collect.paradata import ParadataError, device_hash
from survey.collect.submission import Submission
from survey.storage import PARADATA_COLUMNS, Store
from survey.storage.schema import metadata

from .helpers import GOOD_ANSWERS, open_spec, sites

SECRET = b"paradata-test-secret-0123456789"
COOKIE = "phone-cookie-7f3a9c1e5b"
PARADATA = {
    "opened_at": "2026-05-01T08:00:00Z",
    "duration_s": 95.5,
    "section_seconds": {"main": 90.0},
    "language": "en",
    "resumed": False,
    "mode": "self",
    "surveyor": None,
    "device_id": COOKIE,
    "option_orders": {"q1": ["b", "a", "dont_know"]},
}


@pytest.fixture
def secret_store(db_url: str):
    with Store.open(db_url, secret=SECRET) as opened:
        yield opened


def test_round_trip(secret_store: Store, mini) -> None:
    campaign = secret_store.create_campaign(open_spec(), [mini], sites(), actor="test")
    result = secret_store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="para-0001", paradata=PARADATA)
    (stored,) = secret_store.responses(campaign.id)
    assert stored.id == result.response_id and stored.language == "en"  # language from the paradata
    assert stored.paradata == {
        "opened_at": dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc),
        "duration_s": 95.5,
        "section_seconds": {"main": 90.0},
        "resumed": False,
        "mode": "self",
        "surveyor": None,
        "device_hash": device_hash(SECRET, COOKIE),
        "option_orders": {"q1": ["b", "a", "dont_know"]},  # version 9: the quiz options in the order shown
        "paper_number": None,  # version 11: only a paper form entered by a surveyor has these
        "interviewed_on": None,
    }
    frame = secret_store.response_frame(campaign.id, with_answers=True)  # the design-ready frame carries them too
    row = frame.iloc[0]
    assert row["response_id"] == result.response_id and row["duration_s"] == 95.5 and row["mode"] == "self"
    assert row["opened_at"] == pd.Timestamp("2026-05-01T08:00:00Z") and bool(row["resumed"]) is False
    assert row["device_hash"] == device_hash(SECRET, COOKIE) and row["surveyor"] is None and row["review"] is None
    assert (row["used"], row["overall"], row["know"]) == ("yes", 5.0, "true")
    secret_store.review(campaign.id, [result.response_id], "excluded", reason="test", actor="eva")
    assert secret_store.response_frame(campaign.id)["review"].tolist() == ["excluded"]


def test_without_paradata_columns_are_empty(secret_store: Store, mini) -> None:
    campaign = secret_store.create_campaign(open_spec(), [mini], sites(), actor="test")
    secret_store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="para-0002")
    (stored,) = secret_store.responses(campaign.id)
    assert stored.paradata == dict.fromkeys(PARADATA_COLUMNS)


def test_device_hash_changes_with_the_secret(db_url: str, mini) -> None:
    hashes = []
    for n, secret in enumerate((SECRET, b"another-secret-abcdefghijk")):
        with Store.open(db_url, secret=secret) as store:
            if n == 0:
                store.create_campaign(open_spec(), [mini], sites(), actor="test")
            store.submit(1, "01", mini, GOOD_ANSWERS, nonce=f"para-sec-{n}", paradata={"device_id": COOKIE})
            hashes.append(store.responses(1)[n].paradata["device_hash"])
    assert hashes[0] != hashes[1] and COOKIE not in hashes
    assert hashes == [device_hash(SECRET, COOKIE), device_hash(b"another-secret-abcdefghijk", COOKIE)]


def test_bad_paradata_writes_nothing(secret_store: Store, mini) -> None:
    campaign = secret_store.create_campaign(open_spec(), [mini], sites(), actor="test")
    with pytest.raises(ParadataError, match="paradata mode"):
        secret_store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="para-0003", paradata={"mode": "robot"})
    batch = [
        Submission("01", mini, GOOD_ANSWERS, nonce="para-b-001", paradata={"duration_s": 10}),
        Submission("02", mini, GOOD_ANSWERS, nonce="para-b-002", paradata={"duration_s": -3}),
    ]
    with pytest.raises(ParadataError, match=r"submission 2 \(nonce para-b-002\): paradata duration_s"):
        secret_store.submit_batch(campaign.id, batch, actor="test", batch={"file": "batch.csv"})
    assert secret_store.responses(campaign.id) == []


def test_no_ip_user_agent_or_cookie_in_a_dump(secret_store: Store, mini) -> None:
    campaign = secret_store.create_campaign(open_spec(), [mini], sites(), actor="test")
    secret_store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce="para-0004", paradata=PARADATA)
    secret_store.review(campaign.id, [1], "excluded", reason="same phone", actor="evaluator")
    dump = []
    with secret_store.read() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                dump.append(repr(tuple(row)))
        columns = {c["name"] for t in metadata.tables for c in sa.inspect(connection).get_columns(t)}
    text = "\n".join(dump)
    assert COOKIE not in text and device_hash(SECRET, COOKIE) in text
    assert not columns & {"ip", "ip_address", "remote_addr", "user_agent", "useragent", "device_id"}
    for needle in ("127.0.0.1", "Mozilla", "AppleWebKit", "MicroMessenger"):
        assert needle not in text
