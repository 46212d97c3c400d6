"""Unexpected errors of a page run: logged in full with an incident id, shown to the visitor as a
short message carrying only that id (no server path, no traceback: ``client.showErrorDetails =
"none"`` in ``.streamlit/config.toml`` covers anything that escapes even this)."""

from __future__ import annotations

import logging
import secrets

import streamlit as st

from app.i18n import t

log = logging.getLogger("tcm_survey.incidents")


def report(exc: BaseException) -> str:
    """Log ``exc`` with its traceback under a new incident id, show the id on the page; return it."""
    incident = secrets.token_hex(4).upper()
    log.error("incident %s: %s: %s", incident, type(exc).__name__, exc, exc_info=exc)
    st.error(t("error.internal", incident=incident), icon=":material/error:")
    return incident
