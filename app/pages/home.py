"""Home: what the toolkit is for, the shipped questionnaires and the jurisdiction profiles."""

import pandas as pd
import streamlit as st

from app.i18n import language, t
from survey.questionnaire.catalog import shipped_questionnaires
from survey.errors import QuestionnaireError
from survey.questionnaire.profiles import load_profiles
from survey.questionnaire import IndicatorKind, pick

lang = language()
st.title(t("app.title"))
st.caption(t("app.subtitle"))
st.write(t("home.intro"))

try:
    questionnaires = shipped_questionnaires()
except QuestionnaireError as exc:
    st.error(t("home.load_error"))
    st.code(str(exc), language=None)
    st.stop()

st.subheader(t("home.questionnaires"))
indicator_labels: dict[str, str] = {}
rows = []
for q in questionnaires.values():
    binary = [i for i in q.indicators if i.kind is IndicatorKind.BINARY]
    for indicator in binary:
        indicator_labels.setdefault(indicator.id, pick(indicator.label, lang))
    rows.append(
        {
            t("home.col.title"): pick(q.title, lang),
            t("home.col.audience"): t(f"common.audience.{q.audience}"),
            t("home.col.minutes"): t("common.minutes", n=q.estimated_minutes) if q.estimated_minutes else "",
            t("home.col.questions"): sum(1 for question in q.questions if question.takes_answer),
            t("home.col.indicators"): "、".join(pick(i.label, lang) for i in binary) if lang == "zh"
            else ", ".join(pick(i.label, lang) for i in binary),
            t("home.col.version"): f"{q.version} · {q.short_hash}",
        }
    )
st.table(pd.DataFrame(rows).set_index(t("home.col.title")))
st.caption(t("home.preview_hint"))

st.subheader(t("home.profiles"))
profile_rows = []
for profile in load_profiles().values():
    row = {t("home.col.profile"): pick(profile.name, lang)}
    for indicator_id, label in indicator_labels.items():
        threshold = profile.find_threshold(indicator_id)
        row[label] = f"≥ {threshold:.0%}" if threshold is not None else "—"
    row[t("home.col.level")] = f"{profile.level:.0%}"
    row[t("home.col.source")] = pick(profile.source, lang)
    profile_rows.append(row)
st.table(pd.DataFrame(profile_rows).set_index(t("home.col.profile")))
st.caption(t("home.profiles.help"))
