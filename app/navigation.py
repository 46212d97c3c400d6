"""The app's pages, grouped as they appear in the sidebar (built on every run).

Respondents never reach Streamlit: ``/?t=<token>`` is served as light HTML by ``app.web``.
Two audiences, two page lists:

* a visitor: the public pages and the login page;
* a signed-in user: as well, the pages of their role (admin, evaluator, surveyor). Pages of
  other roles are not in the navigation at all, so no URL reaches them.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from app.i18n import language_switch, t


def pages() -> dict[str, list[st.Page]]:
    return {
        t("nav.section.overview"): [
            st.Page("app/pages/home.py", title=t("nav.home"), icon=":material/home:", url_path="home", default=True),
            st.Page("app/pages/preview.py", title=t("nav.preview"), icon=":material/quiz:", url_path="preview"),
        ],
        t("nav.section.plan"): [st.Page("app/pages/planner.py", title=t("nav.planner"), icon=":material/calculate:", url_path="planner")],
    }


def staff_pages(role: str | None) -> dict[str, list[st.Page]]:
    """The login page, and the admin-area pages a signed-in ``role`` may open."""
    section = t("nav.section.admin")
    out: list[st.Page] = []
    if role in ("admin", "evaluator"):
        out.append(st.Page("app/pages/admin_campaigns.py", title=t("nav.campaigns"), icon=":material/campaign:", url_path="campaigns"))
        out.append(st.Page("app/pages/dashboard.py", title=t("nav.dashboard"), icon=":material/monitoring:", url_path="dashboard"))
        out.append(st.Page("app/pages/review.py", title=t("nav.review"), icon=":material/fact_check:", url_path="review"))
        out.append(st.Page("app/pages/complaints.py", title=t("nav.complaints"), icon=":material/feedback:", url_path="complaints"))
        out.append(st.Page("app/pages/admin_audit.py", title=t("nav.audit"), icon=":material/history:", url_path="audit"))
    if role == "admin":
        out.append(st.Page("app/pages/admin_new_campaign.py", title=t("nav.new_campaign"), icon=":material/add_circle:", url_path="new-campaign"))
        out.append(st.Page("app/pages/admin_sites.py", title=t("nav.sites"), icon=":material/location_on:", url_path="sites"))
        out.append(st.Page("app/pages/admin_households.py", title=t("nav.households"), icon=":material/assignment_ind:",
                           url_path="households"))
    if role == "admin":
        out.append(st.Page("app/pages/import_responses.py", title=t("nav.import"), icon=":material/upload_file:", url_path="import"))
    if role in ("admin", "surveyor"):
        out.append(st.Page("app/pages/admin_surveyor.py", title=t("nav.surveyor"), icon=":material/edit_note:", url_path="surveyor"))
    if role == "admin":
        out.append(st.Page("app/pages/admin_users.py", title=t("nav.users"), icon=":material/group:", url_path="users"))
    out.append(st.Page("app/pages/login.py", title=t("nav.account") if role else t("nav.login"), icon=":material/login:", url_path="login"))
    return {section: out}


def navigation() -> StreamlitPage:
    """The navigation for this session: the public pages, and the signed-in role's pages."""
    from app.auth import current_role

    with st.sidebar:
        language_switch()
    return st.navigation({**pages(), **staff_pages(current_role())}, expanded=True)  # every page in view, no "View more"
