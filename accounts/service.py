"""Accounts of the admin area: roles, scrypt password hashes, throttled logins, the first admin.

Roles: ``admin`` (everything), ``evaluator`` (reads campaigns and counts, changes nothing),
``surveyor`` (fills the form on behalf of respondents). Passwords are never stored: each
account keeps ``scrypt$N$r$p$salt$hash`` (``hashlib.scrypt``, N = 2^17, r = 8, p = 1 as OWASP
advises, 16-byte random salt, 32-byte key; RFC 7914), compared in constant time. A hash made with
weaker parameters is replaced by a current one at the next successful login. At most
:data:`HASH_SLOTS` hashes are computed at once per process (each takes 128 MiB for ~0.5 s).

Failed logins are limited twice, and each attempt is counted *before* its password is checked:

* per client (the browser's address, kept only as a keyed hash in this process's memory):
  :data:`CLIENT_FREE_FAILURES` failures in an hour, then that client alone waits 30 s, doubling
  with each further failure up to 15 minutes;
* per user name, in the database so every replica sees it: :data:`ACCOUNT_FREE_FAILURES` failures
  within an hour of the first one, from all clients together, lock the name the same way. One
  client cannot reach this (its own limit stops it first: at most 13 attempts in its first hour,
  4 an hour after that), so nobody can keep ``admin`` locked out alone.

A success clears both counts. A locked client is refused without checking the password. A locked
name is refused too, except to a client with no failure in the last hour: its password is checked,
so the right password still signs in and nobody can shut staff out by locking their names (a wrong
one counts for that client, which is refused from then on while the name stays locked). A client
the server cannot tell apart (no address) gets no such exception.
A disabled account answers exactly like a wrong password, also when the password is right: the
state of an account is told to nobody (the login page says a disabled account cannot sign in).

Open sessions: every change of an account's password, role or state increments its
``session_version``; ``app.auth`` compares it on every page run and ends older sessions.

First start: when no account exists, :func:`ensure_first_admin` creates ``admin`` with
``TCM_SURVEY_ADMIN_PASSWORD`` (at least 8 characters, else it refuses to start) or a random
password, shown once on the terminal when standard error is one, else written to a file readable
by its owner only (``data/first-admin-password.txt``) whose path is logged. There is no default
password, except in demo mode (``TCM_SURVEY_DEMO=1``), where ``admin``, ``evaluator`` and
``surveyor`` all have the password ``demo`` and the login page says so; these demo accounts are
removed at the next start without demo mode.

Command line: ``python -m accounts list | add NAME --role ROLE | passwd NAME`` (``accounts/__main__.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import secrets
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from survey.errors import SurveyError
from survey.storage import Store
from survey.storage.audit import SYSTEM
from accounts import passwords
from accounts.passwords import hash_password, needs_rehash, verify_password  # noqa: F401 (the package's face)


ROLES = ("admin", "evaluator", "surveyor")
USERNAME = re.compile(r"^[a-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8
CLIENT_FREE_FAILURES = 5
ACCOUNT_FREE_FAILURES = 20
FREE_FAILURES = CLIENT_FREE_FAILURES
FIRST_LOCK = dt.timedelta(seconds=30)
MAX_LOCK = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=1)
ENV_DEMO = "TCM_SURVEY_DEMO"
ENV_ADMIN_PASSWORD = "TCM_SURVEY_ADMIN_PASSWORD"
ENV_DATA = "TCM_SURVEY_DATA"
DEMO_PASSWORD = "demo"
PASSWORD_FILE = "first-admin-password.txt"

log = logging.getLogger(__name__)


class AccountError(SurveyError):
    """An account that cannot be created or changed as asked (the message says why)."""


@dataclass(frozen=True)
class Account:
    """A signed-in account; ``session_version`` as it was when the session signed in."""

    username: str
    role: str
    active: bool = True
    session_version: int = 1


@dataclass(frozen=True)
class LoginResult:
    """``reason``: ``ok``, ``wrong`` (unknown name, wrong password or disabled account: not told
    apart) or ``locked`` (too many failures: ``retry_after`` seconds to wait)."""

    reason: str
    account: Account | None = None
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


def demo_mode() -> bool:
    return os.environ.get(ENV_DEMO, "").strip().lower() in ("1", "true", "yes")


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


def create_account(store: Store, username: str, role: str, password: str, *, actor: str, _demo: bool = False) -> Account:
    """Create an account (audited with ``actor``); AccountError when the name is taken or the input is not acceptable."""
    name = normalise_username(username) if _demo else _check_new(username, role, password)
    if not store.add_account(name, role, hash_password(password), actor=actor, demo=_demo):
        raise AccountError(f"an account named {name!r} exists already")
    return Account(name, role)


def set_password(store: Store, username: str, password: str, *, actor: str) -> None:
    """A new password (audited, never the hash); the account's open sessions end."""
    _check_password(password)
    _update(store, username, actor, password_hash=hash_password(password))


def set_role(store: Store, username: str, role: str, *, actor: str) -> None:
    """A new role; the account's open sessions end (unchanged role: nothing happens)."""
    if role not in ROLES:
        raise AccountError(f"role {role!r} must be one of {list(ROLES)}")
    if _get(store, username).role != role:
        _update(store, username, actor, role=role)


def set_active(store: Store, username: str, active: bool, *, actor: str) -> None:
    """Enable or disable an account; disabling ends its open sessions (unchanged: nothing happens)."""
    if _get(store, username).active != bool(active):
        _update(store, username, actor, active=bool(active))


def _get(store: Store, username: str):  # noqa: ANN202
    row = store.account(normalise_username(username))
    if row is None:
        raise AccountError(f"no account named {normalise_username(username)!r}")
    return row


def _update(store: Store, username: str, actor: str, **values: object) -> None:
    name = normalise_username(username)
    if not store.change_account(name, actor=actor, **values):
        raise AccountError(f"no account named {name!r}")


def list_accounts(store: Store) -> list[Account]:
    return [Account(r.username, r.role, r.active, r.session_version) for r in store.accounts()]


def account_count(store: Store) -> int:
    return store.account_count()


def current_account(store: Store, username: str) -> Account | None:
    """The account as stored now (None when it no longer exists)."""
    row = store.account(normalise_username(username))
    return None if row is None else Account(row.username, row.role, row.active, row.session_version)


def still_valid(store: Store, account: Account) -> Account | None:
    """The stored account when a session signed in as ``account`` may go on: it exists, is
    active, and its password, role and state did not change since (same session version)."""
    stored = current_account(store, account.username)
    if stored is None or not stored.active or stored.session_version != account.session_version or stored.role != account.role:
        return None
    return stored


# ------------------------------------------------------------------------------------- logins


def _lock_for(free: int):  # noqa: ANN202
    def lock(failures: int) -> dt.timedelta | None:
        """30 s at the ``free``-th failure, doubling per further failure, at most 15 minutes."""
        if failures < free:
            return None
        doublings = min(failures - free, 16)  # 2^16 * 30 s is far above the cap: no overflow
        return min(FIRST_LOCK * (2**doublings), MAX_LOCK)

    return lock


class ClientThrottle:
    """Failed logins per client in this process's memory, keyed by a keyed hash of the client's
    address (the address itself is not kept): :data:`CLIENT_FREE_FAILURES` free failures, then
    30 s doubling up to 15 minutes; forgotten an hour after the client's last failure (so a client
    that keeps guessing stays slowed down). Safe for the threads of one process."""

    def __init__(self, free_failures: int = CLIENT_FREE_FAILURES, max_clients: int = 100_000) -> None:
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._free = free_failures
        self._max = max_clients
        self._entries: dict[bytes, tuple[int, dt.datetime, dt.datetime | None]] = {}

    def key(self, client: str) -> bytes:
        return hmac.new(self._key, client.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()[:16]

    def reserve(self, client: str, now: dt.datetime) -> dt.datetime | None:
        """Count one attempt from ``client``; the time it stays refused when it is (then not counted)."""
        key = self.key(client)
        lock_for = _lock_for(self._free)
        with self._lock:
            failures, last, locked_until = self._entries.get(key, (0, now, None))
            if locked_until is not None and locked_until > now:
                return locked_until
            if now - last > FORGET_AFTER:
                failures = 0
            failures += 1
            lock = lock_for(failures)
            if len(self._entries) >= self._max:
                self._forget_old(now)
            self._entries[key] = (failures, now, now + lock if lock else None)
            return None

    def recent_failures(self, client: str, now: dt.datetime) -> int:
        """Failures of ``client`` in the hour before ``now`` that no success cleared."""
        with self._lock:
            entry = self._entries.get(self.key(client))
        if entry is None or now - entry[1] > FORGET_AFTER:
            return 0
        return entry[0]

    def clear(self, client: str) -> None:
        with self._lock:
            self._entries.pop(self.key(client), None)

    def _forget_old(self, now: dt.datetime) -> None:
        stale = [k for k, (_, last, until) in self._entries.items()
                 if now - last > FORGET_AFTER and (until is None or until <= now)]
        for k in stale or list(self._entries)[: self._max // 10]:
            del self._entries[k]


CLIENTS = ClientThrottle()


def _retry_after(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, int((until - now).total_seconds() + 0.999))


def authenticate(
    store: Store,
    username: str,
    password: str,
    *,
    client: str | None = None,
    now: dt.datetime | None = None,
    clients: ClientThrottle | None = None,
) -> LoginResult:
    """Check a login. The attempt is counted for the client (when given: its address) and for
    the user name before the password is checked; a refused attempt checks nothing.
    Never raises for any input (odd input is a wrong login)."""
    now = now or _now()
    name = normalise_username(username)[:64]
    password = password if isinstance(password, str) else ""
    clients = clients or CLIENTS
    fresh = False  # a known client without a recent failure: a locked name still checks its password
    if client is not None:
        fresh = clients.recent_failures(client, now) == 0
        refused_until = clients.reserve(client, now)
        if refused_until is not None:
            return LoginResult("locked", retry_after=_retry_after(refused_until, now))
    reservation = store.reserve_login(name, now, forget_after=FORGET_AFTER, lock_for=_lock_for(ACCOUNT_FREE_FAILURES))
    if reservation.refused and not fresh:
        return LoginResult("locked", retry_after=_retry_after(reservation.locked_until, now))
    row = store.account(name)
    try:
        matches = passwords.verify_password(password, row.password_hash if row is not None else passwords._dummy_hash())
    except UnicodeEncodeError:  # a lone surrogate cannot be any password
        matches = False
    if row is not None and matches and row.active:
        store.clear_login_failures(name)
        if client is not None:
            clients.clear(client)
        if needs_rehash(row.password_hash):
            store.upgrade_password_hash(name, row.password_hash, hash_password(password))
        return LoginResult("ok", Account(row.username, row.role, True, row.session_version))
    if reservation.refused:  # a fresh client's wrong password while the name is locked
        return LoginResult("locked", retry_after=_retry_after(reservation.locked_until, now))
    lock = _lock_for(ACCOUNT_FREE_FAILURES)(reservation.failures)
    if lock is not None:
        return LoginResult("locked", retry_after=int(lock.total_seconds()))
    return LoginResult("wrong")


# -------------------------------------------------------------------------------- first start


def data_folder() -> Path:
    """Where the app keeps its files (``TCM_SURVEY_DATA``, else ``data/``)."""
    return Path(os.environ.get(ENV_DATA) or "data")


def ensure_first_admin(store: Store, *, out: TextIO | None = None, password_file: Path | None = None) -> str | None:
    """Make sure someone can sign in, and only the accounts of the current mode exist; return
    the password created (None when none was).

    Demo mode: ``admin``, ``evaluator`` and ``surveyor`` with the password ``demo`` (created
    when missing, labelled as demo accounts). Otherwise the demo accounts are removed first; then,
    only when there is no account at all: ``admin`` with ``TCM_SURVEY_ADMIN_PASSWORD`` (AccountError
    when it is shorter than 8 characters), else a random password shown once: on ``out`` (standard
    error) when that is a terminal, else written to ``password_file`` (default
    ``data/first-admin-password.txt``, mode 0600) and the log says where.
    Two replicas starting together create one admin; only the one that wrote it tells.
    """
    if demo_mode():
        for role in ROLES:
            try:
                create_account(store, role, role, DEMO_PASSWORD, actor=SYSTEM, _demo=True)
            except AccountError:
                pass
        return None
    removed = store.remove_demo_accounts()
    if removed:
        log.warning("demo mode is off: removed the demo accounts %s", ", ".join(removed))
    given = os.environ.get(ENV_ADMIN_PASSWORD)
    if given is not None and len(given) < MIN_PASSWORD:
        raise AccountError(
            f"{ENV_ADMIN_PASSWORD} must have at least {MIN_PASSWORD} characters (it has {len(given)}): "
            "set a longer password, or unset it to get a random one"
        )
    if account_count(store) > 0:
        return None
    password = given or secrets.token_urlsafe(12)
    try:
        create_account(store, "admin", "admin", password, actor=SYSTEM)
    except AccountError:
        return None  # another process was first
    if not given:
        _tell_first_password(password, out or sys.stderr, password_file or data_folder() / PASSWORD_FILE)
    return password


def _tell_first_password(password: str, stream: TextIO, path: Path) -> None:
    line = "=" * 72
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        print(
            f"\n{line}\ntcm-survey: first start, created the account 'admin' for the admin area.\n"
            f"  user name: admin\n  password:  {password}\n"
            "This password is shown only this once: note it now, then change it on the account page.\n"
            f"{line}\n",
            file=stream,
            flush=True,
        )
        return
    path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)  # data/: its owner only
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(
            "tcm-survey: the first password of the account 'admin'.\n"
            f"user name: admin\npassword:  {password}\n"
            "Sign in, change the password on the account page, then delete this file.\n"
        )
    message = (f"tcm-survey: first start, created the account 'admin'; its password is in {path.resolve()} "
               "(readable by this user only): sign in, change it, delete the file")
    log.warning(message)
    print(message, file=stream, flush=True)
