"""Shared fixtures for app tests: the app root and a throwaway database URL."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _app_environment(tmp_path, monkeypatch):
    import accounts

    monkeypatch.setattr(accounts.passwords, "SCRYPT_N", 2**10)  # cheap password hashes (the cost is tested in tests/security)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TCM_SURVEY_DB", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.setenv("TCM_SURVEY_DATA", str(tmp_path))
