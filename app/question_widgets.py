"""Render one question as a touch-friendly widget and return the answer (None when unanswered).

Shared by the questionnaire preview and the respondent form. Widgets are chosen to show no
built-in English: radio buttons for one choice, a checkbox per choice for several.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.i18n import t
from survey.questionnaire import Question, QuestionType, pick


def question_label(question: Question, lang: str, number: int | None = None) -> str:
    label = pick(question.label, lang)
    prefix = f"{number}. " if number is not None else ""
    mark = t("common.required_mark") if question.required and question.takes_answer else ""
    return f"**{prefix}{label}**{mark}"


def render_question(question: Question, lang: str, key: str, number: int | None = None) -> Any:
    """Draw the widget for ``question`` under the session-state ``key``; return its value."""
    if question.type is QuestionType.NOTE:
        st.info(pick(question.label, lang))
        return None
    label = question_label(question, lang, number)
    hint = pick(question.hint, lang) if question.hint else None
    value: Any
    if question.type in (QuestionType.SINGLE, QuestionType.YES_NO, QuestionType.TRUE_FALSE, QuestionType.LIKERT5):
        options = list(question.choice_values)
        value = st.radio(
            label,
            options,
            index=None,
            format_func=lambda v: question.choice_label(v, lang),
            key=key,
            horizontal=question.type in (QuestionType.YES_NO, QuestionType.TRUE_FALSE),
        )
        if question.type is QuestionType.LIKERT5 and value is not None and value != "na":
            value = int(value)
    elif question.type is QuestionType.MULTIPLE:
        st.markdown(label)
        value = [
            choice.value
            for choice in question.choices
            if st.checkbox(pick(choice.label, lang), key=f"{key}.{choice.value}")
        ]
    elif question.type is QuestionType.NUMBER:
        value = st.number_input(
            label,
            value=None,
            min_value=question.min if question.min is not None else None,
            max_value=question.max if question.max is not None else None,
            step=1 if question.integer else 0.1,
            format="%d" if question.integer else "%.1f",
            key=key,
        )
    else:  # text
        value = st.text_area(label, max_chars=question.max_length, key=key, height=90)
    if hint:
        st.caption(hint)
    return value
