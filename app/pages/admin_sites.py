"""Sites and quotas of a campaign: change a site's name and quotas, add a site, remove an unused one."""

import pandas as pd
import streamlit as st

from app import services
from app.auth import require
from app.chrome import staff_chrome
from app.i18n import language, t
from app.widgets import campaign_picker
from survey.campaign import SITE_KINDS, SiteSpec
from survey.errors import SurveyError
from survey.questionnaire import pick

account = require("admin")
lang = language()
store = services.store()
st.title(t("admin.sites.title"))
staff_chrome()
campaign = campaign_picker(store.campaigns(), key="admin.campaign", label="admin.campaign", empty="admin.no_campaigns",
                           mark_demo=False)
counts = store.response_counts(campaign.id)


def failed(exc: Exception) -> None:
    st.error(t("admin.sites.error"))
    st.code(str(exc), language=None)


st.dataframe(
    pd.DataFrame(
        [
            {
                t("admin.col.site"): s.code,
                t("admin.col.name"): s.name,
                t("admin.col.stratum"): s.stratum,
                t("admin.col.psu"): s.psu,
                t("admin.col.kind"): SITE_KINDS[s.kind][lang],
                **{t("admin.sites.quota_for", title=pick(i.title, lang)): s.quotas.get(i.questionnaire_id) for i in campaign.instruments},
                t("admin.col.count"): sum(n for (code, _), n in counts.items() if code == s.code),
            }
            for s in campaign.sites
        ]
    ),
    hide_index=True,
    width="stretch",
)

if campaign.sites:
    with st.expander(t("admin.sites.edit"), expanded=True):
        code = st.selectbox(t("admin.sites.choose"), [s.code for s in campaign.sites],
                            format_func=lambda c: f"{c} · {campaign.site(c).name}", key="admin.sites.code")
        site = campaign.site(code)
        with st.form(f"admin.sites.edit.{campaign.id}.{code}", enter_to_submit=False):
            name = st.text_input(t("admin.col.name"), value=site.name, max_chars=120)
            quotas = {
                i.questionnaire_id: st.number_input(
                    t("admin.sites.quota_for", title=pick(i.title, lang)), min_value=0, step=1,
                    value=int(site.quotas.get(i.questionnaire_id, 0)),
                )
                for i in campaign.instruments
            }
            if st.form_submit_button(t("admin.sites.save"), type="primary"):
                try:
                    store.update_site(campaign.id, code, actor=account.username, name=name, quotas={k: int(v) for k, v in quotas.items() if v})
                    st.toast(t("admin.sites.saved"))
                    st.rerun()
                except SurveyError as exc:
                    failed(exc)

with st.expander(t("admin.sites.add")):
    with st.form(f"admin.sites.add.{campaign.id}", enter_to_submit=False, clear_on_submit=True):
        code = st.text_input(t("admin.sites.code"), max_chars=16)
        name = st.text_input(t("admin.col.name"), max_chars=120)
        stratum = st.text_input(t("admin.col.stratum"), max_chars=60)
        psu = st.text_input(t("admin.col.psu"), max_chars=60)
        kind = st.selectbox(t("admin.col.kind"), list(SITE_KINDS), format_func=lambda k: SITE_KINDS[k][lang])
        quotas = {
            i.questionnaire_id: st.number_input(t("admin.sites.quota_for", title=pick(i.title, lang)), min_value=0, step=1, value=0)
            for i in campaign.instruments
        }
        if st.form_submit_button(t("admin.sites.add_button"), type="primary"):
            try:
                spec = SiteSpec(code.strip(), name.strip(), stratum.strip(), kind, psu=psu.strip(),
                                quotas={k: int(v) for k, v in quotas.items() if v})
                store.add_site(campaign.id, spec, actor=account.username)
                st.toast(t("admin.sites.added", code=spec.code))
                st.rerun()
            except SurveyError as exc:
                failed(exc)

unused = [s.code for s in campaign.sites if not any(n for (c, _), n in counts.items() if c == s.code)]
if unused:
    with st.expander(t("admin.sites.remove")):
        code = st.selectbox(t("admin.sites.choose"), unused, key="admin.sites.remove_code")
        if st.button(t("admin.sites.remove_button"), key="admin.sites.remove_button", icon=":material/delete:"):
            try:
                store.remove_site(campaign.id, code, actor=account.username)
                st.toast(t("admin.sites.removed", code=code))
                st.rerun()
            except SurveyError as exc:
                failed(exc)
