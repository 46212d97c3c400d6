"""Preview: each questionnaire as a respondent sees it on a phone, with live skip logic.

The questionnaire is drawn by the form's own renderer (``app.web``, ``/form/preview/<id>``) in a
frame: questions and skip rules only, nothing stored, no scoring. Answer keys are shown only to a
signed-in admin (the frame's URL then carries a short-lived ``keys`` grant, ``app.web.grants``).
"""

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from app import services
from app.auth import current_account
from app.i18n import language, t
from app.web import grants
from survey.questionnaire.catalog import broken_instruments, shipped_questionnaires
from survey.questionnaire import pick

lang = language()
questionnaires = shipped_questionnaires()
if broken_instruments():  # a file that does not load is named, the others still work
    st.warning(t("preview.broken", files="、".join(Path(f).name for f in broken_instruments())))
if not questionnaires:
    st.stop()
order = sorted(questionnaires, key=lambda qid: (qid != "resident", qid))  # the resident form first, then by id
chosen = st.selectbox(
    t("preview.choose"),
    order,
    format_func=lambda qid: pick(questionnaires[qid].title, lang),
    key="preview.instrument",
)
q = questionnaires[chosen]
st.caption(t("preview.caption"))
st.caption(t("preview.version", version=q.version, hash=q.short_hash))
query = {"lang": lang}
account = current_account()
if account is not None and account.role == "admin":
    query["g"] = grants.issue(services.secret(), account.username, account.role, "keys")
    st.caption(t("preview.keys_shown"))
left, middle, right = st.columns([1, 2, 1])  # a phone-wide column on a desktop screen
with middle:
    st.iframe(f"/form/preview/{q.id}?{urlencode(query)}", height=900)
