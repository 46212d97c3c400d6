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
    """What identifies the browser for the login throttle (``app.clients``): the connection's
    address, or behind the configured reverse proxy the address it forwards. None when unknown
    (then only the per-name limit applies)."""
    from app.clients import client_address as address_of

    try:
        headers = st.context.headers
        peer = _peer()
    except Exception:  # no request context (scripts, tests)
        return None
    return address_of(peer, lambda name: headers.get(name) if isinstance(headers.get(name), str) else None)


def _peer() -> str | None:
    """The connection's address; ``st.context.ip_address`` hides a loopback one (the proxy's)."""
    try:
        from streamlit.runtime.context import _get_client_context

        context = _get_client_context()
        if context is not None:
            return context.remote_ip
    except ImportError:  # another Streamlit: its public value (None for loopback)
        pass
    return st.context.ip_address


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
