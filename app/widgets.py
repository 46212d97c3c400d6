"""Widgets several pages share: the campaign picker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from app.i18n import t


def campaign_picker(campaigns: Sequence[Any], *, key: str, label: str = "dash.campaign",
                    empty: str = "dash.no_campaigns", mark_demo: bool = True, where: Any = None) -> Any:
    """A select box of ``campaigns``, newest first, each shown as ``id · name`` (demo campaigns
    marked 【演示】 when ``mark_demo``); the page stops with the string ``empty`` when there is none.
    ``label``, ``empty``: string keys; ``where``: a column to put it in. Returns the chosen campaign."""
    if not campaigns:
        st.info(t(empty))
        st.stop()
    by_id = {c.id: c for c in campaigns}
    demo = t("common.demo_label") if mark_demo else ""  # translated now: AppTest calls format_func later

    def name(campaign_id: int) -> str:
        campaign = by_id[campaign_id]
        return f"{campaign_id} · {demo if campaign.demo else ''}{campaign.name}"

    chosen = (where or st).selectbox(t(label), list(reversed(by_id)), key=key, format_func=name)
    return by_id[chosen]
