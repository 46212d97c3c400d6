"""Accounts of the admin area: add one, reset a password, disable an account (admins only)."""

import pandas as pd
import streamlit as st

from app import services
from app.auth import require, sign_in
from app.chrome import staff_chrome
from app.i18n import t
from accounts import ROLES, AccountError, create_account, current_account, list_accounts, set_active, set_password, set_role

me = require("admin")
store = services.store()
st.title(t("admin.users.title"))
staff_chrome()
accounts = list_accounts(store)
st.dataframe(
    pd.DataFrame(
        [{t("admin.users.col.name"): a.username, t("admin.users.col.role"): t(f"role.{a.role}"), t("admin.users.col.active"): a.active}
         for a in accounts]
    ),
    hide_index=True,
    width="stretch",
)


def failed(exc: Exception) -> None:
    st.error(t("admin.users.error"))
    st.code(str(exc), language=None)


with st.expander(t("admin.users.add")):
    with st.form("admin.users.add", enter_to_submit=False, clear_on_submit=True):
        name = st.text_input(t("admin.users.col.name"), max_chars=64)
        role = st.selectbox(t("admin.users.role"), ROLES, index=ROLES.index("surveyor"), format_func=lambda r: t(f"role.{r}"))
        password = st.text_input(t("admin.users.password"), type="password")
        if st.form_submit_button(t("admin.users.add_button"), type="primary"):
            try:
                created = create_account(store, name, role, password, actor=me.username)
                st.toast(t("admin.users.added", name=created.username))
                st.rerun()
            except AccountError as exc:
                failed(exc)

with st.expander(t("admin.users.manage")):
    name = st.selectbox(t("admin.users.choose"), [a.username for a in accounts], key="admin.users.choose")
    chosen = next(a for a in accounts if a.username == name)
    with st.form(f"admin.users.manage.{name}", enter_to_submit=False):
        role = st.selectbox(t("admin.users.role"), ROLES, index=ROLES.index(chosen.role), format_func=lambda r: t(f"role.{r}"))
        password = st.text_input(t("admin.users.new_password"), type="password")
        active = st.checkbox(t("admin.users.active"), value=chosen.active)
        if st.form_submit_button(t("admin.users.save"), type="primary"):
            if name == me.username and (not active or role != "admin"):
                st.error(t("admin.users.self"))
            else:
                try:
                    if password:
                        set_password(store, name, password, actor=me.username)
                    set_role(store, name, role, actor=me.username)
                    set_active(store, name, active, actor=me.username)
                    if name == me.username:  # a new password ends the other sessions, not this one
                        sign_in(current_account(store, name))
                    st.toast(t("admin.users.saved"))
                    st.rerun()
                except AccountError as exc:
                    failed(exc)
