"""Campaigns: status, responses per site against quotas, open/close, QR codes and poster PDF."""

import json
import os
import tempfile
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from app import services
from app.auth import require
from app.chrome import staff_chrome
from app.i18n import language, t
from app.safe import plain
from app.widgets import campaign_picker
from survey.campaign import SITE_KINDS
from survey.campaign.posters import zip_folder
from survey.errors import SurveyError
from analysis.formatting import date_zh, local_stamp
from survey.questionnaire.profiles import find_profile
from survey.campaign.posters import write_campaign_posters
from survey.campaign.reach import warning as reach_warning
from survey.questionnaire import pick

account = require("admin", "evaluator")
is_admin = account.role == "admin"
lang = language()
store = services.store()
st.title(t("admin.campaigns.title"))
staff_chrome()
if not is_admin:
    st.caption(t("admin.readonly"))

campaign = campaign_picker(store.campaigns(), key="admin.campaign", label="admin.campaign", empty="admin.no_campaigns")
status = campaign.status()
counts = store.response_counts(campaign.id)

profile = find_profile(campaign.profile_id)
st.markdown(t("admin.profile", profile=plain(pick(profile.name, lang) if profile else campaign.profile_id),
              organizer=plain(campaign.organizer or "—")))
day = date_zh if lang == "zh" else (lambda d: d.strftime("%-d %B %Y"))
st.markdown(t("admin.period.full", opens=day(campaign.opens_on), closes=day(campaign.closing_date())))  # whole dates, never cut
cols = st.columns(3)
cols[0].metric(t("admin.status"), t(f"admin.status.{status}"))
cols[1].metric(t("admin.responses"), sum(counts.values()))
cols[2].metric(t("admin.sites_count"), len(campaign.sites))


if is_admin:
    if status == "open":
        asking = f"admin.close.asking.{campaign.id}"  # asks first: closing stops every poster's form at once
        if st.button(t("admin.close"), key="admin.close", icon=":material/block:"):
            st.session_state[asking] = True
        if st.session_state.get(asking):
            with st.container(border=True):
                st.warning(t("admin.close.confirm", name=plain(campaign.name), n=sum(counts.values())), icon=":material/warning:")
                yes, no = st.columns(2)
                if yes.button(t("admin.close.confirm.yes"), key="admin.close.yes", type="primary"):
                    st.session_state.pop(asking, None)
                    store.close_campaign(campaign.id, actor=account.username)
                    st.toast(t("admin.closed_done"))
                    st.rerun()
                if no.button(t("admin.close.confirm.no"), key="admin.close.no"):
                    st.session_state.pop(asking, None)
                    st.rerun()
    elif campaign.closed_at is not None:
        if st.button(t("admin.reopen"), key="admin.reopen", icon=":material/play_arrow:"):
            store.reopen_campaign(campaign.id, actor=account.username)
            if store.campaign(campaign.id).status() != "open":
                st.warning(t("admin.reopen_dates"))
            else:
                st.toast(t("admin.reopened"))
                st.rerun()

st.subheader(t("admin.counts"))
rows = [
    {
        t("admin.col.site"): p.site.code,
        t("admin.col.name"): p.site.name,
        t("admin.col.stratum"): p.site.stratum,
        t("admin.col.kind"): SITE_KINDS[p.site.kind][lang],
        t("admin.col.questionnaire"): pick(campaign.instrument_for(p.questionnaire_id).title, lang),
        t("admin.col.quota"): p.quota,
        t("admin.col.count"): p.responses,
        t("admin.col.progress"): p.share,
    }
    for p in campaign.quota_progress(counts)
]
st.dataframe(
    pd.DataFrame(rows),
    hide_index=True,
    width="stretch",
    column_config={t("admin.col.progress"): st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)},
)

if is_admin:
    st.subheader(t("admin.posters"))
    default_url = os.environ.get("TCM_SURVEY_PUBLIC_URL") or ""
    if not default_url and st.context.url:
        parts = urlsplit(st.context.url)
        default_url = f"{parts.scheme}://{parts.netloc}"
    base_url = st.text_input(t("admin.base_url"), value=default_url, help=t("admin.base_url.help"), key=f"admin.base_url.{campaign.id}")
    made_key = f"admin.posters.{campaign.id}"
    problem = reach_warning(base_url, lang) if base_url.strip() else None
    anyway = False
    if problem:  # no phone may reach it: say so, and make posters only when asked again
        st.warning(problem, icon=":material/wifi_off:")
        anyway = st.checkbox(t("admin.posters.anyway"), key=f"admin.posters.anyway.{campaign.id}")
    if st.button(t("admin.make_posters"), type="primary", key="admin.make_posters", icon=":material/qr_code_2:",
                 disabled=bool(problem) and not anyway):
        bar = st.progress(0.0, text=t("admin.posters.step.start"))

        def show(done: int, total: int, stage: str) -> None:
            text = t(f"admin.posters.step.{stage}", done=done, total=total)
            bar.progress(min(1.0, 0.8 * done / max(total, 1) + (0.2 if stage == "done" else 0.0)), text=text)

        try:
            with tempfile.TemporaryDirectory() as folder:
                posters = write_campaign_posters(campaign, base_url.strip(), services.secret(), folder, progress=show)
                st.session_state[made_key] = {
                    "base_url": base_url.strip(),
                    "n": len(posters.items),
                    "pdf": posters.pdf.read_bytes(),
                    "pdf_name": posters.pdf.name,
                    "zip": zip_folder(folder),  # PNG, SVG, index.csv and the PDF
                }
        except SurveyError as exc:
            st.session_state.pop(made_key, None)
            st.error(t("admin.poster_error", error=plain(exc)))
    made = st.session_state.get(made_key)
    if made:
        st.success(t("admin.posters_ready", n=made["n"]))
        left, right = st.columns(2)
        left.download_button(t("admin.download_pdf"), made["pdf"], file_name=made["pdf_name"], mime="application/pdf",
                             key="admin.download_pdf", icon=":material/picture_as_pdf:", on_click="ignore")
        right.download_button(t("admin.download_zip"), made["zip"], file_name=f"qr-campaign-{campaign.id}.zip",
                              mime="application/zip", key="admin.download_zip", icon=":material/folder_zip:", on_click="ignore")

with st.expander(t("admin.recent")):
    recent = store.recent_responses(campaign.id, 50)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("admin.col.id"): r.id,
                    t("admin.col.site"): r.site_code,
                    t("admin.col.questionnaire"): r.questionnaire_id,
                    t("admin.col.source"): t(f"admin.source.{r.source}") + (t("admin.simulated") if r.simulated else ""),
                    t("admin.col.submitted"): local_stamp(r.submitted_at, campaign.timezone, "%Y-%m-%d %H:%M"),
                    t("admin.col.answers"): json.dumps(dict(r.answers), ensure_ascii=False),
                }
                for r in recent
            ]
        ),
        hide_index=True,
        width="stretch",
    )
