"""Storage fixtures: every storage test runs against SQLite and a real PostgreSQL server.

``scripts/test.sh`` starts a throwaway PostgreSQL (scripts/test.d/postgres.sh) and exports
``TCM_SURVEY_TEST_PG``; each test gets its own PostgreSQL schema, dropped afterwards. Without
that variable (pytest run by hand) the PostgreSQL variants are skipped; with
``TCM_SURVEY_REQUIRE_PG=1`` an unreachable server fails them instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from survey.questionnaire.loader import parse_questionnaire_text
from survey.storage import Store

from .helpers import MINI, open_spec, sites

# db_url (SQLite and PostgreSQL variants) comes from tests/survey/conftest.py


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as opened:
        yield opened


@pytest.fixture(scope="session")
def mini():
    return parse_questionnaire_text(MINI, source="<mini>")


@pytest.fixture
def campaign(store: Store, mini):
    return store.create_campaign(open_spec(), [mini], sites(), actor="test")
