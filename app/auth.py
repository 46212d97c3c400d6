"""Who is signed in to this session, and the guard every admin-area page starts with.

The account lives in session state and in the signed HttpOnly session cookie of
:mod:`app.web.session` (the one the surveyors' field app uses): the login page has the browser
turn a one-use ticket into that cookie (:func:`remember_on_this_browser`, ``POST /desk/session``
of :mod:`app.web.desk`), and every run without an account in session state reads the cookie
(``st.context.cookies``), so a reload, a new tab or a bookmark of an admin page stays signed in.
Signing out forgets the account and has the browser delete the cookie (``POST /desk/logout``).
Pages of the admin area call :func:`require` first, on top of the navigation leaving them out,
so even a page reached some other way shows nothing without the right role.

On every run the session's account is compared with the database: once the account is
disabled, removed, or its password or role changed (its ``session_version`` moved on), the
session is signed out and the page refuses, in every open tab, on every replica.
"""

from __future__ import annotations

import html
import json

import streamlit as st

from app.i18n import t
from accounts import Account, still_valid

USER_KEY = "auth.account"
HANDOFF_KEY = "auth.handoff"  # signed in (or password changed) on this run: the cookie is to be (re)set
SIGNED_OUT_KEY = "auth.signed_out"  # signed out in this session: the cookie being deleted no longer counts


def _cookie_account() -> Account | None:
    """The account the request's session cookie signs in, as stored now (None without a genuine one)."""
    from app import services
    from app.web import session

    try:
        value = st.context.cookies.get(session.COOKIE)
    except Exception:  # noqa: BLE001 - no request context (scripts, tests)
        return None
    return session.check(services.store(), value, services.secret()) if value else None


def current_account() -> Account | None:
    """The signed-in account, if it is still valid as stored now (else the session is signed out);
    without one in session state, the one the session cookie names (checked the same way)."""
    account = st.session_state.get(USER_KEY)
    if not isinstance(account, Account):
        if st.session_state.get(SIGNED_OUT_KEY):
            return None
        account = _cookie_account()
        if account is not None:
            st.session_state[USER_KEY] = account
        return account
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
    """Sign ``account`` in to this session; the login page then sets the cookie (:func:`remember_on_this_browser`)."""
    st.session_state[USER_KEY] = account
    st.session_state[HANDOFF_KEY] = True
    st.session_state.pop(SIGNED_OUT_KEY, None)


def sign_out() -> None:
    """Forget the account in this session (the cookie: :func:`forget_on_this_browser`)."""
    for key in list(st.session_state):
        if key == USER_KEY or str(key).startswith(("admin.", "form.surveyor.")):
            del st.session_state[key]
    st.session_state[SIGNED_OUT_KEY] = True


def _post(action: str, fields: dict[str, str]) -> None:
    """Have the browser POST ``fields`` to ``action`` (a route of app.web.desk) and follow its redirect."""
    inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items())
    st.html(f'<form id="desk-post" method="post" action="{html.escape(action)}" style="display:none">{inputs}</form>'
            f"<script>document.getElementById({json.dumps('desk-post')}).submit();</script>",
            unsafe_allow_javascript=True)


def remember_on_this_browser(account: Account, next_page: str = "login") -> None:
    """After :func:`sign_in`: turn a one-use ticket into the session cookie, then open ``next_page``."""
    if not st.session_state.pop(HANDOFF_KEY, False):
        return
    from app import services
    from app.web.desk import ticket

    _post("/desk/session", {"ticket": ticket(services.secret(), account), "next": next_page})


def forget_on_this_browser() -> None:
    """After :func:`sign_out`: delete the session cookie (the browser then opens the login page)."""
    _post("/desk/logout", {})


def require(*roles: str) -> Account:
    """The signed-in account if its role is one of ``roles``; else a refusal, and the page stops."""
    account = current_account()
    if account is None or account.role not in roles:
        st.error(t("auth.refused"), icon=":material/lock:")
        st.stop()
    return account
