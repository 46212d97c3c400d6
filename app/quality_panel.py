"""The dashboard's panel on response integrity: flag counts and, per indicator, the estimate and
verdict on all responses and without the open flagged ones, side by side (``analysis.integrity``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.formatting import count, indicator_labels
from analysis.formatting import percent as _pct
from app.i18n import language, t
from app.safe import plain


def _cell(n, estimate, low, high, verdict) -> str:  # noqa: ANN001
    word = t(f"dash.verdict.{verdict}") if isinstance(verdict, str) else t("dash.verdict.none")
    return t("quality.cell", estimate=_pct(estimate), low=_pct(low), high=_pct(high), verdict=word, n=count(n))


def labels(questionnaires) -> dict[tuple[str, str], str]:  # noqa: ANN001
    return indicator_labels(questionnaires, language())


def render_sensitivity(quality, compared, questionnaires) -> None:  # noqa: ANN001
    """Counts, the side-by-side table and one sentence per indicator with open flags."""
    flags = quality.flags
    st.subheader(t("quality.title"))
    st.caption(t("quality.summary", responses=quality.responses, flagged=int(flags["flagged"].sum()),
                 open=len(quality.open_ids), excluded=len(quality.excluded_ids)))
    if not len(compared.table):
        return
    names = labels(questionnaires)
    table = compared.table
    view = pd.DataFrame({
        t("quality.col.indicator"): [names.get((i, v), v) for i, v in zip(table["questionnaire_id"], table["var"])],
        t("quality.col.all"): [_cell(*r) for r in zip(table["n_all"], table["estimate_all"], table["ci_low_all"],
                                                       table["ci_high_all"], table["verdict_all"])],
        t("quality.col.clean"): [_cell(*r) for r in zip(table["n_clean"], table["estimate_clean"], table["ci_low_clean"],
                                                         table["ci_high_clean"], table["verdict_clean"])],
        t("quality.col.depends"): [t("quality.yes") if d else t("quality.no") for d in table["depends"]],
    })
    st.dataframe(view, hide_index=True, key="dash.quality.table")
    sentences = compared.sentences(language(), names)
    if compared.depends:
        st.warning(t("quality.depends"), icon=":material/report:")
    elif len(quality.open_ids):
        st.caption(t("quality.stable"))
    if sentences:
        st.markdown("\n".join(f"- {plain(s)}" for s in sentences))
