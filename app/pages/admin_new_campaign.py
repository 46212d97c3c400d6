"""Create a campaign from a profile, questionnaires, dates and a sampling plan or frame file."""

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st

from app import services
from app.auth import require
from app.chrome import staff_chrome
from app.i18n import language, t
from survey.campaign import (
    ANSWER_KEY_RULES,
    DEFAULT_KEEP_MONTHS,
    CampaignSpec,
    read_frame,
)
from survey.campaign.quotas import fit_quotas
from survey.errors import SurveyError
from survey.questionnaire import pick
from survey.questionnaire.catalog import broken_instruments, shipped_questionnaires
from survey.questionnaire.profiles import load_profiles

account = require("admin")
lang = language()
store = services.store()
st.title(t("admin.new.title"))
staff_chrome()
questionnaires = shipped_questionnaires()
if broken_instruments():
    st.warning(t("admin.new.broken", files="、".join(Path(f).name for f in broken_instruments())))
profiles = load_profiles()
today = dt.date.today()

with st.form("admin.new", enter_to_submit=False):
    name = st.text_input(t("admin.new.name"), key="admin.new.name", max_chars=120)
    organizer = st.text_input(t("admin.new.organizer"), key="admin.new.organizer", max_chars=120)
    phone_col, keep_col = st.columns(2)
    contact_phone = phone_col.text_input(t("admin.new.phone"), key="admin.new.phone", max_chars=40)
    keep_months = keep_col.number_input(t("admin.new.keep_months"), min_value=1, max_value=600, value=DEFAULT_KEEP_MONTHS,
                                        step=1, key="admin.new.keep_months")
    answer_key = st.radio(t("admin.new.answer_key"), list(ANSWER_KEY_RULES), format_func=lambda r: t(f"admin.new.answer_key.{r}"),
                          key="admin.new.answer_key", horizontal=True)
    profile_id = st.selectbox(t("admin.new.profile"), list(profiles), format_func=lambda p: pick(profiles[p].name, lang), key="admin.new.profile")
    chosen = st.multiselect(
        # added by hand: questionnaires with local targets (keyed for one profile), for that profile only, and
        # long surveys of their own (the 15-20 minute literacy survey, usually door to door)
        t("admin.new.questionnaires"), list(questionnaires),
        default=[q for q in questionnaires if not questionnaires[q].jurisdiction and (questionnaires[q].estimated_minutes or 0) < 15],
        format_func=lambda q: pick(questionnaires[q].title, lang), key="admin.new.questionnaires",
        select_all=False,  # Streamlit's "Select all" is English only
        placeholder=t("admin.new.questionnaires.placeholder"),  # else "Choose options"
    )
    left, right = st.columns(2)
    opens_on = left.date_input(t("admin.new.opens"), value=today, key="admin.new.opens")
    closes_on = right.date_input(t("admin.new.closes"), value=today + dt.timedelta(days=30), key="admin.new.closes")
    source = st.radio(
        t("admin.new.sites"), ["file", "demo", "none"], format_func=lambda s: t(f"admin.new.sites.{s}"), key="admin.new.source"
    )
    upload = st.file_uploader(t("admin.new.file"), type=["csv", "xlsx"], help=t("admin.new.file_help"), key="admin.new.file")
    anyway = st.checkbox(t("admin.new.anyway"), key="admin.new.anyway")
    create = st.form_submit_button(t("admin.new.create"), type="primary")

if create:
    if not name.strip() or not chosen:
        st.error(t("admin.new.need_name"))
    elif source == "file" and upload is None:
        st.error(t("admin.new.need_file"))
    elif foreign := [q for q in chosen if questionnaires[q].jurisdiction not in (None, profile_id)]:
        st.error(t("admin.new.foreign", list="；".join(t(
            "admin.new.foreign_one", title=pick(questionnaires[q].title, lang),
            owner=pick(profiles[questionnaires[q].jurisdiction].name, lang) if questionnaires[q].jurisdiction in profiles
            else questionnaires[q].jurisdiction) for q in foreign), profile=pick(profiles[profile_id].name, lang)))
    else:
        try:
            sites = []
            if source == "file":
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / Path(upload.name).name
                    path.write_bytes(upload.getvalue())
                    sites = read_frame(path, questionnaire_ids=chosen)
            elif source == "demo":
                from survey.demo import demo_sites

                sites = demo_sites()
            # every chosen instrument takes a quota at each suitable site (and so a poster there)
            fit = fit_quotas(sites, [questionnaires[q] for q in chosen], {q: questionnaires[q].audience for q in questionnaires})
            spec = CampaignSpec(name.strip(), profile_id, opens_on, closes_on, organizer=organizer.strip(),
                                contact_phone=contact_phone.strip(), answer_key=answer_key, keep_months=int(keep_months))
            campaign = None
            if fit.gaps and not anyway:  # say which instrument would get no quota and no poster, before creating
                st.warning(t("admin.new.gaps", list="；".join(
                    t(f"admin.new.gap.{g.reason}", title=pick(questionnaires[g.questionnaire_id].title, lang)) for g in fit.gaps)))
            else:
                campaign = store.create_campaign(spec, [questionnaires[q] for q in chosen], fit.sites, actor=account.username)
        except SurveyError as exc:
            st.error(t("admin.new.error"))
            st.code(str(exc), language=None)
        else:
            if campaign is not None:
                st.session_state["admin.campaign"] = campaign.id
                st.success(t("admin.new.created", id=campaign.id, n=len(campaign.sites)))
                if campaign.sites:
                    st.markdown("\n".join(
                        "- " + t("admin.new.quota_line", title=pick(questionnaires[q].title, lang), sites=fit.totals[q][0],
                                 n=fit.totals[q][1]) for q in chosen))
                st.page_link("app/pages/admin_campaigns.py", label=t("nav.campaigns"), icon=":material/campaign:")

st.divider()
st.caption(t("admin.new.demo"))
if st.button(t("admin.new.demo_button"), key="admin.new.demo_button", icon=":material/science:"):
    from survey.demo import create_demo

    result = create_demo(store, actor=account.username)
    st.session_state["admin.campaign"] = result.campaign.id
    st.success(t("admin.new.created", id=result.campaign.id, n=len(result.campaign.sites)))
    st.page_link("app/pages/admin_campaigns.py", label=t("nav.campaigns"), icon=":material/campaign:")
