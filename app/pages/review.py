"""Review queue: flagged responses per site with their reasons and paradata; approve or exclude
with a recorded reason (admins: the evaluator reads the queue only); the audit log; the
campaign's quality parameters (admins).

Every action goes through ``Store.review`` / ``Store.reopen`` (one transaction with its audit
row); flags come from ``analysis.integrity.load_quality``. Nothing here deletes a response.
"""

import pandas as pd
import streamlit as st

from analysis import AnalysisError
from analysis.campaign import load_campaign_data
from analysis.formatting import local_stamp
from analysis.integrity import load_quality
from analysis.quality import QualityParameters
from app import services
from app.audit_text import actor_words
from app.auth import require
from app.i18n import language, t
from app.review_widgets import answers_table, parameter_words, parameters_form
from app.safe import plain
from app.widgets import campaign_picker
from survey.errors import SurveyError
from survey.storage.audit import action_words

REVIEWERS = ("admin",)  # who may approve, exclude or reopen (the evaluator is read-only: accounts.ROLES)
account = require("admin", "evaluator")
store = services.store()
st.title(t("review.title"))
st.caption(t("review.intro"))

campaign = campaign_picker(store.campaigns(), key="review.campaign")
notice = st.session_state.pop("review.notice", None)
if notice:
    st.success(notice, icon=":material/task_alt:")
try:
    data = load_campaign_data(store, campaign.id)  # every answer column: a flagged response can be read
    quality = load_quality(store, campaign.id, data)
except (AnalysisError, SurveyError) as exc:
    st.error(t("review.error", message=plain(exc)))
    st.stop()
flags = quality.flags

m = st.columns(4)
m[0].metric(t("review.metric.responses"), quality.responses)
m[1].metric(t("review.metric.flagged"), int(flags["flagged"].sum()))
m[2].metric(t("review.metric.open"), len(quality.open_ids))
m[3].metric(t("review.metric.excluded"), len(quality.excluded_ids))

names = {s.code: s.name for s in campaign.sites}
if len(quality.by_site):
    with st.expander(t("review.by_site"), expanded=False, icon=":material/location_on:"):
        s = quality.by_site
        st.dataframe(pd.DataFrame({
            t("review.col.site"): [f"{c} · {names.get(c, '')}" for c in s["site"]],
            t("review.col.responses"): s["responses"], t("review.col.days"): s["days"],
            t("review.col.per_day"): s["per_day"].round(1),
            t("review.col.median"): (s["median_duration_s"] / 60).round(1),
            t("review.col.flagged"): s["flagged"], t("review.col.share"): (s["share_flagged"] * 100).round(0).astype(int).astype(str) + "%",
            t("review.col.open"): s["open"], t("review.col.excluded"): s["excluded"],
        }), hide_index=True, key="review.by_site.table")

flagged = flags[flags["flagged"].to_numpy(dtype=bool)]
if not len(flagged):
    st.info(t("review.none"), icon=":material/verified:")
else:
    left, right = st.columns(2)
    sites = sorted(flagged["site_code"].unique())
    site = left.selectbox(t("review.site"), ["*", *sites], key=f"review.site.{campaign.id}",
                          format_func=lambda c: t("review.site.all") if c == "*" else f"{c} · {names.get(c, '')}")
    show = right.segmented_control(t("review.show"), ["open", "flagged", "reviewed"], default="open",
                                   key=f"review.show.{campaign.id}", format_func=lambda k: t(f"review.show.{k}"))
    rows = flagged if site == "*" else flagged[flagged["site_code"] == site]
    if show == "open":
        rows = rows[rows["open"].to_numpy(dtype=bool)]
    elif show == "reviewed":
        rows = rows[rows["review"].notna().to_numpy()]
    rows = rows.reset_index(drop=True)
    local = rows["submitted_at"].dt.tz_convert(campaign.timezone).dt.strftime("%m-%d %H:%M:%S")
    view = pd.DataFrame({
        t("review.col.id"): rows["response_id"],
        t("review.col.site"): [f"{c} · {names.get(c, '')}" for c in rows["site_code"]],
        t("review.col.reasons"): ["、".join(t(f"review.rule.{r}") for r in reasons) for reasons in rows["reasons"]],
        t("review.col.submitted"): local,
        t("review.col.duration"): rows["duration_s"].round(0),
        t("review.col.floor"): rows["floor_s"].round(0),
        t("review.col.device"): rows["device"],
        t("review.col.device_count"): rows["device_count"],
        t("review.col.window_count"): rows["window_count"],
        t("review.col.mode"): [t(f"review.mode.{m}") if isinstance(m, str) else "—" for m in rows["mode"]],
        t("review.col.surveyor"): rows["surveyor"],
        t("review.col.review"): [t(f"review.decision.{d}") if isinstance(d, str) else t("review.decision.none") for d in rows["review"]],
        t("review.col.review_reason"): rows["review_reason"],
        t("review.col.reviewed_by"): rows["reviewed_by"],
    })
    st.dataframe(view, hide_index=True, key=f"review.table.{campaign.id}.{site}.{show}")
    shown_ids = [int(i) for i in rows["response_id"]]
    reasons_of = {int(r.response_id): "、".join(t(f"review.rule.{x}") for x in r.reasons) for r in rows.itertuples(index=False)}
    with st.expander(t("review.answers"), icon=":material/description:"):
        shown = st.selectbox(t("review.answers.pick"), shown_ids, key=f"review.answers.{campaign.id}",
                             format_func=lambda i: f"{i} · {reasons_of.get(i, '')}")
        if shown is not None:
            row = data.table[data.table["response_id"] == shown].iloc[0]
            st.dataframe(answers_table(data.questionnaires[row["questionnaire_id"]], row.to_dict()), hide_index=True,
                         key=f"review.answers.table.{campaign.id}")
    if account.role not in REVIEWERS:  # the evaluator reads the queue; approving or excluding is an admin's
        st.info(t("review.read_only"), icon=":material/visibility:")
    else:
        # the selection stays until an action is recorded (a missing reason keeps it)
        with st.form(f"review.form.{campaign.id}", clear_on_submit=False, border=True):
            every = st.checkbox(t("review.select_all", n=len(shown_ids)), key="review.all")
            picked = st.multiselect(t("review.select"), shown_ids, key="review.picked", placeholder=t("review.select.placeholder"),
                                    format_func=lambda i: f"{i} · {reasons_of.get(i, '')}", select_all=False)
            reason = st.text_input(t("review.reason"), placeholder=t("review.reason.placeholder"), key="review.reason")
            b = st.columns(3)
            approve = b[0].form_submit_button(t("review.approve"), icon=":material/check:")
            exclude = b[1].form_submit_button(t("review.exclude"), type="primary", icon=":material/block:")
            reopen = b[2].form_submit_button(t("review.reopen"), icon=":material/undo:")
        action = "approved" if approve else "excluded" if exclude else "reopen" if reopen else None
        if every:
            picked = shown_ids
        if action is not None:
            if not picked:
                st.warning(t("review.need_rows"))
            elif not reason.strip():
                st.warning(t("review.need_reason"))
            else:
                try:
                    if action == "reopen":
                        for response_id in picked:
                            store.reopen(campaign.id, response_id, reason=reason, actor=account.username)
                    else:
                        store.review(campaign.id, picked, action, reason=reason, actor=account.username,
                                     flags={i: quality.reasons(i) for i in picked})
                except SurveyError as exc:
                    st.error(t("review.error", message=plain(exc)))
                else:
                    st.session_state["review.notice"] = t("review.done", n=len(picked), action=t(f"review.action.{action}"))
                    for key in ("review.all", "review.picked", "review.reason"):  # recorded: a fresh form
                        st.session_state.pop(key, None)
                    st.rerun()

with st.expander(t("review.audit"), icon=":material/history:"):
    log = store.audit_log(campaign.id, limit=200)
    if not log:
        st.caption(t("review.audit.empty"))
    else:
        st.dataframe(pd.DataFrame({
            t("review.col.at"): [local_stamp(e.at, campaign.timezone) for e in log],
            t("review.col.actor"): [actor_words(e.actor, t) for e in log],
            t("review.col.action"): [action_words(e.action, language()) for e in log],
            t("review.col.response"): [e.response_id for e in log],
            t("review.col.why"): [e.reason for e in log],
        }), hide_index=True, key="review.audit.table")

with st.expander(t("review.parameters"), icon=":material/tune:"):
    st.caption(t("review.parameters.help"))
    if account.role != "admin":
        st.dataframe(pd.DataFrame([{t("review.param.rule"): t(f"review.rule.{rule}"), t("review.param.value"): value}
                                   for rule, value in parameter_words(quality.parameters.values).items()]),
                     hide_index=True, key="review.parameters.table")
    else:
        own = parameters_form(quality.parameters.values, f"review.parameters.form.{campaign.id}")
        if own is not None:
            try:
                QualityParameters.merged((f"campaign {campaign.id}", own))
                store.set_quality_parameters(campaign.id, own, actor=account.username)
            except (ValueError, AnalysisError, SurveyError) as exc:
                st.error(t("review.parameters.bad", message=plain(exc)))
            else:
                st.session_state["review.notice"] = t("review.parameters.saved")
                st.rerun()
