"""Issue 14, item 1: the login lockout cannot be raced, overflowed, or used to lock others out."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time

import pytest

import accounts
from accounts import ClientThrottle, authenticate, create_account, hash_password, set_active, verify_password
from survey.storage import Store
from tests.survey.conftest import db_url  # noqa: F401 - fixture: SQLite and PostgreSQL

T0 = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc)


def _count_checks(monkeypatch) -> list[int]:
    """Count password checks; each takes 30 ms as a real scrypt check would (widens any race)."""
    checks: list[int] = []
    real = accounts.verify_password

    def slow(password: str, encoded: str) -> bool:
        checks.append(1)
        time.sleep(0.03)
        return real(password, encoded)

    monkeypatch.setattr(accounts.passwords, "verify_password", slow)
    return checks


def _parallel(calls) -> list:  # noqa: ANN001
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("replicas", [1, 3])
def test_parallel_attempts_on_one_name_are_counted_before_the_check(db_url, cheap_hashes, monkeypatch, replicas):  # noqa: F811
    url = db_url
    stores = [Store.open(url) for _ in range(replicas)]
    create_account(stores[0], "admin", "admin", "right-password", actor="test")
    checks = _count_checks(monkeypatch)
    # clients the server cannot tell apart (a client with no recent failure gets a check even on a
    # locked name: issue 23 item 4, tests/security/test_login_clients_issue23.py)
    calls = [lambda i=i: authenticate(stores[i % replicas], "admin", "wrong", client=None, now=T0, clients=ClientThrottle())
             for i in range(70)]
    results = _parallel(calls)
    assert len(checks) == accounts.ACCOUNT_FREE_FAILURES
    assert sum(r.reason == "locked" for r in results) == 70 - accounts.ACCOUNT_FREE_FAILURES + 1  # the 20th locks too
    assert authenticate(stores[-1], "admin", "right-password", client=None, now=T0).reason == "locked"
    for s in stores:
        s.close()


def test_one_client_in_many_tabs_gets_its_free_attempts_only(account_store, cheap_hashes, monkeypatch):
    create_account(account_store, "admin", "admin", "right-password", actor="test")
    clients = ClientThrottle()
    checks = _count_checks(monkeypatch)
    results = _parallel([lambda: authenticate(account_store, "admin", "wrong", client="192.0.2.7", now=T0, clients=clients)] * 16)
    assert len(checks) == accounts.CLIENT_FREE_FAILURES
    assert sum(r.reason == "locked" for r in results) == 16 - accounts.CLIENT_FREE_FAILURES


def test_backoff_is_capped_and_never_overflows(account_store, cheap_hashes):
    create_account(account_store, "admin", "admin", "right-password", actor="test")
    now, waits = T0, []
    for _ in range(80):  # 80 failures, each after the previous lock ran out
        result = authenticate(account_store, "admin", "wrong", now=now)
        assert result.reason in ("wrong", "locked")
        if result.reason == "locked":
            waits.append(result.retry_after)
            now += dt.timedelta(seconds=result.retry_after)
        now += dt.timedelta(seconds=1)
        if now - T0 > accounts.FORGET_AFTER:
            break
    assert waits[:3] == [30, 60, 120] and max(waits) == 900


def test_a_huge_stored_count_still_locks_without_overflow(account_store, cheap_hashes):
    create_account(account_store, "admin", "admin", "right-password", actor="test")
    with account_store.write() as connection:
        connection.exec_driver_sql(
            "INSERT INTO login_failures (username, failures, last_failed_at, locked_until, first_failed_at) "
            "VALUES ('admin', 1000, '2026-05-01 07:59:00', NULL, '2026-05-01 07:59:00')"
        )
    result = authenticate(account_store, "admin", "wrong", now=T0)
    assert result == accounts.LoginResult("locked", retry_after=900)
    assert authenticate(account_store, "admin", "right-password", now=T0 + dt.timedelta(seconds=60)).reason == "locked"


def test_lock_function_is_capped_for_any_count():
    lock = accounts._lock_for(accounts.ACCOUNT_FREE_FAILURES)
    assert lock(accounts.ACCOUNT_FREE_FAILURES - 1) is None
    assert lock(10**9) == accounts.MAX_LOCK


@pytest.mark.parametrize("username, password", [(None, None), ("admin", "\ud800"), ("x" * 10_000, "y" * 100_000),
                                                 ("admin\x00", "a\x00b"), (12, 34)])
def test_odd_input_is_a_wrong_login_not_an_exception(account_store, cheap_hashes, username, password):
    create_account(account_store, "admin", "admin", "right-password", actor="test")
    assert authenticate(account_store, username, password, client="198.51.100.2").reason == "wrong"


def test_hashes_use_owasp_parameters_and_old_hashes_are_upgraded_at_login(account_store):
    encoded = hash_password("right-password")
    assert encoded.startswith("scrypt$131072$8$1$") and verify_password("right-password", encoded)
    salt = b"0123456789abcdef"
    old_key = hashlib.scrypt(b"right-password", salt=salt, n=2**14, r=8, p=1, dklen=32)
    old = "$".join(["scrypt", "16384", "8", "1", accounts._b64(salt), accounts._b64(old_key)])
    assert account_store.add_account("wang", "surveyor", old, actor="test")
    assert authenticate(account_store, "wang", "right-password").ok
    upgraded = account_store.account("wang").password_hash
    assert upgraded.startswith("scrypt$131072$8$1$") and verify_password("right-password", upgraded)
    assert account_store.account("wang").session_version == 1  # an upgrade ends no session
    assert authenticate(account_store, "wang", "right-password").ok


def test_one_client_cannot_lock_the_account_for_everyone(account_store, cheap_hashes):
    create_account(account_store, "admin", "admin", "right-password", actor="test")
    clients = ClientThrottle()
    now = T0
    for _ in range(200):  # an attacker retrying for many hours, as fast as allowed
        result = authenticate(account_store, "admin", "guess", client="203.0.113.9", now=now, clients=clients)
        now += dt.timedelta(seconds=result.retry_after or 1)
    assert now - T0 > dt.timedelta(hours=4)
    assert 0 < account_store.login_failures("admin") < accounts.ACCOUNT_FREE_FAILURES
    assert authenticate(account_store, "admin", "right-password", client="192.0.2.1", now=now, clients=clients).ok


def test_many_clients_together_lock_the_name(account_store, cheap_hashes):
    create_account(account_store, "admin", "admin", "right-password", actor="test")
    clients = ClientThrottle()
    for i in range(accounts.ACCOUNT_FREE_FAILURES):
        authenticate(account_store, "admin", "guess", client=f"203.0.113.{i}", now=T0, clients=clients)
    # refused to every client that failed (and to unknown ones); a client with no failure is still checked (issue 23 item 4)
    assert authenticate(account_store, "admin", "right-password", client="203.0.113.0", now=T0, clients=clients).reason == "locked"
    assert authenticate(account_store, "admin", "right-password", client=None, now=T0, clients=clients).reason == "locked"


def test_client_addresses_are_not_kept():
    clients = ClientThrottle()
    clients.reserve("203.0.113.77", T0)
    assert "203.0.113.77" not in repr(clients._entries) and b"203.0.113.77" not in b"".join(clients._entries)


def test_a_disabled_account_answers_like_a_wrong_password(account_store, cheap_hashes):
    create_account(account_store, "wang", "surveyor", "right-password", actor="test")
    set_active(account_store, "wang", False, actor="test")
    right = authenticate(account_store, "wang", "right-password")
    wrong = authenticate(account_store, "wang", "wrong-password")
    unknown = authenticate(account_store, "nobody", "right-password")
    assert right == wrong == unknown == accounts.LoginResult("wrong")
    assert account_store.login_failures("wang") == 2  # counted like any failure
