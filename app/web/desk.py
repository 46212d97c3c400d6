"""The desk's (Streamlit admin area's) session cookie: two small routes that set and clear it.

A Streamlit script cannot set an HttpOnly cookie, so signing in happens in two steps:

1. the login page (``app/pages/login.py``) checks the password (``accounts.authenticate``, with
   its throttling) and puts the account in the Streamlit session; it then gets a *ticket*
   (:func:`ticket`: the account, signed, valid :data:`TICKET_SECONDS`, usable once) and has the
   browser POST it to ``/desk/session``;
2. ``POST /desk/session`` checks the ticket against the account as stored now, sets the session
   cookie of :mod:`app.web.session` (the one the surveyors' field app uses: HttpOnly, signed,
   one working day, ended by a new ``session_version``) and redirects (303) to the page asked for.

From then on ``app.auth`` reads the cookie on every run (``st.context.cookies``), so a reload or a
bookmark of an admin page stays signed in, and a disabled account or a changed password ends it
at once. ``POST /desk/logout`` deletes the cookie (the sign-out button posts there).

Both routes accept only a POST from this app's own pages (``Origin``/``Sec-Fetch-Site``); the
ticket is one use only and names the account it was made for, so a captured one is worth nothing
after a minute or after its first use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from accounts import Account, still_valid
from app.web import session

TICKET_SECONDS = 60
_CONTEXT = b"tcm-survey/desk-ticket/v1"
_PAGE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")  # a page's url_path (app.navigation)
_USED: dict[str, float] = {}  # ticket nonce -> expiry (one use per ticket, in this process)
_USED_LOCK = threading.Lock()


def _tag(secret: bytes, body: bytes) -> str:
    key = hmac.new(secret, _CONTEXT, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()).rstrip(b"=").decode("ascii")


def ticket(secret: bytes, account: Account, *, now: float | None = None) -> str:
    """A one-use ticket that turns into the session cookie of ``account`` at ``/desk/session``."""
    payload = {"u": account.username, "r": account.role, "v": int(account.session_version),
               "i": int(time.time() if now is None else now), "n": secrets.token_hex(8)}
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=")
    return body.decode("ascii") + "." + _tag(secret, body)


def redeem(store, text: object, secret: bytes, *, now: float | None = None) -> Account | None:  # noqa: ANN001
    """The account of a genuine, fresh, unused ticket, as stored now; None otherwise (the ticket is used up)."""
    if not isinstance(text, str) or text.count(".") != 1 or len(text) > session.MAX_CHARS:
        return None
    body_text, tag = text.split(".")
    body = body_text.encode("ascii", "replace")
    if not hmac.compare_digest(tag.encode("ascii", "replace"), _tag(secret, body).encode("ascii")):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
        account = Account(str(payload["u"]), str(payload["r"]), True, int(payload["v"]))
        issued, nonce = int(payload["i"]), str(payload["n"])
    except (ValueError, KeyError, TypeError):
        return None
    moment = time.time() if now is None else now
    if not issued - 5 <= moment < issued + TICKET_SECONDS:
        return None
    with _USED_LOCK:
        for key in [k for k, expiry in _USED.items() if expiry < moment]:
            del _USED[key]
        if nonce in _USED:
            return None
        _USED[nonce] = issued + TICKET_SECONDS
    return still_valid(store, account)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _own_page(request: Request) -> bool:
    """A POST from this app's own page: ``Sec-Fetch-Site: same-origin`` or an ``Origin`` of this host."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def _to(page: object) -> RedirectResponse:
    return RedirectResponse("/" + (page if isinstance(page, str) and _PAGE.match(page) else "login"), status_code=303)


async def desk_session(request: Request) -> Response:
    from app import services

    if not _own_page(request):
        return PlainTextResponse("Forbidden", status_code=403)
    form = await request.form(max_files=0, max_fields=10, max_part_size=2048)
    account = await run_in_threadpool(redeem, services.store(), form.get("ticket"), services.secret())
    if account is None:
        return _to("login")
    response = _to(form.get("next"))
    session.set_cookie(response, services.secret(), account, secure=_secure(request))
    return response


async def desk_logout(request: Request) -> Response:
    if not _own_page(request):
        return PlainTextResponse("Forbidden", status_code=403)
    response = _to("login")
    session.clear_cookie(response, secure=_secure(request))
    return response


def desk_routes() -> list[Route]:
    return [Route("/desk/session", desk_session, methods=["POST"]), Route("/desk/logout", desk_logout, methods=["POST"])]


__all__ = ["TICKET_SECONDS", "desk_routes", "redeem", "ticket"]
