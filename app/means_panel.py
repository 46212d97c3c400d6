"""The dashboard's mean scores: score indicators whose profile reports the mean (``official: mean``).

The numbers are :attr:`analysis.campaign.CampaignResults.means` (:mod:`analysis.campaign.means`):
the design-based mean share of the points with its standard error and two-sided interval,
county-wide and per township. No plan sets a target for a mean, so there is no verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from analysis.formatting import count, fixed, missing
from analysis.formatting import percent as pct
from analysis.verdict import interval_label
from app.i18n import t


def render_means(results: Any, lang: str, label: Callable[[str, str], str]) -> None:
    """One subsection per mean score; nothing when the profile reports no mean."""
    means = results.means
    if means is None or not len(means):
        return
    two = interval_label(results.level, lang, one_sided=False)
    for questionnaire_id, indicator in means[["questionnaire_id", "var"]].drop_duplicates().itertuples(index=False, name=None):
        rows = means[(means["questionnaire_id"] == questionnaire_id) & (means["var"] == indicator)]
        o = rows[rows["scope"] == "overall"].iloc[0]
        st.subheader(f"{label(questionnaire_id, indicator)} · {t('dash.means.official')}")
        if missing(o.estimate):
            st.info(t("dash.results.no_data"), icon=":material/hourglass_empty:")
            continue
        st.markdown(t("dash.means.overall", mean=pct(o.estimate), se=pct(o.se, 2), label=two, low=pct(o.ci_low),
                      high=pct(o.ci_high)))
        st.caption(t("dash.means.note"))
        names = [t("dash.county") if s == "overall" else str(d) for s, d in zip(rows["scope"], rows["domain"])]
        st.dataframe(pd.DataFrame({
            t("dash.col.domain"): names,
            t("dash.col.n"): [int(x) for x in rows["n"]],
            t("dash.col.mean"): [pct(x) for x in rows["estimate"]],
            t("dash.col.se"): [pct(x, 2) for x in rows["se"]],
            two: [f"{pct(a)} – {pct(b)}" for a, b in zip(rows["ci_low"], rows["ci_high"])],
            t("dash.col.deff"): [fixed(x) for x in rows["deff"]],
            t("dash.col.df"): [count(x) for x in rows["df"]],
        }), hide_index=True, key=f"dash.means.table.{questionnaire_id}.{indicator}", height=36 * (len(rows) + 1) + 4)
        st.divider()
