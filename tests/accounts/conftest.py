"""The accounts tests run on both databases, as the storage tests do."""

from tests.survey.conftest import db_url  # noqa: F401 - the fixture (SQLite and PostgreSQL)
