"""Free text (names typed by organisers, answers typed by respondents) shown as text, never as markup.

Streamlit already refuses raw HTML in ``st.markdown`` unless asked; :func:`plain` also escapes
Markdown, Streamlit's ``:color[...]`` / ``:material/...:`` directives and LaTeX, so text such as
``<script>``, ``**bold**`` or ``[link](javascript:...)`` appears exactly as it was typed, and a
bare ``http://...`` or ``www.`` is not turned into a link (a zero-width space follows the scheme).
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:$=^])")
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www|mailto)")


def plain(text: object) -> str:
    """``text`` escaped for ``st.markdown`` and for labels that accept Markdown."""
    value = "" if text is None else str(text)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _SPECIAL.sub(r"\\\1", value)
    value = _AUTOLINK.sub("\\1\u200b", value)  # a zero-width space stops bare URLs becoming links
    return value.replace("\n", "  \n")
