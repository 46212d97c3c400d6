"""Surveyor mode: a signed-in surveyor fills the form on behalf of a respondent (flagged as such)."""

import streamlit as st

from app import services
from app.auth import require
from app.i18n import language, t
from app.respondent_form import FormTarget, render_form
from survey.questionnaire import pick

require("admin", "surveyor")
lang = language()
store = services.store()
st.title(t("admin.surveyor.title"))
st.caption(t("admin.surveyor.help"))
campaigns = [c for c in store.campaigns() if c.status() == "open"]
if not campaigns:
    st.info(t("admin.surveyor.no_open"))
    st.stop()
by_id = {c.id: c for c in campaigns}
left, middle, right = st.columns(3)
campaign_id = left.selectbox(t("admin.campaign"), list(reversed(by_id)), format_func=lambda i: f"{i} · {by_id[i].name}",
                             key="admin.surveyor.campaign")
campaign = by_id[campaign_id]
code = middle.selectbox(t("admin.sites.choose"), [s.code for s in campaign.sites],
                        format_func=lambda c: f"{c} · {campaign.site(c).name}", key=f"admin.surveyor.site.{campaign_id}")
site = campaign.site(code)
instruments = [i for i in campaign.instruments if not site.quotas or i.questionnaire_id in site.quotas]
short_id = right.selectbox(t("admin.col.instrument"), [i.short_id for i in instruments],
                           format_func=lambda s: pick(campaign.instrument(s).title, lang), key=f"admin.surveyor.instrument.{campaign_id}")
instrument = campaign.instrument(short_id)
st.divider()
render_form(FormTarget(campaign, site, instrument, store.questionnaire(instrument.version_hash), source="surveyor"), store)
