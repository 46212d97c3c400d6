"""Signed, short-lived grants that carry a Streamlit login over to the HTML form routes.

The Streamlit session (``app.auth``) lives in the Streamlit process's memory and the HTML routes
cannot see it. A signed-in page therefore issues a grant: ``<base64url JSON>.<tag>`` with the
account name, its role, what it allows (``surveyor``: fill forms as a surveyor; ``keys``: see
answer keys in the preview) and an expiry, tagged with HMAC-SHA256 keyed from the app secret.

* The surveyor page puts a link grant (valid :data:`LINK_SECONDS`) in the "open the form" link;
  the form route checks it, turns it into an HttpOnly, SameSite=Strict cookie ``tcm_staff``
  valid :data:`COOKIE_SECONDS` and redirects to a URL without it (so it is not left in history).
* The preview page puts a ``keys`` grant in the preview frame's URL; only admins get one.

On every use the account is looked up again: a disabled or demoted account's grant stops working
at once. A grant may carry the account's session version (``v``) and a campaign (``c``): the
surveyor's day cookie carries both, so a password reset (or any change that ends the account's
admin sessions) ends it too, and it fills forms of the campaign its link was made for only.

>>> grant = issue(b"s" * 32, "ann", "surveyor", "surveyor", seconds=60, now=1000.0)
>>> check(grant, b"s" * 32, "surveyor", now=1030.0)
('ann', 'surveyor')
>>> check(grant, b"s" * 32, "surveyor", now=1061.0) is None
True
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time

LINK_SECONDS = 600  # a link from the surveyor or preview page works for 10 minutes
COOKIE_SECONDS = 8 * 3600  # a surveyor's form cookie lasts one working day
COOKIE_NAME = "tcm_staff"
PURPOSES = {"surveyor": ("admin", "surveyor"), "keys": ("admin",)}
_CONTEXT = b"tcm-survey/staff-grant/v1"


def _tag(secret: bytes, body: bytes) -> str:
    key = hmac.new(secret, _CONTEXT, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()[:16]).rstrip(b"=").decode("ascii")


class Grant(tuple):
    """``(username, role)`` of a checked grant, with its ``version`` and ``campaign`` (None: not bound)."""

    version: int | None
    campaign: int | None

    def __new__(cls, username: str, role: str, version: int | None = None, campaign: int | None = None) -> Grant:
        grant = super().__new__(cls, (username, role))
        grant.version, grant.campaign = version, campaign
        return grant


def issue(secret: bytes, username: str, role: str, purpose: str, *, seconds: int = LINK_SECONDS, now: float | None = None,
          version: int | None = None, campaign: int | None = None) -> str:
    """A grant for ``username`` (of ``role``) to do ``purpose`` for ``seconds``; with ``version``
    (the account's session version) and ``campaign`` when given."""
    if role not in PURPOSES.get(purpose, ()):
        raise ValueError(f"a {role} account cannot be granted {purpose!r}")
    expires = int((time.time() if now is None else now) + seconds)
    payload = {"u": username, "r": role, "p": purpose, "x": expires}
    payload.update({k: v for k, v in (("v", version), ("c", campaign)) if v is not None})
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=")
    return body.decode("ascii") + "." + _tag(secret, body)


def check(text: str | None, secret: bytes, purpose: str, *, now: float | None = None) -> Grant | None:
    """(username, role) of a genuine, unexpired grant for ``purpose`` (a :class:`Grant`); else None.

    The caller still checks that the account is active and has that role now (:func:`still_allowed`).
    """
    if not isinstance(text, str) or text.count(".") != 1 or len(text) > 600:
        return None
    body_text, tag = text.split(".")
    body = body_text.encode("ascii", "replace")
    if not hmac.compare_digest(tag, _tag(secret, body)):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
        username, role, granted, expires = payload["u"], payload["r"], payload["p"], payload["x"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
    if granted != purpose or role not in PURPOSES.get(purpose, ()):
        return None
    if not isinstance(expires, int) or expires < (time.time() if now is None else now):
        return None
    version, campaign = payload.get("v"), payload.get("c")
    if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in (version, campaign)):
        return None
    return Grant(str(username), str(role), version, campaign)


def still_allowed(store, username: str, purpose: str, version: int | None = None) -> bool:  # noqa: ANN001 (a Store)
    """True when the account exists, is active and its current role may do ``purpose`` (and,
    when ``version`` is given, its session version is still that one)."""
    from accounts import current_account

    account = current_account(store, username)
    return (account is not None and account.active and account.role in PURPOSES.get(purpose, ())
            and (version is None or account.session_version == version))


def day_cookie_holder(store, secret: bytes, cookie: str | None, campaign_id: int) -> str | None:  # noqa: ANN001
    """The surveyor a day cookie (from :func:`redeem_surveyor_link`) names, when it is genuine,
    for ``campaign_id``, and the account is unchanged since (same session version); else None."""
    granted = check(cookie, secret, "surveyor")
    if granted is None or granted.version is None or granted.campaign != campaign_id:
        return None
    return granted[0] if still_allowed(store, granted[0], "surveyor", granted.version) else None


__all__ = ["COOKIE_NAME", "COOKIE_SECONDS", "LINK_SECONDS", "Grant", "check", "day_cookie_holder", "issue", "still_allowed"]


def redeem_surveyor_link(store, secret: bytes, grant: str, token: str) -> str | None:  # noqa: ANN001 (a Store)
    """The day cookie for a surveyor's signed link (None when the link or the account no longer
    holds); the surveyor starting to fill forms is one ``surveyor.granted`` audit row."""
    from accounts import current_account

    granted = check(grant, secret, "surveyor")
    if granted is None or not still_allowed(store, granted[0], "surveyor", granted.version):
        return None
    payload = store.check_token(token, secret).payload
    account = current_account(store, granted[0])
    if payload is None or account is None or (granted.campaign is not None and granted.campaign != payload.campaign_id):
        return None
    store.record("surveyor.granted", actor=granted[0], campaign_id=payload.campaign_id if payload else None,
                 detail={"role": granted[1], "site": payload.site_code if payload else None, "hours": COOKIE_SECONDS // 3600})
    return issue(secret, granted[0], granted[1], "surveyor", seconds=COOKIE_SECONDS, version=account.session_version,
                 campaign=payload.campaign_id)
