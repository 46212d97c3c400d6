"""Comments, suggestions and complaints of a campaign (柳南's plan item 4): the text, site, date,
status, who handled it and a note; administrators mark one handled or open again (one audit row
per change, ``Store.set_complaint_status``), evaluators read. Reply numbers: administrators only."""

import streamlit as st

from app import complaints_panel as panel
from app import services
from app.auth import require
from app.chrome import staff_chrome
from app.i18n import t
from app.safe import plain
from app.widgets import campaign_picker
from survey.errors import SurveyError

account = require("admin", "evaluator")
admin = account.role == "admin"
store = services.store()
st.title(t("complaints.title"))
staff_chrome()
st.caption(t("complaints.intro"))

campaign = campaign_picker(store.campaigns(), key="complaints.campaign")
notice = st.session_state.pop("complaints.notice", None)
if notice:
    st.success(notice, icon=":material/task_alt:")
items = store.complaints(campaign.id)
if not items:
    st.info(t("complaints.none"), icon=":material/inbox:")
    st.stop()

n = panel.counts(items)
m = st.columns(3)
m[0].metric(t("complaints.metric.all"), n["all"])
m[1].metric(t("complaints.metric.open"), n["open"])
m[2].metric(t("complaints.metric.phone"), n["phone"])

show = st.segmented_control(t("complaints.show"), panel.SHOW, default="open", key=f"complaints.show.{campaign.id}",
                            format_func=lambda k: t(f"complaints.show.{k}")) or "all"
rows = panel.shown(items, show)
st.dataframe(panel.table(rows, t, timezone=campaign.timezone, phones=admin), hide_index=True,
             key=f"complaints.table.{campaign.id}.{show}", column_config={t("complaints.col.text"): st.column_config.TextColumn(width="large")})

if not admin:
    st.caption(t("complaints.read_only"))
    st.stop()

by_id = {c.response_id: c for c in items}
picked = st.selectbox(t("complaints.pick"), [c.response_id for c in rows] or list(by_id), key=f"complaints.picked.{campaign.id}",
                      format_func=lambda i: panel.choice_label(by_id[i], t))
with st.form(f"complaints.form.{campaign.id}", border=True):
    if picked in by_id:
        st.markdown(f"> {plain(by_id[picked].text)}")
        st.caption(panel.details(by_id[picked], t, timezone=campaign.timezone, phones=True))
    note = st.text_area(t("complaints.note"), by_id[picked].note if picked in by_id else "", key=f"complaints.note.{picked}",
                        max_chars=1000, height=90)
    b = st.columns(3)
    handle = b[0].form_submit_button(t("complaints.handle"), type="primary", icon=":material/check:")
    reopen = b[1].form_submit_button(t("complaints.reopen"), icon=":material/undo:")
    keep = b[2].form_submit_button(t("complaints.save_note"), icon=":material/save:")
status = "handled" if handle else "open" if reopen else by_id[picked].status if keep and picked in by_id else None
if status is not None and picked in by_id:
    try:
        store.set_complaint_status(campaign.id, picked, status, actor=account.username, note=note)
    except SurveyError as exc:
        st.error(t("complaints.error", message=plain(exc)))
    else:
        done = "note" if keep else status
        st.session_state["complaints.notice"] = t(f"complaints.done.{done}", id=picked)
        st.rerun()
