"""Shared resources of the app, made once per process: the response store and the token secret.

Both are cached by where they come from (the database URL, the secret's source), so a change
of ``TCM_SURVEY_DB`` or ``TCM_SURVEY_SECRET`` (tests do that) opens the right ones.
"""

from __future__ import annotations

import os

import streamlit as st

from survey.keys import ENV_SECRET, ENV_SECRET_FILE, load_secret
from survey.storage import ENV_DB, Store


def store() -> Store:
    """The response store (``TCM_SURVEY_DB``, else SQLite under ``data/``), migrated on first use.
    On the first start of an empty database the first admin account is made (see survey.accounts)."""
    return _store(os.environ.get(ENV_DB) or None)


@st.cache_resource(show_spinner=False)
def _store(url: str | None) -> Store:
    from survey.accounts import ensure_first_admin

    opened = Store.open(url)
    ensure_first_admin(opened)
    return opened


def secret() -> bytes:
    """The secret that signs site tokens (``TCM_SURVEY_SECRET`` or the key file)."""
    return _secret(os.environ.get(ENV_SECRET), os.environ.get(ENV_SECRET_FILE))


@st.cache_resource(show_spinner=False)
def _secret(value: str | None, file: str | None) -> bytes:  # noqa: ARG001 (cache keys)
    return load_secret()
