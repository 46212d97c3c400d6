"""The audit log: who changed what and when, filtered by campaign, person, kind of change and dates
(admins and evaluators read it; nobody can change it)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from accounts import ROLES
from app import services
from app.audit_text import actor_words, detail_words
from app.auth import require
from app.chrome import staff_chrome
from app.i18n import language, t
from survey.campaign import DEFAULT_TIMEZONE
from survey.questionnaire import pick
from survey.storage.audit import ACTIONS, action_words

LIMIT = 1000

require("admin", "evaluator")
lang = language()
store = services.store()
st.title(t("audit.title"))
staff_chrome()
st.caption(t("audit.caption"))

campaigns = {c.id: c for c in store.campaigns()}
left, middle = st.columns(2)
campaign_id = left.selectbox(
    t("audit.campaign"), [None, *reversed(campaigns)], key="audit.campaign",
    format_func=lambda i: t("audit.campaign.all") if i is None else f"{i} · {campaigns[i].name}",
)
campaign = campaigns.get(campaign_id)
zone = campaign.timezone if campaign else DEFAULT_TIMEZONE
actor = middle.selectbox(t("audit.actor"), [None, *store.audit_actors()], key="audit.actor",
                         format_func=lambda a: t("audit.actor.all") if a is None else actor_words(a, t))
left, right = st.columns(2)
actions = left.multiselect(t("audit.actions"), list(ACTIONS), key="audit.actions", placeholder=t("audit.actions.placeholder"),
                           format_func=lambda code: action_words(code, lang), select_all=False)
today = dt.datetime.now(ZoneInfo(zone)).date()
dates = right.date_input(t("audit.dates"), value=(today - dt.timedelta(days=90), today), key="audit.dates",
                         format="YYYY-MM-DD")
since = until = None
if isinstance(dates, (tuple, list)) and len(dates) == 2:
    since = dt.datetime.combine(dates[0], dt.time(), ZoneInfo(zone))
    until = dt.datetime.combine(dates[1] + dt.timedelta(days=1), dt.time(), ZoneInfo(zone))

rows = store.audit_log(campaign_id, actor=actor, actions=actions, since=since, until=until, limit=LIMIT)
if not rows:
    st.info(t("audit.empty"))
    st.stop()
st.caption(t("audit.count", n=f"{len(rows):,}", limit=f"{LIMIT:,}"))
titles = {i.questionnaire_id: pick(i.title, lang) for c in campaigns.values() for i in c.instruments}
roles = {role: t(f"role.{role}") for role in ROLES}


def when(moment: dt.datetime, row_campaign: int | None) -> str:
    tz = campaigns[row_campaign].timezone if row_campaign in campaigns else zone
    return f"{moment.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M:%S}"


table = pd.DataFrame({
    t("audit.col.at"): [when(r.at, r.campaign_id) for r in rows],
    t("audit.col.actor"): [actor_words(r.actor, t) for r in rows],
    t("audit.col.action"): [r.words(lang) for r in rows],
    t("audit.col.campaign"): [campaigns[r.campaign_id].name if r.campaign_id in campaigns else "" for r in rows],
    t("audit.col.detail"): [detail_words(r, t, timezone=zone, role_words=roles, questionnaire_titles=titles) for r in rows],
    t("audit.col.reason"): [r.reason or "" for r in rows],
})
st.dataframe(table, hide_index=True, width="stretch", key="audit.table")
