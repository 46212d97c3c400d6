"""Household assignments: an admin assigns the sampled households of a village to surveyor accounts,
sees them with their visits and final outcome, and reassigns them.

Households come from typed codes (``survey.collect.assignments.typed_households``) or the file of
``python -m sampling households`` (``read_household_list``); the store assigns them
(``Store.assign_households``, one audit row) and lists them (``Store.households``).
"""

import pandas as pd
import streamlit as st

from accounts import list_accounts
from analysis.formatting import count
from app import services
from app.auth import require
from app.chrome import staff_chrome
from app.i18n import language, t
from app.safe import plain
from app.table_problems import describe
from app.widgets import campaign_picker
from survey.collect.assignments import (
    HouseholdListError,
    read_household_list,
    typed_households,
)
from survey.collect.dispositions import DISPOSITIONS
from survey.collect.households import HouseholdSpec
from survey.errors import SurveyError

FLASH = "hh.flash"

account = require("admin")
lang = language()
store = services.store()
st.title(t("hh.title"))
staff_chrome()
st.caption(t("hh.intro"))
campaign = campaign_picker(store.campaigns(), key="hh.campaign", label="admin.campaign", empty="admin.no_campaigns",
                           mark_demo=False)
if not campaign.sites:
    st.info(t("hh.no_sites"))
    st.stop()
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)

site_names = {s.code: s.name for s in campaign.sites}
code = st.selectbox(t("hh.site"), list(site_names), format_func=lambda c: f"{c} · {site_names[c]}",
                    key=f"hh.site.{campaign.id}")
surveyors = [a.username for a in list_accounts(store) if a.role == "surveyor" and a.active]
if not surveyors:
    st.warning(t("hh.no_surveyors"))
unassign = t("hh.unassign")


def assign(specs: list[HouseholdSpec], surveyor: str | None, note: str = "") -> None:
    """Assign through the store; on success the page reruns with the count (and ``note``), else says why."""
    try:
        store.assign_households(campaign.id, specs, surveyor=surveyor, actor=account.username)
    except SurveyError as exc:
        st.error(t("hh.error", message=plain(exc)))
        return
    done = t("hh.assigned", n=len(specs), surveyor=surveyor) if surveyor else t("hh.unassigned", n=len(specs))
    st.session_state[FLASH] = f"{done} {note}".strip()
    st.rerun()


# ------------------------------------------------------------------------------------- assign
with st.expander(t("hh.assign"), expanded=True, icon=":material/assignment_ind:"):
    how_words = {"codes": t("hh.how.codes"), "file": t("hh.how.file")}  # translated now: AppTest formats later
    how = st.radio(t("hh.how"), list(how_words), format_func=how_words.__getitem__, horizontal=True, key="hh.how")
    if how == "codes":
        text = st.text_area(t("hh.codes"), key="hh.codes", placeholder="001-020", help=t("hh.codes.help"), height=80)
        address = st.text_input(t("hh.address"), key="hh.address", max_chars=200)
        upload = None
    else:
        upload = st.file_uploader(t("hh.file"), type=["csv", "xlsx"], key="hh.file", help=t("hh.file.help"))
    surveyor = st.selectbox(t("hh.surveyor"), surveyors, key="hh.surveyor", disabled=not surveyors,
                            placeholder=t("hh.surveyor.none"))  # else Streamlit's "No options to select"
    if st.button(t("hh.assign_button"), type="primary", key="hh.assign_button", disabled=not surveyors):
        specs: list[HouseholdSpec] | None = None
        note = ""
        if how == "codes":
            try:
                specs = typed_households(code, text, address)
            except SurveyError as exc:
                st.error(t("hh.error", message=plain(exc)))
        elif upload is None:
            st.error(t("hh.file.needed"))
        else:
            try:
                read = read_household_list(upload.getvalue(), sites={s.code: s.psu for s in campaign.sites},
                                           filename=upload.name)
            except HouseholdListError as exc:
                st.error(t("hh.file.problems") + "  \n" + "  \n".join(plain(describe(p)) for p in exc.problems[:20]))
            else:
                specs = read.of_site(code)
                others = len(read.households) - len(specs)
                if not specs:
                    st.error(t("hh.file.none_here", site=plain(site_names[code]), sites=plain(", ".join(read.sites()))))
                    specs = None
                elif others:
                    note = t("hh.file.others", n=others)
        if specs:
            assign(specs, surveyor, note)

# ------------------------------------------------------------------------------------- list
st.subheader(t("hh.list"))
households = store.households(campaign.id, site_code=code)


def outcome(disposition: str | None) -> str:
    if disposition is None:
        return t("hh.not_visited")
    words = DISPOSITIONS[disposition].zh if lang == "zh" else DISPOSITIONS[disposition].en
    return f"{words}（{disposition}）" if lang == "zh" else f"{words} ({disposition})"


if not households:
    st.caption(t("hh.empty"))
    st.stop()
st.caption(t("hh.summary", n=len(households), assigned=sum(h.assigned_to is not None for h in households),
             visited=sum(h.visits > 0 for h in households), done=sum(h.response_id is not None for h in households)))
st.dataframe(pd.DataFrame({
    t("hh.col.code"): [h.code for h in households],
    t("hh.col.address"): [h.address for h in households],
    t("hh.col.surveyor"): [h.assigned_to or t("hh.not_assigned") for h in households],
    t("hh.col.visits"): [h.visits for h in households],
    t("hh.col.disposition"): [outcome(h.disposition) for h in households],
    t("hh.col.eligible"): [count(h.eligible if h.roster is not None else None) for h in households],
    t("hh.col.interview"): [t("hh.yes") if h.response_id is not None else t("hh.no") for h in households],
}), hide_index=True, width="stretch", key=f"hh.table.{campaign.id}.{code}")

# ------------------------------------------------------------------------------------- reassign
by_code = {h.code: h for h in households}
with st.expander(t("hh.reassign"), icon=":material/swap_horiz:"):
    chosen = st.multiselect(t("hh.reassign.choose"), list(by_code), key=f"hh.reassign.codes.{campaign.id}.{code}",
                            format_func=lambda c: f"{c} · {by_code[c].assigned_to or unassign}", select_all=False,
                            placeholder=t("hh.reassign.placeholder") if by_code else t("hh.reassign.empty"))
    target = st.selectbox(t("hh.reassign.to"), [*surveyors, unassign], key="hh.reassign.to")
    if st.button(t("hh.reassign.button"), key="hh.reassign.button"):
        if not chosen:
            st.error(t("hh.reassign.none"))
        else:
            assign([HouseholdSpec(code, c, by_code[c].address) for c in chosen], None if target == unassign else target)
