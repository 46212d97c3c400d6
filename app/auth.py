"""Who is signed in to this session, and the guard every admin-area page starts with.

The account lives in session state only (a reload or a new tab asks for the password again).
Pages of the admin area call :func:`require` first, on top of the navigation leaving them out,
so even a page reached some other way shows nothing without the right role.
"""

from __future__ import annotations

import streamlit as st

from app.i18n import t
from survey.accounts import Account

USER_KEY = "auth.account"


def current_account() -> Account | None:
    account = st.session_state.get(USER_KEY)
    return account if isinstance(account, Account) else None


def current_role() -> str | None:
    account = current_account()
    return account.role if account else None


def sign_in(account: Account) -> None:
    st.session_state[USER_KEY] = account


def sign_out() -> None:
    for key in list(st.session_state):
        if key == USER_KEY or str(key).startswith(("admin.", "form.surveyor.")):
            del st.session_state[key]


def require(*roles: str) -> Account:
    """The signed-in account if its role is one of ``roles``; else a refusal, and the page stops."""
    account = current_account()
    if account is None or account.role not in roles:
        st.error(t("auth.refused"), icon=":material/lock:")
        st.stop()
    return account
