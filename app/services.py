"""Shared resources of the app, made once per process: the response store and the token secret.

Both are cached by where they come from (the database URL, the secret's source), so a change
of ``TCM_SURVEY_DB`` or ``TCM_SURVEY_SECRET`` (tests do that) opens the right ones. The cache is a
plain process-wide one (not Streamlit's), so the Streamlit pages and the HTML form routes of
``app.web`` share one store and one connection pool.
"""

from __future__ import annotations

import os
import threading

from survey.campaign.keys import ENV_SECRET, ENV_SECRET_FILE, load_secret
from survey.storage import ENV_DB, Store

_LOCK = threading.Lock()
_STORES: dict[str | None, Store] = {}
_SECRETS: dict[tuple[str | None, str | None], bytes] = {}


def store() -> Store:
    """The response store (``TCM_SURVEY_DB``, else SQLite under ``data/``), migrated on first use.
    On the first start of an empty database the first admin account is made (see accounts)."""
    url = os.environ.get(ENV_DB) or None
    opened = _STORES.get(url)
    if opened is not None:
        return opened
    with _LOCK:
        opened = _STORES.get(url)
        if opened is None:
            from accounts import ensure_first_admin

            opened = Store.open(url)
            ensure_first_admin(opened)
            _STORES[url] = opened
    return opened


def secret() -> bytes:
    """The secret that signs site tokens (``TCM_SURVEY_SECRET`` or the key file)."""
    key = (os.environ.get(ENV_SECRET), os.environ.get(ENV_SECRET_FILE))
    value = _SECRETS.get(key)
    if value is None:
        with _LOCK:
            value = _SECRETS.get(key)
            if value is None:
                value = _SECRETS[key] = load_secret()
    return value


def close_all() -> None:
    """Close every store opened here (their connection pools) and forget them and the secrets."""
    with _LOCK:
        for opened in _STORES.values():
            opened.close()
        _STORES.clear()
        _SECRETS.clear()
