"""The app's pages, grouped as they appear in the sidebar (built on every run).

Respondents never reach Streamlit: ``/?t=<token>`` is served as light HTML by ``app.web``.
Two audiences, two page lists:

* a visitor: the public pages and the login page;
* a signed-in user: as well, the pages of their role (admin, evaluator, surveyor). Pages of
  other roles are not in the navigation at all, so no URL reaches them.
"""

from __future__ import annotations

import re

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


def _requested() -> str | None:
    """The page the browser asked for by its address (a reload, a bookmark), None on a rerun."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is None or getattr(manager, "intended_page_script_hash", None):
        return None
    name = getattr(manager, "intended_page_name", None)
    return name if isinstance(name, str) and name else None


def _url_paths(sections: dict[str, list[st.Page]]) -> set[str]:
    return {page.url_path for group in sections.values() for page in group}


def not_found_page(name: str, signed_in: bool) -> st.Page:
    """A page for an address no page of this session has: where to go, in words (instead of
    Streamlit's English "Page not found" over the home page)."""
    staff = {page.url_path: page.title for group in staff_pages("admin").values() for page in group}
    staff.update({page.url_path: page.title for group in staff_pages("surveyor").values() for page in group})

    def show() -> None:
        from app.chrome import staff_chrome

        staff_chrome()
        st.title(t("nav.not_found.title"))
        if name in staff and not signed_in:
            st.warning(t("nav.not_found.sign_in", page=staff[name]), icon=":material/lock:")
            st.page_link("app/pages/login.py", label=t("nav.login"), icon=":material/login:", query_params={"next": name})
        elif name in staff:
            st.warning(t("nav.not_found.role", page=staff[name]), icon=":material/lock:")
        else:
            st.info(t("nav.not_found.unknown"), icon=":material/explore:")
        st.page_link("app/pages/home.py", label=t("nav.home"), icon=":material/home:")

    return st.Page(show, title=t("nav.not_found.title"), url_path=name, visibility="hidden")


def navigation() -> StreamlitPage:
    """The navigation for this session: the public pages, and the signed-in role's pages (and,
    for an address none of them has, a hidden page saying where to go)."""
    from app.auth import current_role
    from app.chrome import staff_chrome

    with st.sidebar:
        language_switch()
        staff_chrome()  # on every page, so none shows Streamlit's English toolbar for forgetting to ask
    role = current_role()
    sections = {**pages(), **staff_pages(role)}
    name = _requested()
    if name is not None and name not in _url_paths(sections) and re.fullmatch(r"[A-Za-z0-9_-]{1,60}", name):
        sections[t("nav.section.admin")] = [*sections[t("nav.section.admin")], not_found_page(name, role is not None)]
    return st.navigation(sections, expanded=True)  # every page in view, no "View more"
