"""The dashboard's fieldwork tab: door-to-door households per village and township (assigned,
visited, completes, AAPOR response rates) and the fieldwork next steps, from
``analysis.campaign.fieldwork_table`` and ``fieldwork_steps`` on ``Store.household_frame``.

Failure-isolated: every entry point catches its own errors (logged under an incident id), so a
broken household record hides this panel only, never the rest of the dashboard.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import pandas as pd
import streamlit as st

from analysis.campaign import fieldwork_steps, fieldwork_table
from analysis.campaign.next_steps import HIGH_REFUSAL, LOW_CONTACT, MIN_FINISHED
from analysis.formatting import count, level_percent, percent
from app.i18n import t
from app.safe import plain

log = logging.getLogger("tcm_survey.incidents")


def _incident(exc: BaseException, what: str) -> str:
    incident = secrets.token_hex(4).upper()
    log.error("incident %s (%s): %s: %s", incident, what, type(exc).__name__, exc, exc_info=exc)
    return incident


def household_frame(store: Any, campaign_id: int) -> pd.DataFrame | None:
    """The campaign's households (``Store.household_frame``), None when it has none or they cannot be read."""
    try:
        frame = store.household_frame(campaign_id)
    except Exception as exc:  # noqa: BLE001 - one panel's failure must not hide the dashboard
        st.error(t("dash.field.error", message=t("error.internal", incident=_incident(exc, "household_frame"))))
        return None
    return frame if len(frame) else None


def next_steps(frame: pd.DataFrame | None, campaign: Any) -> list:
    """The fieldwork next steps (low contact, high refusal); [] when there are none or they fail."""
    if frame is None:
        return []
    try:
        return fieldwork_steps(frame, max_visits=int(campaign.max_visits), names={s.code: s.name for s in campaign.sites})
    except Exception as exc:  # noqa: BLE001
        _incident(exc, "fieldwork_steps")
        return []


def step_text(step: Any) -> str:
    """A fieldwork next step in words (kinds ``low_contact`` and ``high_refusal``)."""
    return t(f"dash.next.{step.kind}", stratum=step.stratum or "", site=step.site_name or step.site_code,
             count=step.count, rate=percent(step.rate))


def _rates(table: pd.DataFrame) -> dict[str, list[str]]:
    return {
        t("dash.field.col.rr1"): [percent(x) for x in table["RR1"]],
        t("dash.field.col.rr3"): [percent(x) for x in table["RR3"]],
        t("dash.field.col.e"): [percent(x) for x in table["e"]],
        t("dash.field.col.con1"): [percent(x) for x in table["CON1"]],
        t("dash.field.col.ref1"): [percent(x) for x in table["REF1"]],
    }


def _counts(table: pd.DataFrame) -> dict[str, list[str]]:
    return {t(f"dash.field.col.{c}"): [count(x) for x in table[c]] for c in ("assigned", "visited", "finished", "completes")}


def render(frame: pd.DataFrame, campaign: Any) -> None:
    """The tab's content; on any error an incident message in its place."""
    try:
        _render(frame, campaign)
    except Exception as exc:  # noqa: BLE001
        st.error(t("dash.field.error", message=t("error.internal", incident=_incident(exc, "fieldwork panel"))))


def _render(frame: pd.DataFrame, campaign: Any) -> None:
    st.caption(t("dash.field.intro"))
    steps = fieldwork_steps(frame, max_visits=int(campaign.max_visits), names={s.code: s.name for s in campaign.sites})
    if steps:
        st.subheader(t("dash.next"))
        st.markdown("\n".join(f"- {plain(step_text(s))}" for s in steps))
    table = fieldwork_table(frame, max_visits=int(campaign.max_visits))
    names = {s.code: s.name for s in campaign.sites}
    sites = table[table["level"] == "site"]
    st.subheader(t("dash.field.by_site"))
    st.dataframe(pd.DataFrame({
        t("dash.field.col.township"): sites["township"].tolist(),
        t("dash.field.col.site"): [f"{names.get(c, c)}（{c}）" for c in sites["site"]],
        **_counts(sites), **_rates(sites),
    }), hide_index=True, key="dash.field.sites")
    upper = table[table["level"] != "site"]
    st.subheader(t("dash.field.by_township"))
    st.dataframe(pd.DataFrame({
        t("dash.field.col.township"): [t("dash.field.county") if level == "county" else name
                                       for level, name in zip(upper["level"], upper["township"])],
        **_counts(upper), **_rates(upper),
    }), hide_index=True, key="dash.field.townships")
    st.caption(t("dash.field.rates_help"))
    st.caption(t("dash.field.thresholds", n=MIN_FINISHED, visits=int(campaign.max_visits),
                 contact=level_percent(LOW_CONTACT), refusal=level_percent(HIGH_REFUSAL)))
