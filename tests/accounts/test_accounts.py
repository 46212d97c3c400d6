"""Accounts: scrypt hashes (never passwords), throttled logins shared by replicas, the first admin."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

import accounts
from accounts.__main__ import main as accounts_main
from accounts import (
    AccountError,
    authenticate,
    create_account,
    ensure_first_admin,
    hash_password,
    list_accounts,
    set_active,
    set_password,
    verify_password,
)
from survey.storage import Store

# db_url (SQLite and PostgreSQL variants) comes from tests/survey/conftest.py


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def store(db_url, monkeypatch, tmp_path) -> Iterator[Store]:
    monkeypatch.setenv(accounts.ENV_DATA, str(tmp_path / "data"))
    monkeypatch.setattr(accounts.passwords, "SCRYPT_N", 2**10)  # cheap hashes: the rules tested here do not depend on the cost
    monkeypatch.delenv(accounts.ENV_DEMO, raising=False)
    monkeypatch.delenv(accounts.ENV_ADMIN_PASSWORD, raising=False)
    with Store.open(db_url) as opened:
        yield opened


def test_hash_is_salted_scrypt_and_verifies():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("scrypt$131072$8$1$") and first != second
    assert "correct horse" not in first
    assert verify_password("correct horse", first) and verify_password("correct horse", second)
    assert not verify_password("correct hors", first)
    assert not verify_password("x", "md5$whatever") and not verify_password("x", "garbage")


def test_database_holds_hashes_only(store):
    create_account(store, "Admin2", "admin", "a-long-password", actor="test")
    with store.read() as connection:
        dump = " ".join(str(v) for row in connection.exec_driver_sql("SELECT * FROM accounts") for v in row)
    assert "a-long-password" not in dump and "scrypt$" in dump
    assert [a.username for a in list_accounts(store)] == ["admin2"]


def test_accounts_are_checked(store):
    create_account(store, "wang", "surveyor", "password-1", actor="test")
    with pytest.raises(AccountError, match="exists already"):
        create_account(store, "WANG", "admin", "password-2", actor="test")
    with pytest.raises(AccountError, match="8 characters"):
        create_account(store, "li", "admin", "short", actor="test")
    with pytest.raises(AccountError, match="role"):
        create_account(store, "li", "root", "password-1", actor="test")
    with pytest.raises(AccountError, match="no account"):
        set_password(store, "nobody", "password-1", actor="test")


def test_login_roles_and_disabled_accounts(store):
    create_account(store, "wang", "surveyor", "password-1", actor="test")
    result = authenticate(store, " Wang ", "password-1")
    assert result.ok and result.account.role == "surveyor"
    assert authenticate(store, "wang", "password-2").reason == "wrong"
    assert authenticate(store, "nobody", "password-1").reason == "wrong"  # same answer as a wrong password
    set_active(store, "wang", False, actor="test")
    assert authenticate(store, "wang", "password-1").reason == "wrong"  # the state is told to nobody


def test_failed_logins_lock_the_name_for_every_replica(db_url, store):
    create_account(store, "admin", "admin", "password-1", actor="test")
    now = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc)
    for i in range(accounts.ACCOUNT_FREE_FAILURES - 1):
        assert authenticate(store, "admin", "nope", now=now + dt.timedelta(seconds=i)).reason == "wrong"
    now += dt.timedelta(seconds=accounts.ACCOUNT_FREE_FAILURES)
    locked = authenticate(store, "admin", "nope", now=now)
    assert locked.reason == "locked" and locked.retry_after == 30
    with Store.open(db_url) as replica:  # another app process on the same database
        assert authenticate(replica, "admin", "password-1", now=now + dt.timedelta(seconds=15)).reason == "locked"
        assert authenticate(replica, "admin", "password-1", now=now + dt.timedelta(seconds=31)).ok
    # a success cleared the count: the next failure is a plain one again
    assert authenticate(store, "admin", "nope", now=now + dt.timedelta(seconds=35)).reason == "wrong"


def test_lock_doubles_and_old_failures_are_forgotten(store):
    create_account(store, "admin", "admin", "password-1", actor="test")
    now = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc)
    locks = []
    for _ in range(accounts.ACCOUNT_FREE_FAILURES + 2):
        result = authenticate(store, "admin", "nope", now=now)
        if result.reason == "locked" and result.retry_after in (30, 60, 120):
            locks.append(result.retry_after)
            now += dt.timedelta(seconds=result.retry_after + 1)
    assert locks == [30, 60, 120]
    later = now + accounts.FORGET_AFTER + dt.timedelta(minutes=1)
    assert authenticate(store, "admin", "nope", now=later).reason == "wrong"


def test_first_start_creates_admin_with_a_random_password_printed_once(store):
    out = Terminal()
    password = ensure_first_admin(store, out=out)
    assert password and len(password) >= 12 and password in out.getvalue()
    assert authenticate(store, "admin", password).ok
    again = Terminal()
    assert ensure_first_admin(store, out=again) is None and again.getvalue() == ""


def test_two_replicas_starting_together_make_one_admin(db_url, store):
    outputs = [Terminal() for _ in range(4)]
    stores = [Store.open(db_url) for _ in outputs]
    threads = [threading.Thread(target=ensure_first_admin, args=(s,), kwargs={"out": o}) for s, o in zip(stores, outputs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for s in stores:
        s.close()
    assert sum("password:" in o.getvalue() for o in outputs) == 1
    assert [a.username for a in list_accounts(store)] == ["admin"]


def test_admin_password_from_the_environment_is_not_printed(store, monkeypatch):
    monkeypatch.setenv(accounts.ENV_ADMIN_PASSWORD, "from-the-environment")
    out = io.StringIO()
    ensure_first_admin(store, out=out)
    assert out.getvalue() == "" and authenticate(store, "admin", "from-the-environment").ok


def test_demo_mode_has_known_passwords(store, monkeypatch):
    monkeypatch.setenv(accounts.ENV_DEMO, "1")
    ensure_first_admin(store)
    assert {a.username: a.role for a in list_accounts(store)} == {"admin": "admin", "evaluator": "evaluator", "surveyor": "surveyor"}
    assert authenticate(store, "evaluator", "demo").ok


def test_no_default_password_outside_demo_mode(store):
    ensure_first_admin(store, out=io.StringIO())
    for guess in ("admin", "demo", "password", "123456", ""):
        assert not authenticate(store, "admin", guess).ok


def test_command_line_adds_and_lists_accounts(db_url, store, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-new-password\n"))
    assert accounts_main(["--db", db_url, "add", "zhao", "--role", "evaluator", "--password-stdin"]) == 0
    assert accounts_main(["--db", db_url, "list"]) == 0
    assert "zhao\tevaluator\tactive" in capsys.readouterr().out
    assert authenticate(store, "zhao", "a-new-password").ok
    with store.read() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM login_failures")).scalar() == 0
