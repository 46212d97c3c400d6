"""Unexpected errors of a page run: logged in full with an incident id, shown to the visitor as a
short message carrying only that id (no server path, no traceback: ``client.showErrorDetails =
"none"`` in ``.streamlit/config.toml`` covers anything that escapes even this)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from app.i18n import t

log = logging.getLogger("tcm_survey.incidents")


def report(exc: BaseException) -> str:
    """Log ``exc`` with its traceback under a new incident id, show the id on the page; return it."""
    incident = secrets.token_hex(4).upper()
    log.error("incident %s: %s: %s", incident, type(exc).__name__, exc, exc_info=exc)
    st.error(t("error.internal", incident=incident), icon=":material/error:")
    return incident


@contextmanager
def isolated(what: str) -> Iterator[None]:
    """Run one panel of a page: an unexpected error is logged and shown with its incident id in the
    panel's place, and the rest of the page goes on (one failing panel never hides the others).
    ``st.stop()`` and ``st.rerun()`` are BaseExceptions and pass through."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the point: contain any failure of this panel
        log.info("panel %s failed", what)
        report(exc)
