"""Issue 14, items 7, 11 and 15: demo accounts, a short admin password from the environment, the
first password kept out of service logs, database files private to their owner."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys

import pytest

import accounts
from accounts import AccountError, authenticate, ensure_first_admin, list_accounts
from survey.storage import Store


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_demo_accounts_exist_only_while_demo_mode_is_on(account_store, cheap_hashes, monkeypatch, tmp_path):
    monkeypatch.setenv(accounts.ENV_DATA, str(tmp_path))
    monkeypatch.setenv(accounts.ENV_DEMO, "1")
    ensure_first_admin(account_store)
    assert authenticate(account_store, "evaluator", "demo").ok and authenticate(account_store, "admin", "demo").ok
    monkeypatch.delenv(accounts.ENV_DEMO)
    password = ensure_first_admin(account_store, out=Terminal())  # the next start without demo mode
    for name in ("admin", "evaluator", "surveyor"):
        assert not authenticate(account_store, name, "demo").ok
    assert [a.username for a in list_accounts(account_store)] == ["admin"]  # a new admin with a random password
    assert password and authenticate(account_store, "admin", password).ok


def test_real_accounts_survive_demo_mode(account_store, cheap_hashes, monkeypatch, tmp_path):
    monkeypatch.setenv(accounts.ENV_DATA, str(tmp_path))
    accounts.create_account(account_store, "admin", "admin", "the-real-one", actor="test")
    monkeypatch.setenv(accounts.ENV_DEMO, "1")
    ensure_first_admin(account_store)
    assert not authenticate(account_store, "admin", "demo").ok  # the real admin keeps its password
    monkeypatch.delenv(accounts.ENV_DEMO)
    ensure_first_admin(account_store)
    assert [a.username for a in list_accounts(account_store)] == ["admin"] and authenticate(account_store, "admin", "the-real-one").ok


def test_a_short_admin_password_from_the_environment_refuses_to_start(account_store, monkeypatch):
    monkeypatch.setenv(accounts.ENV_ADMIN_PASSWORD, "short")
    with pytest.raises(AccountError, match="TCM_SURVEY_ADMIN_PASSWORD must have at least 8 characters"):
        ensure_first_admin(account_store)
    assert list_accounts(account_store) == []


def test_the_app_refuses_to_start_with_a_short_admin_password(tmp_path):
    env = {**os.environ, "TCM_SURVEY_DB": f"sqlite:///{tmp_path / 'a.sqlite'}", accounts.ENV_ADMIN_PASSWORD: "1234567"}
    env.pop(accounts.ENV_DEMO, None)
    done = subprocess.run([sys.executable, "-m", "app.preflight"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "TCM_SURVEY_ADMIN_PASSWORD must have at least 8 characters" in done.stderr
    assert "Traceback" not in done.stderr


def test_first_password_goes_to_a_private_file_when_not_on_a_terminal(account_store, cheap_hashes, tmp_path, caplog):
    out = io.StringIO()  # a service log, not a terminal
    target = tmp_path / "data" / "first-admin-password.txt"
    password = ensure_first_admin(account_store, out=out, password_file=target)
    assert password not in out.getvalue() and password not in caplog.text
    assert str(target) in out.getvalue() and str(target) in caplog.text
    assert password in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700  # the data folder it makes: its owner only


def test_first_password_is_shown_once_on_a_terminal(account_store, cheap_hashes, tmp_path):
    out = Terminal()
    target = tmp_path / "first-admin-password.txt"
    password = ensure_first_admin(account_store, out=out, password_file=target)
    assert password in out.getvalue() and not target.exists()


def test_database_files_are_private(tmp_path):
    path = tmp_path / "new" / "db.sqlite"
    old = os.umask(0o022)
    try:
        with Store.open(f"sqlite:///{path}") as opened:
            opened.add_account("x", "admin", "scrypt$1$1$1$a$b", actor="test")
            for name in ("db.sqlite", "db.sqlite-wal", "db.sqlite-shm"):
                if (path.parent / name).exists():
                    assert stat.S_IMODE((path.parent / name).stat().st_mode) == 0o600, name
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
