"""Explicit, versioned schema migrations. A new version upgrades an existing database in place.

Each migration is a numbered function that changes the schema from version ``n - 1`` to ``n``
with explicit DDL; it never reads ``survey.storage.schema`` (which describes only the newest
version). ``schema_migrations`` records every version applied. :func:`migrate` applies the
pending ones, each in its own transaction together with its ``schema_migrations`` row, so a
failed migration leaves the database at the previous version. Two processes starting at once
do not both migrate: PostgreSQL takes an advisory lock, SQLite a ``BEGIN IMMEDIATE`` write lock,
and the version is read again under the lock.

To change the schema: add a function ``_vN`` and an entry in :data:`MIGRATIONS`, update
``schema.py`` (and ``SCHEMA_VERSION``) to match, and extend ``tests/survey/storage/test_migrations.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine

from survey.storage.engine import StorageError, safe_url
from survey.storage.schema import SCHEMA_VERSION, UTCDateTime

ADVISORY_LOCK_KEY = 7_305_192_026  # any fixed number: "tcm-survey schema migration"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1(connection: Connection) -> None:
    """Campaigns, their instruments and sites, instrument texts by version hash, responses."""
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    m = sa.MetaData()
    sa.Table(
        "schema_migrations",
        m,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("applied_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "instruments",
        m,
        sa.Column("version_hash", sa.String(64), primary_key=True),
        sa.Column("questionnaire_id", sa.String(64), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("title", json, nullable=False),
        sa.Column("canonical_json", sa.Text, nullable=False),
        sa.Column("registered_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "campaigns",
        m,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("profile_id", sa.String(64), nullable=False),
        sa.Column("organizer", sa.Text, nullable=False),
        sa.Column("opens_on", sa.Date, nullable=False),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("closed_at", UTCDateTime, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "campaign_instruments",
        m,
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("short_id", sa.String(4), primary_key=True),
        sa.Column("version_hash", sa.String(64), sa.ForeignKey("instruments.version_hash"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("campaign_id", "version_hash", name="uq_campaign_instruments_hash"),
    )
    sa.Table(
        "sites",
        m,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("stratum", sa.Text, nullable=False),
        sa.Column("psu", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("quotas", json, nullable=False),
        sa.Column("population", sa.Float, nullable=True),
        sa.Column("inclusion_prob", sa.Float, nullable=True),
        sa.Column("weight", sa.Float, nullable=True),
        sa.Column("extra", json, nullable=False),
        sa.UniqueConstraint("campaign_id", "code", name="uq_sites_code"),
    )
    sa.Table(
        "responses",
        m,
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("version_hash", sa.String(64), sa.ForeignKey("instruments.version_hash"), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("answers", json, nullable=False),
        sa.Column("scores", json, nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("campaign_id", "nonce", name="uq_responses_nonce"),
    )
    m.create_all(connection)


def _v2(connection: Connection) -> None:
    """Label demo campaigns and simulated responses; index responses by campaign and site."""
    connection.exec_driver_sql("ALTER TABLE campaigns ADD COLUMN demo BOOLEAN NOT NULL DEFAULT FALSE")
    connection.exec_driver_sql("ALTER TABLE responses ADD COLUMN simulated BOOLEAN NOT NULL DEFAULT FALSE")
    connection.exec_driver_sql("CREATE INDEX ix_responses_campaign_site ON responses (campaign_id, site_id)")


def _v3(connection: Connection) -> None:
    """Accounts of the admin area (password hashes only) and failed logins, for throttling."""
    m = sa.MetaData()
    sa.Table(
        "accounts",
        m,
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "login_failures",
        m,
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failed_at", UTCDateTime, nullable=False),
        sa.Column("locked_until", UTCDateTime, nullable=True),
    )
    m.create_all(connection)


def _v4(connection: Connection) -> None:
    """What the form's first screen tells a respondent: a contact phone, how long answers are kept;
    and when a quiz shows its answer key."""
    connection.exec_driver_sql("ALTER TABLE campaigns ADD COLUMN contact_phone TEXT NOT NULL DEFAULT ''")
    connection.exec_driver_sql("ALTER TABLE campaigns ADD COLUMN answer_key VARCHAR(16) NOT NULL DEFAULT 'after_close'")
    connection.exec_driver_sql("ALTER TABLE campaigns ADD COLUMN keep_months INTEGER NOT NULL DEFAULT 36")


def _v5(connection: Connection) -> None:
    """Account session versions and demo labels; the start of a name's failure count; receipt codes."""
    connection.exec_driver_sql("ALTER TABLE accounts ADD COLUMN session_version INTEGER NOT NULL DEFAULT 1")
    connection.exec_driver_sql("ALTER TABLE accounts ADD COLUMN demo BOOLEAN NOT NULL DEFAULT FALSE")
    connection.exec_driver_sql("ALTER TABLE responses ADD COLUMN receipt VARCHAR(16)")
    timestamp = "TIMESTAMP WITH TIME ZONE" if connection.dialect.name == "postgresql" else "DATETIME"
    connection.exec_driver_sql(f"ALTER TABLE login_failures ADD COLUMN first_failed_at {timestamp}")


def _v6(connection: Connection) -> None:
    """Paradata on responses, quality-flag parameters on campaigns, review decisions, audit log."""
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

    def add(table: str, column: str, type_: sa.types.TypeEngine) -> None:
        connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {type_.compile(dialect=connection.dialect)}")

    add("campaigns", "quality", json)
    for column, type_ in (
        ("opened_at", UTCDateTime()),
        ("duration_s", sa.Float()),
        ("section_seconds", json),
        ("resumed", sa.Boolean()),
        ("mode", sa.String(16)),
        ("surveyor", sa.String(64)),
        ("device_hash", sa.String(64)),
    ):
        add("responses", column, type_)
    m = sa.MetaData()
    sa.Table("campaigns", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("responses", m, sa.Column("id", big_id, primary_key=True))
    sa.Table(
        "reviews",
        m,
        sa.Column("response_id", big_id, sa.ForeignKey("responses.id"), primary_key=True, autoincrement=False),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", UTCDateTime, nullable=False),
        sa.Column("flags", json, nullable=False),
        sa.Index("ix_reviews_campaign", "campaign_id"),
    )
    sa.Table(
        "audit_log",
        m,
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("campaign_id", sa.Integer, nullable=True),
        sa.Column("response_id", sa.BigInteger, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("detail", json, nullable=False),
        sa.Index("ix_audit_log_campaign", "campaign_id", "id"),
    )
    m.create_all(connection, tables=[m.tables["reviews"], m.tables["audit_log"]])


def _v7(connection: Connection) -> None:
    """The audit log is append-only: the database refuses to change or delete its rows; and it is
    read by time and by actor as well as by campaign."""
    connection.exec_driver_sql("CREATE INDEX ix_audit_log_at ON audit_log (at)")
    connection.exec_driver_sql("CREATE INDEX ix_audit_log_actor ON audit_log (actor, id)")
    message = "audit_log is append-only"
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            connection.exec_driver_sql(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def _v8(connection: Connection) -> None:
    """Door-to-door fieldwork: households (assignment, roster, selected member), their visits with AAPOR
    dispositions, the number of visits a campaign allows, and the household of an interview."""
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    connection.exec_driver_sql("ALTER TABLE campaigns ADD COLUMN max_visits INTEGER NOT NULL DEFAULT 3")
    connection.exec_driver_sql("ALTER TABLE responses ADD COLUMN household_id BIGINT")
    m = sa.MetaData()
    sa.Table("campaigns", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("sites", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "households",
        m,
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("assigned_to", sa.String(64), nullable=True),
        sa.Column("roster", json, nullable=True),
        sa.Column("selected", sa.Integer, nullable=True),
        sa.Column("eligible", sa.Integer, nullable=True),
        sa.Column("disposition", sa.String(8), nullable=True),
        sa.Column("visits", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("site_id", "code", name="uq_households_code"),
        sa.Index("ix_households_campaign_assigned", "campaign_id", "assigned_to"),
    )
    sa.Table(
        "visits",
        m,
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("household_id", sa.BigInteger, sa.ForeignKey("households.id"), nullable=False),
        sa.Column("visited_at", UTCDateTime, nullable=False),
        sa.Column("disposition", sa.String(8), nullable=False),
        sa.Column("surveyor", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("campaign_id", "nonce", name="uq_visits_nonce"),
        sa.Index("ix_visits_household", "household_id", "visited_at"),
    )
    m.create_all(connection, tables=[m.tables["households"], m.tables["visits"]])


def _v9(connection: Connection) -> None:
    """The order in which each respondent saw the options of the shuffled quiz items (paradata)."""
    json_type = "JSONB" if connection.dialect.name == "postgresql" else "JSON"
    connection.exec_driver_sql(f"ALTER TABLE responses ADD COLUMN option_orders {json_type}")


def _v10(connection: Connection) -> None:
    """Complaints and suggestions: their handling by the office and a phone number for a reply,
    apart from the answers."""
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    m = sa.MetaData()
    sa.Table("campaigns", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("responses", m, sa.Column("id", big_id, primary_key=True))
    sa.Table(
        "complaints",
        m,
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("response_id", sa.BigInteger, sa.ForeignKey("responses.id"), nullable=False),
        sa.Column("phone", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("handled_by", sa.String(64), nullable=True),
        sa.Column("handled_at", UTCDateTime, nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("response_id", name="uq_complaints_response"),
        sa.Index("ix_complaints_campaign", "campaign_id", "status"),
    )
    m.create_all(connection, tables=[m.tables["complaints"]])


def _v11(connection: Connection) -> None:
    """A paper form entered by a surveyor: its printed number (once per campaign) and interview day."""
    connection.exec_driver_sql("ALTER TABLE responses ADD COLUMN paper_number VARCHAR(40)")
    connection.exec_driver_sql("ALTER TABLE responses ADD COLUMN interviewed_on DATE")
    connection.exec_driver_sql("CREATE UNIQUE INDEX uq_responses_paper_number ON responses (campaign_id, paper_number)")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "campaigns, instruments, sites, responses", _v1),
    Migration(2, "demo and simulated labels; responses indexed by campaign and site", _v2),
    Migration(3, "accounts and failed logins of the admin area", _v3),
    Migration(4, "campaign contact phone, answer-key rule and how long answers are kept", _v4),
    Migration(5, "account session versions and demo labels; receipt codes of responses", _v5),
    Migration(6, "paradata, quality parameters, review decisions and audit log", _v6),
    Migration(7, "audit log append-only (triggers), indexed by time and actor", _v7),
    Migration(8, "households, visits with AAPOR dispositions, visits allowed, household of an interview", _v8),
    Migration(9, "the order of quiz options shown to each respondent", _v9),
    Migration(10, "complaints and suggestions: handling status, note and a reply phone apart from the answers", _v10),
    Migration(11, "paper forms entered by a surveyor: the form's number (unique in a campaign) and the interview day", _v11),
)
assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1)), "schema.py and MIGRATIONS disagree"


def current_version(connection: Connection) -> int:
    """The newest version applied (0 for an empty database)."""
    if not sa.inspect(connection).has_table("schema_migrations"):
        return 0
    value = connection.exec_driver_sql("SELECT MAX(version) FROM schema_migrations").scalar()
    return int(value or 0)


def schema_version(engine: Engine) -> int:
    with engine.connect() as connection:
        return current_version(connection)


def migrate(engine: Engine, target: int | None = None) -> list[int]:
    """Upgrade the database to ``target`` (default: the newest version); return versions applied.

    Raises
    ------
    StorageError
        The database is newer than this code, or a migration failed (the database then stays
        at the last version that succeeded).
    """
    target = SCHEMA_VERSION if target is None else target
    if not 0 <= target <= SCHEMA_VERSION:
        raise ValueError(f"target version must be between 0 and {SCHEMA_VERSION}, got {target}")
    applied: list[int] = []
    while True:
        with engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
                version = current_version(connection)
                if version > SCHEMA_VERSION:
                    raise StorageError(
                        f"the database {safe_url(engine.url)} has schema version {version}, newer than this "
                        f"tcm-survey ({SCHEMA_VERSION}): upgrade tcm-survey"
                    )
                if version >= target:
                    return applied
                migration = MIGRATIONS[version]
                try:
                    migration.apply(connection)
                    connection.execute(
                        sa.text("INSERT INTO schema_migrations (version, description, applied_at) VALUES (:v, :d, :t)").bindparams(
                            sa.bindparam("t", type_=UTCDateTime)
                        ),
                        {"v": migration.version, "d": migration.description, "t": dt.datetime.now(dt.timezone.utc)},
                    )
                except sa.exc.SQLAlchemyError as exc:
                    raise StorageError(f"migration to version {migration.version} ({migration.description}) failed: {exc}") from exc
            applied.append(migration.version)
