"""One translation table for every string shown in the app (zh default, en available).

Each module in ``app/strings/`` defines ``STRINGS = {"key": {"zh": ..., "en": ...}}``; keys are
namespaced by page (``home.title``). ``t("home.title")`` returns the text in the language chosen
in the sidebar; ``t("home.count", n=3)`` fills ``{n}``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

import streamlit as st

from app import strings as strings_package

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
LANGUAGE_KEY = "lang"


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module_info in pkgutil.iter_modules(strings_package.__path__):
        module = importlib.import_module(f"{strings_package.__name__}.{module_info.name}")
        for key, texts in module.STRINGS.items():
            if key in merged:
                raise KeyError(f"string key {key!r} defined twice (again in app/strings/{module_info.name}.py)")
            merged[key] = texts
    return merged


def language() -> str:
    lang = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The text for ``key`` in the current language (Chinese when a translation is missing)."""
    return translate(key, language(), **values)


def translate(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` (outside a Streamlit page, e.g. the HTML form of ``app.web``)."""
    texts = table().get(key)
    if texts is None:
        return key  # visible in screenshots and caught by the strings test
    text = texts.get(lang) or texts.get(DEFAULT_LANGUAGE, key)
    return text.format(**values) if values else text


def language_switch() -> None:
    """The 中文 / English switch, kept in session state across pages."""
    st.session_state.setdefault(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    st.segmented_control(
        "语言 / Language",
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=LANGUAGE_KEY,
        label_visibility="collapsed",
    )
    if st.session_state.get(LANGUAGE_KEY) is None:  # segmented control can be cleared by a second click
        st.session_state[LANGUAGE_KEY] = DEFAULT_LANGUAGE
