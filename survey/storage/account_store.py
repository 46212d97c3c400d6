"""The accounts part of ``Store`` (mixed into :class:`survey.storage.Store`, which provides
``write()`` and ``read()``): accounts of the admin area and failed logins, every change of who may
act with its audit row. The SQL is ``survey.storage.accounts``."""

from __future__ import annotations

import datetime as dt

from survey.storage import accounts as account_repo
from survey.storage import audit


class AccountStore:
    """``Store``'s accounts (see the module docstring)."""

    def add_account(self, username: str, role: str, password_hash: str, *, actor: str, demo: bool = False) -> bool:
        """Create an account (audit: ``account.created``); False when the name is taken (race-safe)."""
        with self.write() as connection:
            created = account_repo.insert_account(connection, username, role, password_hash, demo=demo,
                                                  now=dt.datetime.now(dt.timezone.utc))
            if created:
                audit.append(connection, actor=actor, action="account.created",
                             detail={"username": username, "role": role, "demo": demo})
            return created

    def change_account(self, username: str, *, actor: str, **values: object) -> bool:
        """Change ``password_hash``, ``role`` and/or ``active``; the account's open sessions end.
        One audit row per change (``account.password``, ``account.role``, ``account.disabled`` /
        ``account.enabled``; never the hash). False when there is no such account."""
        with self.write() as connection:
            before = account_repo.find_account(connection, username)
            if before is None or not account_repo.update_account(connection, username, dt.datetime.now(dt.timezone.utc), **values):
                return False
            if "password_hash" in values:
                audit.append(connection, actor=actor, action="account.password", detail={"username": username})
            if "role" in values:
                audit.append(connection, actor=actor, action="account.role",
                             detail={"username": username, "previous": before.role, "new": values["role"]})
            if "active" in values:
                audit.append(connection, actor=actor, action="account.enabled" if values["active"] else "account.disabled",
                             detail={"username": username})
            return True

    def upgrade_password_hash(self, username: str, old_hash: str, new_hash: str) -> bool:
        with self.write() as connection:
            return account_repo.replace_hash(connection, username, old_hash, new_hash)

    def account(self, username: str) -> account_repo.AccountRow | None:
        with self.read() as connection:
            return account_repo.find_account(connection, username)

    def accounts(self) -> list[account_repo.AccountRow]:
        with self.read() as connection:
            return account_repo.all_accounts(connection)

    def account_count(self) -> int:
        with self.read() as connection:
            return account_repo.count_accounts(connection)

    def remove_demo_accounts(self, *, actor: str = audit.SYSTEM) -> list[str]:
        """Remove the demo accounts (one ``account.removed`` row each); return their names."""
        with self.write() as connection:
            names = account_repo.delete_demo_accounts(connection)
            for name in names:
                audit.append(connection, actor=actor, action="account.removed", detail={"username": name, "demo": True})
            return names

    def reserve_login(self, username: str, now: dt.datetime, *, forget_after: dt.timedelta, lock_for) -> account_repo.Reservation:  # noqa: ANN001
        """Count a login attempt before its password is checked (see ``survey.storage.accounts``)."""
        with self.write() as connection:
            return account_repo.reserve_login(connection, username, now, forget_after=forget_after, lock_for=lock_for)

    def clear_login_failures(self, username: str) -> None:
        with self.write() as connection:
            account_repo.clear_failures(connection, username)

    def login_failures(self, username: str) -> int:
        with self.read() as connection:
            return account_repo.failure_count(connection, username)
