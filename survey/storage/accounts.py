"""The account repository: accounts of the admin area and failed logins, on one connection.

Failed logins are counted per user name by a compare-and-swap: :func:`reserve_login` reads the
row, computes the next count, and updates it only if nobody changed it in between (else it reads
again). A login attempt is counted *before* its password is checked, so parallel attempts on
one name, in one process or in many replicas, are each counted and refused once the name is
locked; a success then clears the count (:func:`clear_failures`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from survey.storage.schema import accounts, login_failures


@dataclass(frozen=True)
class AccountRow:
    """One account as stored (``password_hash`` is a scrypt hash, never a password)."""

    username: str
    role: str
    password_hash: str
    active: bool
    session_version: int
    demo: bool


@dataclass(frozen=True)
class Reservation:
    """A login attempt counted in advance: ``failures`` so far including this one, or the time
    the name stays locked (``locked_until``; the attempt was then not counted and must be refused)."""

    failures: int
    locked_until: dt.datetime | None = None

    @property
    def refused(self) -> bool:
        return self.locked_until is not None


def _row(r: sa.Row) -> AccountRow:
    return AccountRow(r.username, r.role, r.password_hash, bool(r.active), int(r.session_version), bool(r.demo))


def _insert_ignore(connection: Connection, table: sa.Table, values: dict) -> bool:
    """Insert unless the primary key exists; True when a row was written (race-safe)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    key = next(iter(table.primary_key.columns))
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return connection.execute(statement).first() is not None


def insert_account(connection: Connection, username: str, role: str, password_hash: str, *, demo: bool, now: dt.datetime) -> bool:
    """Create an account; False when the name is taken."""
    values = {"username": username, "role": role, "password_hash": password_hash, "active": True, "created_at": now,
              "updated_at": now, "session_version": 1, "demo": demo}
    return _insert_ignore(connection, accounts, values)


def update_account(connection: Connection, username: str, now: dt.datetime, **values: object) -> bool:
    """Change ``password_hash``, ``role`` and/or ``active`` and end the account's open sessions
    (``session_version`` + 1); False when there is no such account."""
    statement = (
        accounts.update()
        .where(accounts.c.username == username)
        .values(**values, updated_at=now, session_version=accounts.c.session_version + 1)
    )
    return connection.execute(statement).rowcount == 1


def replace_hash(connection: Connection, username: str, old_hash: str, new_hash: str) -> bool:
    """Store a stronger hash of the same password (open sessions stay valid); only if the hash
    is still ``old_hash`` (a password changed meanwhile wins)."""
    statement = (
        accounts.update()
        .where(accounts.c.username == username, accounts.c.password_hash == old_hash)
        .values(password_hash=new_hash)
    )
    return connection.execute(statement).rowcount == 1


def find_account(connection: Connection, username: str) -> AccountRow | None:
    row = connection.execute(sa.select(accounts).where(accounts.c.username == username)).first()
    return None if row is None else _row(row)


def all_accounts(connection: Connection) -> list[AccountRow]:
    return [_row(r) for r in connection.execute(sa.select(accounts).order_by(accounts.c.username))]


def count_accounts(connection: Connection) -> int:
    return int(connection.execute(sa.select(sa.func.count()).select_from(accounts)).scalar() or 0)


def delete_demo_accounts(connection: Connection) -> list[str]:
    """Remove the accounts made by demo mode (and their failure counts); return their names."""
    names = list(connection.execute(sa.select(accounts.c.username).where(accounts.c.demo == sa.true())).scalars())
    if names:
        connection.execute(login_failures.delete().where(login_failures.c.username.in_(names)))
        connection.execute(accounts.delete().where(accounts.c.username.in_(names)))
    return names


def reserve_login(
    connection: Connection,
    username: str,
    now: dt.datetime,
    *,
    forget_after: dt.timedelta,
    lock_for: Callable[[int], dt.timedelta | None],
) -> Reservation:
    """Count one login attempt on ``username`` unless the name is locked (compare-and-swap).

    ``lock_for(failures)`` is how long the name is locked once ``failures`` attempts are counted
    (None: not locked). A count starts at its first failure and is forgotten ``forget_after`` later
    (a fixed window: slow, steady guessing never adds up to a lock of the name).
    """
    for _ in range(1000):
        row = connection.execute(sa.select(login_failures).where(login_failures.c.username == username)).first()
        if row is not None and row.locked_until is not None and row.locked_until > now:
            return Reservation(row.failures, row.locked_until)
        started = None if row is None else (row.first_failed_at or row.last_failed_at)
        fresh = started is None or now - started > forget_after
        failures = 1 if fresh else row.failures + 1
        lock = lock_for(failures)
        values = {"failures": failures, "last_failed_at": now, "locked_until": now + lock if lock else None,
                  "first_failed_at": now if fresh else started}
        if row is None:
            if _insert_ignore(connection, login_failures, {"username": username, **values}):
                return Reservation(failures)
            continue
        swapped = connection.execute(
            login_failures.update()
            .where(
                login_failures.c.username == username,
                login_failures.c.failures == row.failures,  # nobody counted meanwhile
            )
            .values(**values)
        ).rowcount
        if swapped == 1:
            return Reservation(failures)
    raise RuntimeError(f"could not count a login attempt on {username!r}")  # pragma: no cover


def clear_failures(connection: Connection, username: str) -> None:
    connection.execute(login_failures.delete().where(login_failures.c.username == username))


def failure_count(connection: Connection, username: str) -> int:
    value = connection.execute(sa.select(login_failures.c.failures).where(login_failures.c.username == username)).scalar()
    return int(value or 0)
