"""Preview: each questionnaire as a respondent sees it, with live skip logic; nothing is stored."""

import streamlit as st

from app.i18n import language, t
from app.question_widgets import render_question
from survey.answers import check_answers, visibility
from survey.catalog import shipped_questionnaires
from survey.questionnaire import IndicatorKind, pick
from survey.scoring import grade, score_clean

lang = language()
questionnaires = shipped_questionnaires()
chosen = st.selectbox(
    t("preview.choose"),
    list(questionnaires),
    format_func=lambda qid: pick(questionnaires[qid].title, lang),
    key="preview.instrument",
)
q = questionnaires[chosen]
st.caption(t("preview.caption"))

left, middle, right = st.columns([1, 2, 1])  # a phone-wide column on a desktop screen
with middle:
    st.header(pick(q.title, lang))
    st.caption(t("preview.version", version=q.version, hash=q.short_hash))
    st.write(pick(q.introduction, lang))
    if q.consent:
        st.checkbox(pick(q.consent, lang), key=f"preview.{q.id}.consent")

    answers: dict = {}
    number = 0
    for index, section in enumerate(q.sections, start=1):
        shown = visibility(q, answers)
        section_shown = any(shown.get(qid) for qid in section.question_ids)
        if not section_shown:
            continue
        st.subheader(t("preview.section", i=index, n=len(q.sections), title=pick(section.title, lang)))
        for qid in section.question_ids:
            if not visibility(q, answers).get(qid):
                continue
            question = q.question(qid)
            if question.takes_answer:
                number += 1
            value = render_question(question, lang, key=f"preview.{q.id}.{qid}", number=number if question.takes_answer else None)
            if value not in (None, "", []):
                answers[qid] = value

    if st.button(t("preview.check"), type="primary", key=f"preview.{q.id}.check"):
        result = check_answers(q, answers)
        if result.problems:
            st.error(t("preview.invalid"))
            for problem in result.problems:
                label = pick(q.question(problem.question_id).label, lang) if q.has_question(problem.question_id) else problem.question_id
                st.markdown(f"- **{label}**: {t('form.problem.' + problem.code)}")
        else:
            st.success(t("preview.valid"))
            values = score_clean(q, result.clean, result.shown)
            for indicator in q.indicators:
                value = values[indicator.id]
                if value is None:
                    shown_value = t("preview.not_applicable")
                elif indicator.kind is IndicatorKind.BINARY:
                    shown_value = t("preview.met") if value else t("preview.not_met")
                else:
                    shown_value = f"{value:.2f}"
                st.markdown(f"- {pick(indicator.label, lang)}: **{shown_value}**")
            grades = grade(q, result.clean)
            if grades:
                with st.expander(t("preview.quiz")):
                    for g in grades:
                        question = q.question(g.question_id)
                        keys = g.answer if isinstance(g.answer, tuple) else (g.answer,)
                        key_text = "、".join(question.choice_label(k, lang) for k in keys)
                        verdict = t("preview.correct") if g.correct else t("preview.wrong", answer=key_text)
                        st.markdown(f"**{pick(g.label, lang)}** {verdict}")
                        if g.explanation:
                            st.caption(pick(g.explanation, lang))
