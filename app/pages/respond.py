"""The respondent form behind a poster's QR code (``/?t=<token>``): the only page a respondent sees.

A token that is missing, damaged, forged or for a closed campaign gets a clear page, and
nothing is stored.
"""

import streamlit as st

from app import services
from app.i18n import language, language_switch, t
from app.navigation import respondent_token
from app.respondent_form import FormTarget, hide_chrome, render_form
from survey.errors import SurveyError
from survey.questionnaire import pick

hide_chrome()
token = respondent_token()

try:
    store = services.store()
    check = st.session_state.get("respond.check")
    if check is None or check[0] != token:  # checked once per session, not on every tap
        check = (token, store.check_token(token, services.secret()))
        st.session_state["respond.check"] = check
    result = check[1]
    questionnaire = None
    if result.ok:
        instrument = result.campaign.instrument(result.payload.instrument)
        questionnaire = store.questionnaire(instrument.version_hash)
except SurveyError:
    language_switch()
    st.error(t("respond.error.store"), icon=":material/cloud_off:")
    st.stop()

if questionnaire is None:
    language_switch()
    st.header(t("respond.unavailable"))
    campaign = result.campaign
    st.error(
        t(
            f"respond.token.{result.reason}",
            opens_on=campaign.opens_on.isoformat() if campaign else "",
            closes_on=campaign.closing_date().isoformat() if campaign else "",
        ),
        icon=":material/link_off:",
    )
    st.caption(t("respond.unavailable.help"))
    st.stop()

st.set_page_config(page_title=pick(questionnaire.title, language()), layout="centered", initial_sidebar_state="collapsed")
render_form(
    FormTarget(result.campaign, result.campaign.site(result.payload.site_code), instrument, questionnaire, source="qr"),
    store,
)
