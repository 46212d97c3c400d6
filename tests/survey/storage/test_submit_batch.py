"""The group commit's batch (survey.storage.response_batch): a group's responses inserted in a few
statements, each submit still answered on its own (new, repeat, refusal), rows as a lone submit
stores them, and a batch that fails as a whole stored one by one instead (SQLite only)."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from survey.storage import Store, SubmitError, SubmitResult
from survey.storage.schema import responses
from survey.storage.submit import ResponseInsert, as_json

from .helpers import GOOD_ANSWERS

OTHER_ANSWERS = {"used": "no", "know": "false"}
PARADATA = {"opened_at": dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC), "duration_s": 93.5,
            "section_seconds": {"main": 90.0}, "resumed": False, "mode": "self", "option_orders": {"know": ["false", "true"]}}


@pytest.fixture
def sqlite_store(store: Store) -> Store:
    if store.dialect != "sqlite":
        pytest.skip("the batch is the SQLite group commit's (PostgreSQL commits each submit on its own)")
    return store


def _work(campaign_id: int, mini, nonce: str, *, site: str = "01", answers: dict = GOOD_ANSWERS, paradata: dict | None = None,
          submitted_at: dt.datetime | None = None) -> ResponseInsert:
    return ResponseInsert(campaign_id=campaign_id, site_code=site, version_hash=mini.version_hash, nonce=nonce, source="qr",
                          answers=as_json(answers), scores={"knowledge": 1}, language="zh",
                          submitted_at=submitted_at or dt.datetime.now(dt.UTC), simulated=False, enforce_window=True,
                          paradata=paradata, household_id=None)


def _run_group(store: Store, works: list) -> list:
    """Queue ``works`` behind the write lock, then let one leader commit them as one group."""
    gc = store._group_commit
    out: list = [None] * len(works)

    def run(i: int) -> None:
        try:
            out[i] = gc.run(works[i])
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    before = gc.groups
    with store._write_lock:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(gc._queue) < len(works) and time.monotonic() < deadline:
            time.sleep(0.005)
    for thread in threads:
        thread.join()
    assert gc.groups == before + 1  # one commit for the whole group
    return out


def _row(store: Store, nonce: str) -> dict:
    with store.read() as connection:
        return dict(connection.execute(sa.select(responses).where(responses.c.nonce == nonce)).mappings().one())


def _nulls(store: Store, nonce: str) -> tuple:
    """Which JSON paradata columns are SQL NULL (not the JSON text 'null')."""
    with store.read() as connection:
        return tuple(connection.exec_driver_sql(
            "SELECT section_seconds IS NULL, option_orders IS NULL FROM responses WHERE nonce = ?", (nonce,)).one())


def test_a_batch_stores_each_row_as_a_lone_submit_does(sqlite_store: Store, campaign, mini) -> None:
    store = sqlite_store
    when = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=123456)
    lone = uuid.uuid4().hex
    store._group_commit.run(_work(campaign.id, mini, lone, paradata=PARADATA, submitted_at=when))  # a group of one: its own insert
    nonces = [uuid.uuid4().hex for _ in range(6)]
    works = [_work(campaign.id, mini, n, paradata=PARADATA if i % 2 else None, submitted_at=when) for i, n in enumerate(nonces)]
    out = _run_group(store, works)
    assert store._group_commit.fallbacks == 0
    assert all(isinstance(r, SubmitResult) and not r.repeat for r in out)
    assert len({r.response_id for r in out}) == 6 and len({r.receipt for r in out}) == 6
    reference = _row(store, lone)
    for i, (nonce, result) in enumerate(zip(nonces, out)):
        row = _row(store, nonce)
        assert row["id"] == result.response_id and row["receipt"] == result.receipt
        for column in ("campaign_id", "site_id", "version_hash", "source", "answers", "scores", "language", "submitted_at", "simulated",
                       "household_id"):
            assert row[column] == reference[column], column
        if i % 2:
            assert all(row[k] == reference[k] for k in PARADATA)
        else:  # no paradata: SQL NULL, as a lone submit without paradata leaves it
            assert all(row[k] is None for k in PARADATA) and _nulls(store, nonce) == (1, 1)
    assert row["submitted_at"] == when  # aware UTC back


def test_a_nonce_twice_in_one_batch_is_stored_once_and_answered_twice(sqlite_store: Store, campaign, mini) -> None:
    store = sqlite_store
    a, b, c = (uuid.uuid4().hex for _ in range(3))
    works = [_work(campaign.id, mini, a), _work(campaign.id, mini, b), _work(campaign.id, mini, a),
             _work(campaign.id, mini, a, answers=OTHER_ANSWERS), _work(campaign.id, mini, c)]
    out = _run_group(store, works)
    assert [r.repeat for r in out] == [False, False, True, True, False]
    assert out[2].response_id == out[3].response_id == out[0].response_id
    assert out[2].receipt == out[3].receipt == out[0].receipt
    assert out[2].same_answers and not out[3].same_answers
    with store.read() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(responses).where(responses.c.nonce == a)).scalar() == 1


def test_a_stored_nonce_in_a_batch_answers_already_stored(sqlite_store: Store, campaign, mini) -> None:
    store = sqlite_store
    old = uuid.uuid4().hex
    first = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=old)
    new = uuid.uuid4().hex
    out = _run_group(store, [_work(campaign.id, mini, new), _work(campaign.id, mini, old, answers=OTHER_ANSWERS),
                             _work(campaign.id, mini, old)])
    assert not out[0].repeat
    assert out[1] == SubmitResult(first.response_id, True, False, first.receipt)
    assert out[2] == SubmitResult(first.response_id, True, True, first.receipt)


def test_refused_submits_in_a_batch_leave_the_others_stored(sqlite_store: Store, campaign, mini) -> None:
    store = sqlite_store
    nonces = [uuid.uuid4().hex for _ in range(5)]
    late = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    works = [_work(campaign.id, mini, nonces[0]), _work(campaign.id, mini, nonces[1], site="99"),
             _work(campaign.id, mini, nonces[2], submitted_at=late), _work(campaign.id, mini, nonces[3]),
             _work(campaign.id + 1000, mini, nonces[4])]
    out = _run_group(store, works)
    assert isinstance(out[1], SubmitError) and out[1].reason == "unknown_site"
    assert isinstance(out[2], SubmitError) and out[2].reason == "closed"
    assert isinstance(out[4], SubmitError) and out[4].reason == "unknown_campaign"
    assert not out[0].repeat and not out[3].repeat and store._group_commit.fallbacks == 0
    with store.read() as connection:
        stored = set(connection.execute(sa.select(responses.c.nonce)).scalars())
    assert stored == {nonces[0], nonces[3]}


def test_a_group_takes_five_statements_whatever_its_size(sqlite_store: Store, campaign, mini) -> None:
    """BEGIN, the campaign, one look-up (stored nonces, sites, versions), one INSERT ... RETURNING, COMMIT;
    an instrument version that is not the campaign's is refused on its own."""
    store = sqlite_store
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # noqa: ANN001, ANN002
        statements.append(statement.split()[0].upper())

    nonces = [uuid.uuid4().hex for _ in range(12)]
    works = [_work(campaign.id, mini, n, site="01" if i % 2 else "02") for i, n in enumerate(nonces)]
    works[7].kwargs["version_hash"] = "f" * 64
    sa.event.listen(store.engine, "before_cursor_execute", seen)
    try:
        out = _run_group(store, works)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", seen)
    assert isinstance(out[7], SubmitError) and out[7].reason == "unknown_instrument"
    assert all(not r.repeat for i, r in enumerate(out) if i != 7) and store._group_commit.fallbacks == 0
    assert statements.count("SELECT") == 2 and statements.count("INSERT") == 1 and "SAVEPOINT" not in statements
    assert _row(store, nonces[0])["site_id"] != _row(store, nonces[1])["site_id"] == _row(store, nonces[3])["site_id"]


def test_a_nonce_whose_first_submit_is_refused_is_stored_by_its_next(sqlite_store: Store, campaign, mini) -> None:
    store = sqlite_store
    nonce, other = uuid.uuid4().hex, uuid.uuid4().hex
    out = _run_group(store, [_work(campaign.id, mini, nonce, site="99"), _work(campaign.id, mini, other),
                             _work(campaign.id, mini, nonce, site="02")])
    assert isinstance(out[0], SubmitError) and not out[1].repeat and not out[2].repeat
    assert _row(store, nonce)["id"] == out[2].response_id


def test_a_batch_failing_as_a_whole_is_stored_one_by_one(sqlite_store: Store, campaign, mini) -> None:
    store = sqlite_store
    nonces = [uuid.uuid4().hex for _ in range(4)]
    works = [_work(campaign.id, mini, n) for n in nonces]
    works[1].kwargs["answers"] = None  # breaks the batch (and this submit alone when run on its own)
    out = _run_group(store, works)
    assert store._group_commit.fallbacks == 1
    assert isinstance(out[1], Exception) and not isinstance(out[1], SubmitError)
    assert all(isinstance(r, SubmitResult) and not r.repeat for i, r in enumerate(out) if i != 1)
    with store.read() as connection:
        assert set(connection.execute(sa.select(responses.c.nonce)).scalars()) == {nonces[0], nonces[2], nonces[3]}


def test_a_household_interview_in_a_group_goes_on_its_own(sqlite_store: Store, campaign, mini) -> None:
    store = sqlite_store
    works = [_work(campaign.id, mini, uuid.uuid4().hex) for _ in range(3)]
    works[0].kwargs["household_id"] = 123456  # no such household: refused on its own savepoint
    out = _run_group(store, works)
    assert isinstance(out[0], SubmitError) and out[0].reason == "unknown_household"
    assert not out[1].repeat and not out[2].repeat and store._group_commit.fallbacks == 0


def test_as_json_gives_plain_json_data_as_the_database_gives_it_back() -> None:
    import json

    import numpy as np

    plain = {"sex": "female", "age": 45, "score": 0.8333333333333334, "used": True, "note": None, "k": ("a", "b"), "m": ["x"]}
    assert as_json(plain) == json.loads(json.dumps(plain)) and as_json(plain)["k"] == ["a", "b"]
    assert as_json(plain) is not plain and as_json(plain)["m"] is not plain["m"]
    day = dt.date(2026, 5, 1)
    mixed = {"day": day, "tags": {"b", "a"}, "n": np.int64(3), "x": np.float64(0.5), 1: "one", "deep": {"a": (1, 2)}}
    assert as_json(mixed) == {"day": "2026-05-01", "tags": ["a", "b"], "n": 3, "x": 0.5, "1": "one", "deep": {"a": [1, 2]}}
    assert type(as_json({"n": np.int64(3)})["n"]) is int and as_json([("a", day)]) == [["a", "2026-05-01"]]
    with pytest.raises(TypeError, match="cannot store object"):
        as_json({"o": [object()]})
