"""The security tests reuse the HTML form's fixtures (a campaign, a client of the form routes),
each test with its own throwaway database."""

import pytest

from tests.app.web.conftest import campaign, client, resident_token, staff_token, store  # noqa: F401

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _environment(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TCM_SURVEY_DB", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.setenv("TCM_SURVEY_DATA", str(tmp_path))
