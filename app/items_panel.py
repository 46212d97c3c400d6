"""The dashboard's 题目分析 tab: per keyed indicator its reliability line and a table of its items
(share right, corrected item-total r, 不知道, flags in words, the share of each option), from
``analysis.report.data.counted_items`` (``analysis.items`` over the responses the results count,
as the report's appendix). Failure-isolated: an error hides this tab's content only."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import pandas as pd
import streamlit as st

from analysis.formatting import count, fixed
from analysis.report.data import counted_items
from analysis.report.items import distinct, indicators_label, item_label, options_text
from app.i18n import t
from app.safe import plain

log = logging.getLogger("tcm_survey.incidents")


def item_table(questionnaire: Any, found: Any, lang: str) -> pd.DataFrame:
    """One row per item, columns in words; shares in percent (0-100) for the progress bars."""
    flags = lambda item: "；".join(t(f"items.flag.{f}") for f in item.flags) or "—"  # noqa: E731
    return pd.DataFrame({
        t("items.col.item"): [item_label(questionnaire, i.id, lang) for i in found.items],
        t("items.col.correct"): [i.correct * 100 for i in found.items],
        t("items.col.item_total"): [None if i.item_total != i.item_total else round(i.item_total, 2) for i in found.items],
        t("items.col.flags"): [flags(i) for i in found.items],
        t("items.col.dont_know"): [i.dont_know * 100 for i in found.items],
        t("items.col.options"): [options_text(questionnaire, i, lang) for i in found.items],
    })


@st.cache_resource(show_spinner=False, max_entries=8)
def counted(key: tuple, _data: Any, _results: Any) -> Any:
    """The item analysis, kept per data version and choices (``key``): ~1 s at 5,000 responses."""
    return counted_items(_data, _results)


def render(data: Any, results: Any, lang: str, key: tuple | None = None) -> None:
    """The tab's content for the campaign ``data`` under the dashboard's current ``results``;
    ``key`` (data version and choices) keeps the analysis between reruns."""
    st.caption(t("items.intro"))
    try:
        found = counted_items(data, results) if key is None else counted(key, data, results)
    except Exception as exc:  # noqa: BLE001 - one tab's failure must not hide the dashboard
        incident = secrets.token_hex(4).upper()
        log.error("incident %s (item analysis): %s: %s", incident, type(exc).__name__, exc, exc_info=exc)
        st.error(t("items.error", message=t("error.internal", incident=incident)))
        return
    if not found:
        st.info(t("items.none"))
        return
    for f, ids in distinct(found):
        questionnaire = data.questionnaires[f.questionnaire_id]
        st.markdown(f"#### {plain(indicators_label(questionnaire, ids, lang))}")
        st.caption(t("items.summary", n=count(f.n), k=f.k, alpha=fixed(f.alpha), mean=fixed(f.mean), sd=fixed(f.sd)))
        st.dataframe(item_table(questionnaire, f, lang), hide_index=True, key=f"dash.items.{f.questionnaire_id}.{f.indicator}",
                     column_config={
                         t("items.col.dont_know"): st.column_config.NumberColumn(format="%.1f%%"),
                         t("items.col.item"): st.column_config.TextColumn(width="medium"),
                         t("items.col.correct"): st.column_config.ProgressColumn(format="%.1f%%", min_value=0, max_value=100,
                                                                                 width="small"),
                     })


__all__ = ["counted", "item_table", "render"]
