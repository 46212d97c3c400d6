"""Sign in to the admin area (or, once signed in: who you are, your password, sign out)."""

import streamlit as st

from app import services
from app.auth import client_address, current_account, forget_on_this_browser, remember_on_this_browser, sign_in, sign_out
from app.chrome import staff_chrome
from app.i18n import t
from app.safe import plain
from accounts import DEMO_PASSWORD, AccountError, authenticate, demo_mode, set_password
from accounts import current_account as current_account_of

staff_chrome()
store = services.store()
account = current_account()

if account is None:
    st.title(t("login.title"))
    if demo_mode():
        st.info(t("login.demo", password=DEMO_PASSWORD), icon=":material/science:")
    with st.form("admin.login", border=True, enter_to_submit=True):
        username = st.text_input(t("login.username"), key="admin.login.username", autocomplete="username")
        password = st.text_input(t("login.password"), type="password", key="admin.login.password", autocomplete="current-password")
        submitted = st.form_submit_button(t("login.submit"), type="primary", width="stretch")
    if submitted:
        result = authenticate(store, username, password, client=client_address())
        if result.ok:
            sign_in(result.account)
            st.rerun()
        elif result.reason == "locked":
            st.error(t("login.locked", seconds=result.retry_after), icon=":material/timer:")
        else:
            st.error(t("login.wrong"))
    st.caption(t("login.help"))
    st.stop()

st.title(t("login.signed_in_title"))
remember_on_this_browser(account, st.query_params.get("next") or "login")  # the cookie: a reload stays signed in
st.write(t("login.signed_in", user=plain(account.username), role=t(f"role.{account.role}")))
links = {
    "admin": [("app/pages/admin_campaigns.py", "nav.campaigns"), ("app/pages/admin_new_campaign.py", "nav.new_campaign"),
              ("app/pages/admin_sites.py", "nav.sites"), ("app/pages/admin_surveyor.py", "nav.surveyor"),
              ("app/pages/admin_users.py", "nav.users")],
    "evaluator": [("app/pages/admin_campaigns.py", "nav.campaigns")],
    "surveyor": [("app/pages/admin_surveyor.py", "nav.surveyor")],
}
for path, key in links.get(account.role, []):
    st.page_link(path, label=t(key))

with st.expander(t("login.change_password")):
    with st.form("admin.password", enter_to_submit=False):
        current = st.text_input(t("login.current_password"), type="password", key="admin.password.current")
        new = st.text_input(t("login.new_password"), type="password", key="admin.password.new")
        again = st.text_input(t("login.new_password_again"), type="password", key="admin.password.again")
        change = st.form_submit_button(t("login.change"))
    if change:
        if new != again:
            st.error(t("login.password_mismatch"))
        elif not authenticate(store, account.username, current, client=client_address()).ok:
            st.error(t("login.wrong_current"))
        else:
            try:
                set_password(store, account.username, new, actor=account.username)
                sign_in(current_account_of(store, account.username))  # this session goes on, older ones end
                st.success(t("login.password_changed"))
            except AccountError:
                st.error(t("login.password_short"))

if st.button(t("login.sign_out"), key="admin.sign_out"):
    sign_out()
    forget_on_this_browser()  # the browser deletes the session cookie and opens the login page
    st.info(t("login.signed_out"))
    st.stop()
