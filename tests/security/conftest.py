"""The security tests reuse the HTML form's fixtures (a campaign, a client of the form routes),
each test with its own throwaway database; the account tests get an empty store of their own
(``account_store``), cheap password hashes (``cheap_hashes``) and an AppTest environment
(``app_store``)."""

from collections.abc import Iterator

import pytest

import accounts
from survey.storage import Store

from tests.app.web.conftest import campaign, client, resident_token, staff_token, store  # noqa: F401

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _environment(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TCM_SURVEY_DB", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.setenv("TCM_SURVEY_DATA", str(tmp_path))


@pytest.fixture
def cheap_hashes(monkeypatch) -> None:
    """scrypt at N = 2^10 (the lock logic does not depend on the cost; tests that do use the real one)."""
    monkeypatch.setattr(accounts.passwords, "SCRYPT_N", 2**10)


@pytest.fixture
def account_store(tmp_path, monkeypatch) -> Iterator[Store]:
    """An empty store of its own (no account, no demo mode) for the account tests."""
    monkeypatch.delenv(accounts.ENV_DEMO, raising=False)
    monkeypatch.delenv(accounts.ENV_ADMIN_PASSWORD, raising=False)
    with Store.open(f"sqlite:///{tmp_path / 'security.sqlite'}") as opened:
        yield opened


@pytest.fixture
def app_store(tmp_path, monkeypatch, cheap_hashes) -> Iterator[Store]:
    """The environment of an AppTest run (database, data folder, token secret) with an admin."""
    from tests.app.conftest import ROOT
    from tests.app.respond_helpers import SECRET

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TCM_SURVEY_DB", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.setenv("TCM_SURVEY_DATA", str(tmp_path))
    monkeypatch.setenv("TCM_SURVEY_SECRET", SECRET)
    monkeypatch.setenv(accounts.ENV_ADMIN_PASSWORD, ADMIN_PASSWORD)
    monkeypatch.delenv(accounts.ENV_DEMO, raising=False)
    with Store.open() as opened:
        accounts.ensure_first_admin(opened)
        yield opened


ADMIN_PASSWORD = "admin-password-1"
