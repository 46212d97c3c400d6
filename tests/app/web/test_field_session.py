"""The signed session cookie of the field app (``app.web.session``): forgery, expiry, revocation."""

from __future__ import annotations

import base64
import json

from accounts import create_account, set_active, set_password, set_role
from app.web import session
from app import services

from .field_helpers import PASSWORD, sign_in

SECRET = b"s" * 32


def _account(store, name="ann", role="surveyor"):  # noqa: ANN001, ANN202
    create_account(store, name, role, PASSWORD, actor="test")
    from accounts import current_account

    return current_account(store, name)


def test_a_genuine_cookie_signs_in_until_one_working_day_has_passed(store):
    account = _account(store)
    value = session.issue(SECRET, account, now=1_000_000.0)
    assert session.check(store, value, SECRET, now=1_000_001.0) == account
    assert session.check(store, value, SECRET, now=1_000_000.0 + session.SESSION_SECONDS - 1) == account
    assert session.check(store, value, SECRET, now=1_000_000.0 + session.SESSION_SECONDS) is None
    assert session.check(store, value, SECRET, now=1_000_000.0 - 3600) is None  # issued "in the future"


def test_a_forged_or_edited_cookie_is_refused(store):
    account = _account(store)
    value = session.issue(SECRET, account)
    body, tag = value.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    for change in ({"u": "admin", "r": "admin"}, {"v": payload["v"] + 1}, {"i": payload["i"] + 10}):
        edited = base64.urlsafe_b64encode(json.dumps({**payload, **change}, separators=(",", ":")).encode()).rstrip(b"=").decode()
        assert session.check(store, edited + "." + tag, SECRET) is None
    assert session.check(store, session.issue(b"x" * 32, account), SECRET) is None  # another secret
    for junk in (None, "", "abc", "a.b.c", value + "x", "." + tag, "x" * 700, value.replace(".", "")):
        assert session.check(store, junk, SECRET) is None


def test_a_password_role_or_state_change_ends_the_session(store):
    account = _account(store)
    for change in (lambda: set_password(store, "ann", "another-password-2", actor="test"),
                   lambda: set_role(store, "ann", "evaluator", actor="test"),
                   lambda: set_active(store, "ann", False, actor="test")):
        value = session.issue(SECRET, account)
        assert session.check(store, value, SECRET) is not None
        change()
        assert session.check(store, value, SECRET) is None
        from accounts import current_account

        set_active(store, "ann", True, actor="test")
        set_role(store, "ann", "surveyor", actor="test")
        account = current_account(store, "ann")


def test_the_cookie_is_httponly_lax_and_secure_on_https(store, client):
    _account(store)
    response = sign_in(client)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(session.COOKIE + "=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert f"Max-Age={session.SESSION_SECONDS}" in cookie and "Secure" not in cookie
    page = client.get("/field")
    secure = client.post("/field/login", headers={"x-forwarded-proto": "https"}, follow_redirects=False,
                         data={"csrf": page.cookies.get("tcm_csrf") or client.cookies.get("tcm_csrf"), "username": "ann", "password": PASSWORD})
    assert "Secure" in secure.headers["set-cookie"]


def test_a_reload_keeps_the_session_and_a_disabled_account_is_signed_out(store, client):
    _account(store)
    sign_in(client)
    assert client.get("/field/tasks").status_code == 200
    assert client.get("/field/tasks").status_code == 200  # a reload: still signed in
    set_active(store, "ann", False, actor="test")
    gone = client.get("/field/tasks", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/field"
    assert "请先登录" in client.get("/field").text


def test_sign_out_deletes_the_cookie(store, client):
    _account(store)
    sign_in(client)
    page = client.get("/field/tasks")
    from .field_helpers import hidden

    out = client.post("/field/logout", data={"csrf": hidden(page.text, "csrf")}, follow_redirects=False)
    assert out.status_code == 303 and 'tcm_session=""' in out.headers["set-cookie"]
    assert client.get("/field/tasks", follow_redirects=False).status_code == 303


def test_sign_in_uses_the_accounts_throttle(store, client, monkeypatch):
    from accounts import ClientThrottle, service

    monkeypatch.setattr(service, "CLIENTS", ClientThrottle())
    _account(store)
    for _ in range(service.CLIENT_FREE_FAILURES):
        assert sign_in(client, password="wrong-password").status_code == 401
    locked = sign_in(client, password="wrong-password")
    assert locked.status_code == 429 and "秒后再试" in locked.text
    assert sign_in(client).status_code == 429  # even the right password waits: nothing is checked while locked
    assert services.store().account("ann") is not None


def test_only_surveyors_and_admins_may_use_the_field_app(store, client):
    _account(store, "eve", "evaluator")
    refused = sign_in(client, "eve")
    assert refused.status_code == 403 and "调查员和管理员" in refused.text
    assert session.COOKIE not in refused.headers.get("set-cookie", "")


def test_a_login_without_the_csrf_value_is_refused(store, client):
    _account(store)
    client.get("/field")
    response = client.post("/field/login", data={"csrf": "nope", "username": "ann", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403 and session.COOKIE not in response.headers.get("set-cookie", "")

