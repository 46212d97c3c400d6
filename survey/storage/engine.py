"""Engines for SQLite (WAL, the embedded default) and PostgreSQL, with clear connection errors.

The URL comes from the caller, else ``TCM_SURVEY_DB``, else ``sqlite:///data/tcm-survey.sqlite``.
A new SQLite file is created readable by its owner only (mode 0600).
``postgresql://`` and ``postgres://`` URLs are read as ``postgresql+psycopg://`` (psycopg 3).

SQLite connections run with ``journal_mode=WAL`` (readers never block the writer),
``synchronous=FULL`` (an acknowledged commit survives a crash of the machine, not only of the
process), ``foreign_keys=ON`` and a 30 s busy timeout. The pysqlite driver's own transaction
handling is switched off and the engine emits ``BEGIN`` itself, so DDL is transactional too and
write transactions can ask for ``BEGIN IMMEDIATE`` (execution option ``sqlite_begin``), which
takes the write lock at once instead of failing on a lock upgrade under contention.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

from survey.errors import SurveyError

ENV_DB = "TCM_SURVEY_DB"
DEFAULT_URL = "sqlite:///data/tcm-survey.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class StorageError(SurveyError):
    """The database cannot be reached, opened or upgraded."""


def _write_ahead_log(cursor, attempts: int = 600, pause_s: float = 0.05) -> None:  # noqa: ANN001
    """``PRAGMA journal_mode = WAL``, retried: on a new file that several processes open at once
    (a first start), switching the journal takes a lock that SQLite does not wait for (the busy
    timeout does not apply), so "database is locked" comes back at once; up to 30 s in all."""
    for attempt in range(attempts):
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(pause_s)


def database_url(url: str | URL | None = None) -> URL:
    """The URL to use: ``url``, else ``TCM_SURVEY_DB``, else the SQLite file under ``data/``."""
    raw = url if url is not None else (os.environ.get(ENV_DB) or DEFAULT_URL)
    try:
        parsed = make_url(raw) if isinstance(raw, str) else raw
    except Exception as exc:
        raise StorageError(f"not a database URL: {raw!r} ({exc}); e.g. sqlite:///data/tcm-survey.sqlite or postgresql://user@host/db") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(f"unsupported database {parsed.get_backend_name()!r} in {safe_url(parsed)}: use SQLite or PostgreSQL")
    return parsed


def safe_url(url: str | URL) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return (make_url(url) if isinstance(url, str) else url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


def create_engine(url: str | URL | None = None, **kwargs: object) -> Engine:
    """An engine for ``url`` (see :func:`database_url`), set up as the module docstring says.

    Nothing is connected yet; :func:`check_connection` (or ``Store.open``) does that.
    """
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    options: dict[str, object] = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 20,
        "connect_args": {"connect_timeout": 10, "application_name": "tcm-survey"},
    }
    options.update(kwargs)
    return sa.create_engine(parsed, **options)


def _create_private(path: Path) -> None:
    """Create the database file (and its folder) readable by this user only (0600; SQLite gives
    its ``-wal`` and ``-shm`` files the same mode). An existing file is left as it is."""
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process was first
    except OSError as exc:
        raise StorageError(f"cannot create the database file {path}: {exc.strerror or exc}") from None


def _sqlite_engine(url: URL, **kwargs: object) -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:") or "mode=memory" in database
    options: dict[str, object] = {"connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    if memory:
        options["poolclass"] = StaticPool  # one shared connection, else every checkout sees an empty db
    else:
        if not database.startswith("file:"):
            _create_private(Path(database).expanduser())
        options["pool_size"] = 8
        options["max_overflow"] = 16
        options["pool_timeout"] = 60
    options.update(kwargs)
    engine = sa.create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.isolation_level = None  # autocommit at the driver; we emit BEGIN below
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not memory:
                _write_ahead_log(cursor)
                cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def check_connection(engine: Engine) -> None:
    """Connect once; raise StorageError naming the (password-hidden) URL and the reason."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise StorageError(f"cannot reach the database {safe_url(engine.url)}: {reason}") from None
    except sa.exc.SQLAlchemyError as exc:
        raise StorageError(f"cannot reach the database {safe_url(engine.url)}: {exc}") from None


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Any SQLAlchemy or driver error inside leaves as a StorageError naming ``url`` (its cause kept)."""
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = (str(orig) if orig is not None else str(exc)).strip().splitlines() or [type(exc).__name__]
        raise StorageError(f"database error ({url}): {reason[0][:300]}") from exc
