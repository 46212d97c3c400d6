"""The app's pages, grouped as they appear in the sidebar (built on every run)."""

from __future__ import annotations

import streamlit as st

from app.i18n import t


def pages() -> dict[str, list[st.Page]]:
    return {
        t("nav.section.overview"): [
            st.Page("app/pages/home.py", title=t("nav.home"), icon=":material/home:", url_path="home", default=True),
            st.Page("app/pages/preview.py", title=t("nav.preview"), icon=":material/quiz:", url_path="preview"),
        ],
        t("nav.section.plan"): [st.Page("app/pages/planner.py", title=t("nav.planner"), icon=":material/calculate:", url_path="planner")],
    }
