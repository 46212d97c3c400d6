"""The current database schema (version :data:`SCHEMA_VERSION`), as SQLAlchemy Core tables.

These tables are what the repositories query. They are *not* used to create the database:
``survey.storage.migrations`` does that, one explicit version at a time, and a test checks that
a database migrated from scratch has exactly these columns and indexes.

No table of answers holds personal identifiers: a response is tied to a site, not to a person. The one
exception, a phone number a respondent leaves for a reply to a complaint, lives apart in
``complaints`` and no export, report or response frame reads it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator

SCHEMA_VERSION = 11


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on both backends (timestamptz on PostgreSQL; text on SQLite)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


JSONData = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # INTEGER PRIMARY KEY = rowid on SQLite

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

instruments = sa.Table(
    "instruments",
    metadata,
    sa.Column("version_hash", sa.String(64), primary_key=True),
    sa.Column("questionnaire_id", sa.String(64), nullable=False),
    sa.Column("version", sa.String(64), nullable=False),
    sa.Column("title", JSONData, nullable=False),
    sa.Column("canonical_json", sa.Text, nullable=False),
    sa.Column("registered_at", UTCDateTime, nullable=False),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("profile_id", sa.String(64), nullable=False),
    sa.Column("organizer", sa.Text, nullable=False),
    sa.Column("opens_on", sa.Date, nullable=False),
    sa.Column("closes_on", sa.Date, nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("closed_at", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),  # version 2
    sa.Column("contact_phone", sa.Text, nullable=False, server_default=""),  # version 4
    sa.Column("answer_key", sa.String(16), nullable=False, server_default="after_close"),  # version 4
    sa.Column("keep_months", sa.Integer, nullable=False, server_default="36"),  # version 4
    sa.Column("quality", JSONData, nullable=True),  # version 6: quality-flag parameters
    sa.Column("max_visits", sa.Integer, nullable=False, server_default="3"),  # version 8: visits to a household
)

campaign_instruments = sa.Table(
    "campaign_instruments",
    metadata,
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("short_id", sa.String(4), primary_key=True),
    sa.Column("version_hash", sa.String(64), sa.ForeignKey("instruments.version_hash"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.UniqueConstraint("campaign_id", "version_hash", name="uq_campaign_instruments_hash"),
)

sites = sa.Table(
    "sites",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("stratum", sa.Text, nullable=False),
    sa.Column("psu", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("quotas", JSONData, nullable=False),
    sa.Column("population", sa.Float, nullable=True),
    sa.Column("inclusion_prob", sa.Float, nullable=True),
    sa.Column("weight", sa.Float, nullable=True),
    sa.Column("extra", JSONData, nullable=False),
    sa.UniqueConstraint("campaign_id", "code", name="uq_sites_code"),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
    sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), nullable=False),
    sa.Column("version_hash", sa.String(64), sa.ForeignKey("instruments.version_hash"), nullable=False),
    sa.Column("nonce", sa.String(64), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("answers", JSONData, nullable=False),
    sa.Column("scores", JSONData, nullable=False),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("submitted_at", UTCDateTime, nullable=False),
    sa.Column("simulated", sa.Boolean, nullable=False, server_default=sa.false()),  # version 2
    sa.Column("receipt", sa.String(16), nullable=True),  # version 5: random code shown to the respondent
    # version 6: paradata (survey.collect.paradata); the device is a keyed hash, never the cookie value
    sa.Column("opened_at", UTCDateTime, nullable=True),
    sa.Column("duration_s", sa.Float, nullable=True),
    sa.Column("section_seconds", JSONData, nullable=True),
    sa.Column("resumed", sa.Boolean, nullable=True),
    sa.Column("mode", sa.String(16), nullable=True),
    sa.Column("surveyor", sa.String(64), nullable=True),
    sa.Column("device_hash", sa.String(64), nullable=True),
    sa.Column("household_id", sa.BigInteger, nullable=True),  # version 8: the household of a door-to-door interview
    sa.Column("option_orders", JSONData, nullable=True),  # version 9: quiz options in the order shown (paradata)
    sa.Column("paper_number", sa.String(40), nullable=True),  # version 11: the number printed on an entered paper form
    sa.Column("interviewed_on", sa.Date, nullable=True),  # version 11: ... and the day of its interview
    sa.UniqueConstraint("campaign_id", "nonce", name="uq_responses_nonce"),
    sa.Index("ix_responses_campaign_site", "campaign_id", "site_id"),  # version 2
    sa.Index("uq_responses_paper_number", "campaign_id", "paper_number", unique=True),  # version 11 (NULLs distinct)
)

accounts = sa.Table(  # version 3: password hashes (scrypt), never passwords
    "accounts",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # version 5: bumped by every change of password, role or state; open sessions of older versions end
    sa.Column("session_version", sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),  # version 5: exists only in demo mode
)

login_failures = sa.Table(  # version 3: failed logins per user name, shared by every replica
    "login_failures",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failed_at", UTCDateTime, nullable=False),
    sa.Column("locked_until", UTCDateTime, nullable=True),
    sa.Column("first_failed_at", UTCDateTime, nullable=True),  # version 5: failures count for an hour from here
)

reviews = sa.Table(  # version 6: the evaluator's current decision on a flagged response
    "reviews",
    metadata,
    sa.Column("response_id", BigId, sa.ForeignKey("responses.id"), primary_key=True, autoincrement=False),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),  # approved | excluded
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("decided_by", sa.String(64), nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=False),
    sa.Column("flags", JSONData, nullable=False),  # the rules that had flagged it when decided
    sa.Index("ix_reviews_campaign", "campaign_id"),
)

audit_log = sa.Table(  # version 6: every review decision and parameter change: who, when, what, why
    "audit_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("campaign_id", sa.Integer, nullable=True),
    sa.Column("response_id", sa.BigInteger, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("detail", JSONData, nullable=False),
    sa.Index("ix_audit_log_campaign", "campaign_id", "id"),
    sa.Index("ix_audit_log_at", "at"),  # version 7, with the append-only triggers (migrations._v7)
    sa.Index("ix_audit_log_actor", "actor", "id"),
)

households = sa.Table(  # version 8: door-to-door households, their assignment, roster and selected member
    "households",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
    sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), nullable=False),
    sa.Column("code", sa.String(32), nullable=False),
    sa.Column("address", sa.Text, nullable=False, server_default=""),
    sa.Column("assigned_to", sa.String(64), nullable=True),
    sa.Column("roster", JSONData, nullable=True),  # eligible members [[sex, age], ...]
    sa.Column("selected", sa.Integer, nullable=True),  # the chosen member's index in Kish's order
    sa.Column("eligible", sa.Integer, nullable=True),  # eligible members listed (the within-household weight)
    sa.Column("disposition", sa.String(8), nullable=True),  # the final AAPOR code so far
    sa.Column("visits", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("site_id", "code", name="uq_households_code"),
    sa.Index("ix_households_campaign_assigned", "campaign_id", "assigned_to"),
)

visits = sa.Table(  # version 8: every visit to a household with its AAPOR disposition, stored once per nonce
    "visits",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
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

complaints = sa.Table(  # version 10: the office's handling of a complaint or suggestion, and a reply number
    "complaints",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
    sa.Column("response_id", sa.BigInteger, sa.ForeignKey("responses.id"), nullable=False),
    sa.Column("phone", sa.Text, nullable=True),  # for a reply, given after its own consent; never exported
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),  # open | handled
    sa.Column("handled_by", sa.String(64), nullable=True),
    sa.Column("handled_at", UTCDateTime, nullable=True),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("response_id", name="uq_complaints_response"),
    sa.Index("ix_complaints_campaign", "campaign_id", "status"),
)
