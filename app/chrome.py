"""Streamlit's own English on staff pages, replaced or hidden (the respondent form has its own CSS).

Streamlit draws some texts itself, outside the strings table: "Press Enter to apply" under text
inputs, the file uploader's "Upload" button and "200MB per file • CSV, XLSX" line, and the
toolbar over every table and chart (Show/hide columns, Download as CSV, Search, Fullscreen; Show
data, Download as PNG). There is no setting for their language, so :func:`staff_chrome` hides the
first, and in Chinese puts Chinese in place of the uploader's texts with CSS (``::after``
content; the English text stays in the page for screen readers that read the button's own label)
and hides the toolbar (the dashboard offers its own downloads, in Chinese). Streamlit's own upload
limit is 50 MB (``.streamlit/config.toml``), the size the uploader line names.
"""

from __future__ import annotations

import streamlit as st

from app.i18n import language, t

HIDE_ENTER_HINT = '[data-testid="InputInstructions"] { display: none; }'

UPLOADER_CSS = """
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "%(button)s"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { content: "%(limit)s"; font-size: 0.875rem; }
"""
#: the English-only toolbar over tables and charts (its buttons' tooltips and menus are English)
HIDE_TOOLBAR = '[data-testid="stElementToolbar"] { display: none !important; }'



def chrome_css(lang: str, max_upload_mb: int) -> str:
    """The ``<style>`` block for staff pages in ``lang``."""
    rules = [HIDE_ENTER_HINT]
    if lang == "zh":
        rules.append(UPLOADER_CSS % {"button": t("chrome.upload"), "limit": t("chrome.upload_limit", mb=max_upload_mb)})
        rules.append(HIDE_TOOLBAR)
    return "<style>" + "\n".join(rules) + "</style>"


def staff_chrome() -> None:
    """Inject the CSS on the current page (call once near the top of a staff page)."""
    st.html(chrome_css(language(), int(st.get_option("server.maxUploadSize"))))
