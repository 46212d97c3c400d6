"""Response storage in SQLite (default, WAL) or PostgreSQL: engine, schema, migrations, repositories.

Use :class:`Store` (``Store.open(url)``); the submodules are its parts:

* ``engine``: URL resolution (``TCM_SURVEY_DB``), engine set-up, connection errors;
* ``schema``: the current tables; ``migrations``: explicit versioned upgrades in place;
* ``repositories`` (campaigns, sites, instruments), ``responses``, ``accounts`` (accounts of
  the admin area, failed logins counted before the password check) and ``reviews`` (decisions on
  flagged responses, quality parameters, audit log): queries on one connection;
* ``frame``: the design-ready response frame (``Store.response_frame``), the one way responses
  leave the store for analysis.

All SQL of the project lives in this package (``tests/test_layers.py`` checks it).
"""

from survey.storage.engine import DEFAULT_URL, ENV_DB, StorageError, create_engine, database_url, safe_url
from survey.storage.migrations import MIGRATIONS, migrate, schema_version
from survey.storage.responses import PARADATA_COLUMNS, StoredResponse, SubmitError, SubmitResult
from survey.storage.audit import ACTIONS, AuditEntry, AuditError
from survey.storage.reviews import DECISIONS, Review, ReviewError
from survey.storage.schema import SCHEMA_VERSION
from survey.storage.store import Store

__all__ = [
    "DECISIONS",
    "PARADATA_COLUMNS",
    "ACTIONS",
    "AuditEntry",
    "AuditError",
    "Review",
    "ReviewError",
    "DEFAULT_URL",
    "ENV_DB",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "StorageError",
    "Store",
    "StoredResponse",
    "SubmitError",
    "SubmitResult",
    "create_engine",
    "database_url",
    "migrate",
    "safe_url",
    "schema_version",
]
