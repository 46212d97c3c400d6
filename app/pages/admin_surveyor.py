"""Surveyor mode: a signed-in surveyor fills the form on behalf of a respondent (flagged as such).

The form itself is the HTML form of ``app.web`` (one form implementation): this page picks the
site and instrument and opens the form through a signed link valid 10 minutes
(``app.web.grants``), which the form turns into an HttpOnly surveyor cookie for the working day.
"""

from urllib.parse import urlencode

import streamlit as st

from app import services
from app.auth import require
from app.chrome import staff_chrome
from app.web import grants
from app.i18n import language, t
from app.widgets import campaign_picker
from survey.questionnaire import pick
from survey.campaign.tokens import make_token

account = require("admin", "surveyor")
lang = language()
store = services.store()
st.title(t("admin.surveyor.title"))
staff_chrome()
st.caption(t("admin.surveyor.help"))
campaigns = [c for c in store.campaigns() if c.status() == "open"]
if not campaigns:
    st.info(t("admin.surveyor.no_open"))
    st.stop()
left, middle, right = st.columns(3)
campaign = campaign_picker(campaigns, key="admin.surveyor.campaign", label="admin.campaign", mark_demo=False, where=left)
campaign_id = campaign.id
code = middle.selectbox(t("admin.sites.choose"), [s.code for s in campaign.sites],
                        format_func=lambda c: f"{c} · {campaign.site(c).name}", key=f"admin.surveyor.site.{campaign_id}")
site = campaign.site(code)
instruments = [i for i in campaign.instruments if not site.quotas or i.questionnaire_id in site.quotas]
short_id = right.selectbox(t("admin.col.questionnaire"), [i.short_id for i in instruments],
                           format_func=lambda s: pick(campaign.instrument(s).title, lang), key=f"admin.surveyor.instrument.{campaign_id}")
instrument = campaign.instrument(short_id)
st.divider()
secret = services.secret()
token = make_token(secret, campaign.id, site.code, instrument.short_id)
grant = grants.issue(secret, account.username, account.role, "surveyor", version=account.session_version, campaign=campaign.id)
st.link_button(t("admin.surveyor.open"), "/?" + urlencode({"t": token, "g": grant}), type="primary", width="stretch")
st.caption(t("admin.surveyor.link_help"))
