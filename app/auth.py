"""Who is signed in to this session, and the guard every admin-area page starts with.

The account lives in session state only (a reload or a new tab asks for the password again).
Pages of the admin area call :func:`require` first, on top of the navigation leaving them out,
so even a page reached some other way shows nothing without the right role.

On every run the session's account is compared with the database: once the account is
disabled, removed, or its password or role changed (its ``session_version`` moved on), the
session is signed out and the page refuses, in every open tab, on every replica.
"""

from __future__ import annotations

import streamlit as st

from app.i18n import t
from accounts import Account, still_valid

USER_KEY = "auth.account"


def current_account() -> Account | None:
    """The signed-in account, if it is still valid as stored now (else the session is signed out)."""
    account = st.session_state.get(USER_KEY)
    if not isinstance(account, Account):
        return None
    from app import services

    if still_valid(services.store(), account) is None:
        sign_out()
        return None
    return account


def client_address() -> str | None:
    """What identifies the browser for the login throttle: the connection's address and the
    forwarding headers a reverse proxy adds (spoofed headers only make a new client, which the
    per-name limit still counts). None when unknown (then only the per-name limit applies)."""
    try:
        address = st.context.ip_address
        headers = st.context.headers
        forwarded = (headers.get("X-Forwarded-For") or "", headers.get("X-Real-Ip") or "")
    except Exception:  # no request context (scripts, tests)
        return None
    parts = [value if isinstance(value, str) else "" for value in (address, *forwarded)]
    return "|".join(parts) if any(parts) else None


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
