"""Accounts of the admin area: roles, scrypt password hashes, throttled logins, the first admin.

Roles: ``admin`` (everything), ``evaluator`` (reads campaigns and counts, changes nothing),
``surveyor`` (fills the form on behalf of respondents). Passwords are never stored: each
account keeps ``scrypt$N$r$p$salt$hash`` (``hashlib.scrypt``, N = 2^14, r = 8, p = 1, 16-byte
random salt, 32-byte key; RFC 7914), compared in constant time.

Failed logins are counted per user name in the database, so every app replica sees them:
after :data:`FREE_FAILURES` failures in a row the name is locked for 30 s, doubling with each
further failure up to 15 minutes; a success clears the count, and failures older than an hour
are forgotten. A locked name is refused without checking the password.

First start: when no account exists, :func:`ensure_first_admin` creates ``admin`` with a random
password and prints it once to the terminal (or takes ``TCM_SURVEY_ADMIN_PASSWORD``). There is no
default password, except in demo mode (``TCM_SURVEY_DEMO=1``), where ``admin``, ``evaluator`` and
``surveyor`` all have the password ``demo`` and the login page says so.

Command line: ``python -m survey.accounts list | add NAME --role ROLE | passwd NAME``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import sys
from dataclasses import dataclass
from typing import TextIO

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from survey.errors import SurveyError
from survey.storage import Store
from survey.storage.schema import accounts, login_failures

ROLES = ("admin", "evaluator", "surveyor")
USERNAME = re.compile(r"^[a-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8
FREE_FAILURES = 5
FIRST_LOCK = dt.timedelta(seconds=30)
MAX_LOCK = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=1)
ENV_DEMO = "TCM_SURVEY_DEMO"
ENV_ADMIN_PASSWORD = "TCM_SURVEY_ADMIN_PASSWORD"
DEMO_PASSWORD = "demo"

_N, _R, _P, _KEY = 2**14, 8, 1, 32


class AccountError(SurveyError):
    """An account that cannot be created or changed as asked (the message says why)."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    active: bool = True


@dataclass(frozen=True)
class LoginResult:
    """``reason``: ``ok``, ``wrong`` (unknown name or wrong password: not told apart),
    ``locked`` (too many failures: ``retry_after`` seconds to wait) or ``inactive``."""

    reason: str
    account: Account | None = None
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


def demo_mode() -> bool:
    return os.environ.get(ENV_DEMO, "").strip().lower() in ("1", "true", "yes")


# ------------------------------------------------------------------------------------ hashing


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$key`` for ``password`` with a fresh random salt."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_KEY)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(key)])


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the stored ``encoded`` hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, key = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(key)
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))  # unknown names cost as much as known ones

# ----------------------------------------------------------------------------------- accounts


def normalise_username(username: str) -> str:
    return str(username or "").strip().lower()


def _check_new(username: str, role: str, password: str) -> str:
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise AccountError(f"user name {username!r} must be 1-64 lowercase letters, digits, '_', '.', '@' or '-'")
    if role not in ROLES:
        raise AccountError(f"role {role!r} must be one of {list(ROLES)}")
    _check_password(password)
    return name


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def create_account(store: Store, username: str, role: str, password: str, *, _allow_short: bool = False) -> Account:
    """Create an account; AccountError when the name is taken or the input is not acceptable."""
    if _allow_short:
        name = normalise_username(username)
    else:
        name = _check_new(username, role, password)
    now = _now()
    values = {"username": name, "role": role, "password_hash": hash_password(password), "active": True,
              "created_at": now, "updated_at": now}
    with store.write() as connection:
        if not _insert_ignore(connection, accounts, values):
            raise AccountError(f"an account named {name!r} exists already")
    return Account(name, role)


def _insert_ignore(connection: sa.Connection, table: sa.Table, values: dict) -> bool:
    """Insert unless the primary key exists; True when a row was written (race-safe)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    key = next(iter(table.primary_key.columns))
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return connection.execute(statement).first() is not None


def set_password(store: Store, username: str, password: str) -> None:
    _check_password(password)
    _update(store, username, password_hash=hash_password(password))


def set_role(store: Store, username: str, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role {role!r} must be one of {list(ROLES)}")
    _update(store, username, role=role)


def set_active(store: Store, username: str, active: bool) -> None:
    _update(store, username, active=bool(active))


def _update(store: Store, username: str, **values: object) -> None:
    name = normalise_username(username)
    with store.write() as connection:
        result = connection.execute(
            accounts.update().where(accounts.c.username == name).values(**values, updated_at=_now())
        )
        if result.rowcount != 1:
            raise AccountError(f"no account named {name!r}")


def list_accounts(store: Store) -> list[Account]:
    with store.read() as connection:
        rows = connection.execute(sa.select(accounts.c.username, accounts.c.role, accounts.c.active).order_by(accounts.c.username))
        return [Account(r.username, r.role, bool(r.active)) for r in rows]


def account_count(store: Store) -> int:
    with store.read() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(accounts)).scalar() or 0)


# ------------------------------------------------------------------------------------- logins


def authenticate(store: Store, username: str, password: str, *, now: dt.datetime | None = None) -> LoginResult:
    """Check a login; count a failure (shared by all replicas through the database)."""
    now = now or _now()
    name = normalise_username(username)[:64]
    with store.read() as connection:
        failure = connection.execute(sa.select(login_failures).where(login_failures.c.username == name)).first()
        row = connection.execute(sa.select(accounts).where(accounts.c.username == name)).first()
    if failure is not None and failure.locked_until is not None and failure.locked_until > now:
        return LoginResult("locked", retry_after=max(1, int((failure.locked_until - now).total_seconds() + 0.999)))
    matches = verify_password(password or "", row.password_hash if row is not None else _DUMMY_HASH)
    if row is not None and matches:
        if failure is not None:
            with store.write() as connection:
                connection.execute(login_failures.delete().where(login_failures.c.username == name))
        if not row.active:
            return LoginResult("inactive")
        return LoginResult("ok", Account(row.username, row.role, True))
    return _count_failure(store, name, now)


def _count_failure(store: Store, name: str, now: dt.datetime) -> LoginResult:
    with store.write() as connection:
        failure = connection.execute(sa.select(login_failures).where(login_failures.c.username == name)).first()
        if failure is None or now - failure.last_failed_at > FORGET_AFTER:
            failures = 1
        else:
            failures = failure.failures + 1
        locked_until = None
        if failures >= FREE_FAILURES:
            lock = min(FIRST_LOCK * 2 ** (failures - FREE_FAILURES), MAX_LOCK)
            locked_until = now + lock
        values = {"failures": failures, "last_failed_at": now, "locked_until": locked_until}
        if failure is None:
            if not _insert_ignore(connection, login_failures, {"username": name, **values}):
                connection.execute(
                    login_failures.update().where(login_failures.c.username == name).values(
                        failures=login_failures.c.failures + 1, last_failed_at=now
                    )
                )
        else:
            connection.execute(login_failures.update().where(login_failures.c.username == name).values(**values))
    if locked_until is not None:
        return LoginResult("locked", retry_after=int((locked_until - now).total_seconds()))
    return LoginResult("wrong")


# -------------------------------------------------------------------------------- first start


def ensure_first_admin(store: Store, *, out: TextIO | None = None) -> str | None:
    """Make sure someone can sign in; return the password created (None when none was).

    Demo mode: ``admin``, ``evaluator`` and ``surveyor`` with the password ``demo`` (created
    when missing). Otherwise, only when there is no account at all: ``admin`` with
    ``TCM_SURVEY_ADMIN_PASSWORD``, else a random password printed once to ``out`` (stderr).
    Two replicas starting together create one admin; only the one that wrote it prints.
    """
    if demo_mode():
        for role in ROLES:
            try:
                create_account(store, role, role, DEMO_PASSWORD, _allow_short=True)
            except AccountError:
                pass
        return None
    if account_count(store) > 0:
        return None
    given = os.environ.get(ENV_ADMIN_PASSWORD)
    password = given or secrets.token_urlsafe(12)
    try:
        create_account(store, "admin", "admin", password)
    except AccountError:
        return None  # another process was first (or the given password is too short: raised below)
    if not given:
        stream = out or sys.stderr
        line = "=" * 72
        print(
            f"\n{line}\ntcm-survey: first start, created the account 'admin' for the admin area.\n"
            f"  user name: admin\n  password:  {password}\n"
            "This password is shown only this once: note it now, then change it on the account page.\n"
            f"{line}\n",
            file=stream,
            flush=True,
        )
    return password


# -------------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    import getpass

    parser = argparse.ArgumentParser(prog="python -m survey.accounts", description="Accounts of the admin area.")
    parser.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else data/tcm-survey.sqlite)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list accounts and roles")
    add = commands.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    passwd = commands.add_parser("passwd", help="set a new password (asks for it)")
    passwd.add_argument("username")
    for sub in (add, passwd):
        sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)

    def ask() -> str:
        if args.password_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("password: ")
        if first != getpass.getpass("again: "):
            raise AccountError("the two passwords differ")
        return first

    try:
        with Store.open(args.db) as store:
            if args.command == "list":
                for account in list_accounts(store):
                    print(f"{account.username}\t{account.role}\t{'active' if account.active else 'disabled'}")
            elif args.command == "add":
                create_account(store, args.username, args.role, ask())
            else:
                set_password(store, args.username, ask())
    except SurveyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
