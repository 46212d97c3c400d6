"""A signed session cookie that survives a reload: the surveyors' field app uses it, and the
Streamlit pages can use the same one (``read_cookie`` on a request's cookies, ``still_signed_in``
on every run).

The cookie ``tcm_session`` is ``<base64url JSON>.<tag>``: the JSON holds the user name, role,
``session_version`` (``accounts``) and the time it was issued; the tag is HMAC-SHA256 keyed from
the app secret (a key of its own, derived with a context string, so no other signed value of the
app can pass for a session). It is HttpOnly (no script reads it), SameSite=Lax by default (Strict
where a page is never reached from a link on another site), Secure when the request came over
https, and valid :data:`SESSION_SECONDS` (one working day) from sign-in.

It is checked against the account on every request (:func:`check`): a disabled or deleted
account, a changed password, role or state (a new ``session_version``, as ``accounts`` increments
on each) ends the session at once, exactly as for the Streamlit login of ``app.auth``. Signing out
deletes the cookie on that phone; a copy taken before stays valid until it expires or the account
changes, so "sign out everywhere" is a password change.

>>> from accounts import Account
>>> value = issue(b"s" * 32, Account("ann", "surveyor", True, 3), now=1000.0)
>>> read(value, b"s" * 32, now=1001.0)
Claim(username='ann', role='surveyor', session_version=3, issued_at=1000)
>>> read(value, b"s" * 32, now=1000.0 + SESSION_SECONDS + 1) is None
True
>>> read(value[:-2] + "AA", b"s" * 32, now=1001.0) is None
True
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

from accounts import Account, still_valid

COOKIE = "tcm_session"
SESSION_SECONDS = 12 * 3600  # one working day, a long one in the field included
MAX_CHARS = 600
_CONTEXT = b"tcm-survey/session/v1"


@dataclass(frozen=True)
class Claim:
    """What a genuine, unexpired cookie says (not yet checked against the account)."""

    username: str
    role: str
    session_version: int
    issued_at: int

    @property
    def account(self) -> Account:
        return Account(self.username, self.role, True, self.session_version)


def _tag(secret: bytes, body: bytes) -> str:
    key = hmac.new(secret, _CONTEXT, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()).rstrip(b"=").decode("ascii")


def issue(secret: bytes, account: Account, *, now: float | None = None) -> str:
    """The cookie value for ``account`` signed in at ``now``."""
    payload = {"u": account.username, "r": account.role, "v": int(account.session_version),
               "i": int(time.time() if now is None else now)}
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=")
    return body.decode("ascii") + "." + _tag(secret, body)


def read(text: object, secret: bytes, *, now: float | None = None) -> Claim | None:
    """The claim of a genuine cookie issued less than :data:`SESSION_SECONDS` ago (and not in
    the future); None for anything else (missing, edited, forged, expired, malformed)."""
    if not isinstance(text, str) or text.count(".") != 1 or len(text) > MAX_CHARS:
        return None
    body_text, tag = text.split(".")
    body = body_text.encode("ascii", "replace")
    if not hmac.compare_digest(tag.encode("ascii", "replace"), _tag(secret, body).encode("ascii")):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
        claim = Claim(str(payload["u"]), str(payload["r"]), payload["v"], payload["i"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (claim.session_version, claim.issued_at)):
        return None
    moment = time.time() if now is None else now
    if not claim.issued_at - 300 <= moment < claim.issued_at + SESSION_SECONDS:  # 5 minutes of clock skew between replicas
        return None
    return claim


def check(store, text: object, secret: bytes, *, now: float | None = None) -> Account | None:  # noqa: ANN001 (a Store)
    """The account a cookie signs in, as stored now; None when the cookie is not genuine or
    expired, or the account is gone, disabled or changed since (``accounts.still_valid``)."""
    claim = read(text, secret, now=now)
    return None if claim is None else still_valid(store, claim.account)


def read_cookie(store, cookies: Mapping[str, str], secret: bytes, *, now: float | None = None) -> Account | None:  # noqa: ANN001
    """:func:`check` of the session cookie among a request's ``cookies``."""
    return check(store, cookies.get(COOKIE), secret, now=now)


def cookie_options(*, secure: bool, samesite: str = "lax") -> dict[str, object]:
    """The attributes of the session cookie (for Starlette's ``Response.set_cookie``)."""
    if samesite not in ("lax", "strict"):
        raise ValueError("samesite must be 'lax' or 'strict'")
    return {"key": COOKIE, "max_age": SESSION_SECONDS, "httponly": True, "samesite": samesite, "secure": secure, "path": "/"}


def set_cookie(response, secret: bytes, account: Account, *, secure: bool, samesite: str = "lax") -> None:  # noqa: ANN001
    """Sign ``account`` in on ``response`` (a Starlette response)."""
    response.set_cookie(value=issue(secret, account), **cookie_options(secure=secure, samesite=samesite))


def clear_cookie(response, *, secure: bool) -> None:  # noqa: ANN001
    """Sign out on this browser: the cookie is deleted."""
    response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="lax")


__all__ = ["COOKIE", "SESSION_SECONDS", "Claim", "check", "clear_cookie", "cookie_options", "issue", "read", "read_cookie",
           "set_cookie"]
