"""Widgets of the review queue that are more than one call: a flagged response's answers in words,
and the quality rules' parameters as a form (a field per parameter, not JSON)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from analysis.quality import DEFAULTS, RULE_WORDS, RULES
from app.i18n import language, t
from survey.questionnaire.words import answer_words


def paper_words(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A paper form's number and interview day (纸质问卷编号, 访问日期) as the detail's first rows; none otherwise."""
    number, day = row.get("paper_number"), row.get("interviewed_on")
    if not isinstance(number, str) or not number:
        return []
    return [(t("review.answers.paper_number"), number),
            (t("review.answers.interviewed_on"), day.isoformat() if isinstance(day, dt.date) else "—")]


def answers_table(questionnaire, row: Mapping[str, Any]) -> pd.DataFrame:  # noqa: ANN001
    """The response's answers in words, one question a row (``row``: its row of the campaign frame),
    after a paper form's number and interview day."""
    pairs = paper_words(row) + list(answer_words(questionnaire, row, language()))
    return pd.DataFrame({t("review.answers.question"): [p[0] for p in pairs], t("review.answers.answer"): [p[1] for p in pairs]})


def _number(rule: str, key: str, value: Any, *, container=st) -> Any:  # noqa: ANN001
    label = t(f"review.param.{rule}.{key}")
    widget_key = f"review.param.{rule}.{key}"
    if isinstance(DEFAULTS[rule][key], int) and not isinstance(DEFAULTS[rule][key], bool):
        return int(container.number_input(label, min_value=0, max_value=10_000, value=int(value), step=1, key=widget_key))
    return float(container.number_input(label, min_value=0.0, max_value=10_000.0, value=float(value), step=0.5, key=widget_key))


def parameters_form(current: Mapping[str, Mapping[str, Any]], form_key: str) -> dict[str, dict[str, Any]] | None:
    """A form of every rule's parameters at ``current`` (those in force); on 保存, the values that
    differ from the defaults (the campaign's own layer); None until then."""
    values: dict[str, dict[str, Any]] = {}
    with st.form(form_key, border=True, enter_to_submit=False):
        for rule in RULES:
            now = current[rule]
            st.markdown(f"**{RULE_WORDS[rule][language()]}**")
            got: dict[str, Any] = {"enabled": st.toggle(t("review.param.enabled"), value=bool(now["enabled"]),
                                                        key=f"review.param.{rule}.enabled")}
            cols = st.columns(3)
            keys = [k for k in DEFAULTS[rule] if k != "enabled"]
            for i, key in enumerate(keys):
                box = cols[i % 3]
                value = now[key]
                if key == "floor_seconds":  # 0: none (the floor follows from the items)
                    floor = box.number_input(t("review.param.too_fast.floor_seconds"), min_value=0, max_value=3600,
                                             value=int(value or 0), step=10, key="review.param.too_fast.floor_seconds")
                    got[key] = int(floor) or None
                elif key == "max_per_day":
                    per_day = value if isinstance(value, Mapping) else {"residents": value, "staff": value}
                    got[key] = {audience: int(box.number_input(t(f"review.param.same_device.max_per_day.{audience}"), 1, 100,
                                                               int(per_day.get(audience, 1)),
                                                               key=f"review.param.same_device.max_per_day.{audience}"))
                                for audience in ("residents", "staff")}
                elif key == "opening_hours":
                    start, end = (dt.time.fromisoformat(v) for v in value)
                    opens = box.time_input(t("review.param.burst.opens"), start, key="review.param.burst.opens", step=1800)
                    closes = box.time_input(t("review.param.burst.closes"), end, key="review.param.burst.closes", step=1800)
                    got[key] = [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
                else:
                    got[key] = _number(rule, key, value, container=box)
            values[rule] = got
        saved = st.form_submit_button(t("review.parameters.save"))
    if not saved:
        return None
    own = {rule: {k: v for k, v in got.items() if v != DEFAULTS[rule][k]} for rule, got in values.items()}
    return {rule: params for rule, params in own.items() if params}


def parameter_words(current: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Each rule's parameters in force, in words (for those who may read but not change them)."""
    out = {}
    for rule in RULES:
        now = current[rule]
        if not now["enabled"]:
            out[rule] = t("review.param.off")
            continue
        parts = []
        for key, value in now.items():
            if key == "enabled" or value is None:
                continue
            if key == "max_per_day":
                per_day = value if isinstance(value, Mapping) else {"residents": value, "staff": value}
                parts += [f"{t(f'review.param.same_device.max_per_day.{a}')} {per_day.get(a, '—')}" for a in ("residents", "staff")]
            elif key == "opening_hours":
                parts.append(f"{t('review.param.burst.opens')} {value[0]}，{t('review.param.burst.closes')} {value[1]}")
            else:
                parts.append(f"{t(f'review.param.{rule}.{key}')} {value:g}" if isinstance(value, (int, float)) else f"{key} {value}")
        out[rule] = "；".join(parts) or t("review.param.on")
    return out
