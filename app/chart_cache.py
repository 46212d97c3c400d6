"""Vega-Lite specs of the dashboard's charts, built once per data version and choice: building an
Altair chart and validating it costs ~0.1 s a chart, on every rerun otherwise."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


@st.cache_resource(show_spinner=False, max_entries=64)
def _built(key: tuple, _build: Callable[[], dict]) -> dict:
    return _build()


def spec(key: tuple, build: Callable[[], dict]) -> dict:
    """The spec ``build()`` returns, kept under ``key`` (which must name everything it depends on:
    data version, choices, language, chart)."""
    return _built(key, build)


__all__ = ["spec"]
