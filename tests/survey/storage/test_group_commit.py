"""Concurrent submits: exactly once on both databases; on SQLite they share one commit
(submit.GroupCommit), each with its own result, and a failing item leaves the others stored."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from survey.storage import Store, SubmitError
from survey.storage.responses import insert_response
from survey.storage.schema import responses

from .helpers import GOOD_ANSWERS

OTHER_ANSWERS = {"used": "no", "know": "false"}


def _rows(store: Store) -> dict[str, int]:
    with store.read() as connection:
        return {nonce: n for nonce, n in connection.execute(
            sa.select(responses.c.nonce, sa.func.count()).group_by(responses.c.nonce)).all()}


def _submit_all(store: Store, jobs: list[tuple[str, str, dict]], *, campaign_id: int, mini, hold: bool = False):
    """Submit ``jobs`` (nonce, site, answers) from one thread each, all released at once; with
    ``hold`` (SQLite), first queue them all behind the store's write lock so they form one group.
    Returns each job's result or exception, in the order of ``jobs``."""
    out: list = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(i: int, nonce: str, site: str, answers: dict) -> None:
        barrier.wait()
        try:
            out[i] = store.submit(campaign_id, site, mini, answers, nonce=nonce)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    if hold:
        store._write_lock.acquire()
    for thread in threads:
        thread.start()
    if hold:
        deadline = time.monotonic() + 30
        while len(store._group_commit._queue) < len(jobs) and time.monotonic() < deadline:
            time.sleep(0.005)
        store._write_lock.release()
    for thread in threads:
        thread.join()
    return out


def test_concurrent_submits_store_each_nonce_once_with_each_submitters_result(store: Store, campaign, mini) -> None:
    nonces = [uuid.uuid4().hex for _ in range(24)]
    jobs = [(n, "01", GOOD_ANSWERS) for n in nonces]
    jobs += [(n, "02", GOOD_ANSWERS) for n in nonces[:12]]  # the same forms again, at the same moment
    jobs += [(n, "01", OTHER_ANSWERS) for n in nonces[12:16]]  # a retry with other answers
    out = _submit_all(store, jobs, campaign_id=campaign.id, mini=mini)
    assert not [r for r in out if isinstance(r, Exception)]
    assert _rows(store) == {n: 1 for n in nonces}
    stored = store.response_nonces(campaign.id, [r.response_id for r in out])
    for (nonce, _, answers), result in zip(jobs, out):
        assert stored[result.response_id] == nonce  # each submitter gets the row of its own nonce
    by_nonce: dict[str, list] = {}
    for (nonce, _, answers), result in zip(jobs, out):
        by_nonce.setdefault(nonce, []).append((answers, result))
    for nonce, seen in by_nonce.items():
        assert sum(not r.repeat for _, r in seen) == 1
        assert len({r.response_id for _, r in seen}) == 1 and len({r.receipt for _, r in seen}) == 1
        first = next(a for a, r in seen if not r.repeat)
        for answers, r in seen:
            assert r.same_answers == (answers == first)


def _sqlite_only(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("group commit is SQLite's (PostgreSQL commits each submit on its own)")


def test_submits_queued_together_share_one_commit(store: Store, campaign, mini) -> None:
    _sqlite_only(store)
    nonces = [uuid.uuid4().hex for _ in range(30)]
    jobs = [(n, "01", GOOD_ANSWERS) for n in nonces] + [(nonces[0], "01", GOOD_ANSWERS)]
    before = store._group_commit.groups
    out = _submit_all(store, jobs, campaign_id=campaign.id, mini=mini, hold=True)
    assert store._group_commit.groups == before + 1
    assert sum(not r.repeat for r in out) == 30 and out[0].response_id == out[-1].response_id
    assert _rows(store) == {n: 1 for n in nonces}
    assert len({r.response_id for r in out[:30]}) == 30


def test_a_failing_submit_in_a_group_leaves_the_others_stored(store: Store, campaign, mini) -> None:
    _sqlite_only(store)
    nonces = [uuid.uuid4().hex for _ in range(12)]
    jobs = [(n, "99" if i == 5 else "01", GOOD_ANSWERS) for i, n in enumerate(nonces)]
    before = store._group_commit.groups
    out = _submit_all(store, jobs, campaign_id=campaign.id, mini=mini, hold=True)
    assert store._group_commit.groups == before + 1
    assert isinstance(out[5], SubmitError) and out[5].reason == "unknown_site"
    assert all(not isinstance(r, Exception) and not r.repeat for i, r in enumerate(out) if i != 5)
    assert _rows(store) == {n: 1 for i, n in enumerate(nonces) if i != 5}


def _insert(campaign_id: int, mini, nonce: str):
    def work(connection, memo=None):  # noqa: ANN001, ANN202
        return insert_response(connection, campaign_id=campaign_id, site_code="01", version_hash=mini.version_hash,
                               nonce=nonce, source="qr", answers=GOOD_ANSWERS, scores={},
                               submitted_at=dt.datetime.now(dt.timezone.utc), memo=memo)
    return work


def _run_group(store: Store, works: list) -> list:
    """Queue ``works`` on the group commit behind the write lock, then let one leader run them."""
    gc = store._group_commit
    out: list = [None] * len(works)

    def run(i: int) -> None:
        try:
            out[i] = gc.run(works[i])
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    with store._write_lock:
        for thread in threads:
            thread.start()
        while len(gc._queue) < len(works):
            time.sleep(0.005)
    for thread in threads:
        thread.join()
    return out


def test_an_item_failing_after_its_insert_is_undone_alone(store: Store, campaign, mini) -> None:
    _sqlite_only(store)
    nonces = [uuid.uuid4().hex for _ in range(6)]
    insert_then_fail = _insert(campaign.id, mini, nonces[2])

    def broken(connection, memo=None):  # noqa: ANN001, ANN202
        insert_then_fail(connection, memo)
        raise RuntimeError("after the insert")

    works = [_insert(campaign.id, mini, n) for n in nonces]
    works[2] = broken
    out = _run_group(store, works)
    assert isinstance(out[2], RuntimeError)
    assert _rows(store) == {n: 1 for i, n in enumerate(nonces) if i != 2}  # rolled back to its savepoint


def test_a_lone_item_failing_after_its_insert_is_undone_and_the_store_goes_on(store: Store, campaign, mini) -> None:
    """A group of one runs without a savepoint: an error rolls its transaction back whole."""
    _sqlite_only(store)
    nonce = uuid.uuid4().hex
    insert_then_fail = _insert(campaign.id, mini, nonce)

    def broken(connection, memo=None):  # noqa: ANN001, ANN202
        insert_then_fail(connection, memo)
        raise RuntimeError("after the insert")

    before = store._group_commit.groups
    with pytest.raises(RuntimeError, match="after the insert"):
        store._group_commit.run(broken)
    assert _rows(store) == {} and store._group_commit.groups == before + 1
    with pytest.raises(SubmitError) as refused:  # a refusal alone: its own answer, nothing stored
        store.submit(campaign.id, "99", mini, GOOD_ANSWERS, nonce=nonce)
    assert refused.value.reason == "unknown_site" and _rows(store) == {}
    assert not store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=nonce).repeat
    assert store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=nonce).repeat and _rows(store) == {nonce: 1}


class _Crash(BaseException):
    pass


def test_when_the_shared_transaction_fails_no_item_is_acknowledged(store: Store, campaign, mini) -> None:
    _sqlite_only(store)
    nonces = [uuid.uuid4().hex for _ in range(5)]

    def crash(connection, memo=None):  # noqa: ANN001, ANN202
        raise _Crash()

    works = [_insert(campaign.id, mini, n) for n in nonces] + [crash]
    out = _run_group(store, works)
    assert all(isinstance(r, BaseException) for r in out)
    assert _rows(store) == {}
    # the store goes on working afterwards
    assert not store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=nonces[0]).repeat


def test_the_lead_passes_on_while_submits_keep_arriving_and_other_writes_take_turns(store: Store, campaign, mini) -> None:
    """Waves of submits, with writes that take the store's write lock directly among them: every
    caller returns (no wake-up lost when the lead passes to an item queued during a commit), each
    nonce is stored once, and the group's lead ends with nobody holding it."""
    _sqlite_only(store)
    nonces = [uuid.uuid4().hex for _ in range(160)]
    out: list = [None] * len(nonces)

    def submit(i: int) -> None:
        time.sleep((i % 8) * 0.002)  # arrivals spread over a few commits
        out[i] = store.submit(campaign.id, "01", mini, GOOD_ANSWERS, nonce=nonces[i])

    def other_write() -> None:
        for _ in range(5):
            with store._write_lock:
                time.sleep(0.002)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(nonces))] + [threading.Thread(target=other_write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert all(r is not None and not r.repeat for r in out)
    assert _rows(store) == {n: 1 for n in nonces}
    assert store._group_commit._leader is None and store._group_commit._queue == []
    assert store._group_commit.groups < len(nonces)  # they shared commits
