"""The form's two cookies: the CSRF token (``tcm_csrf``) and the random device id (``tcm_device``).

Both are 32 hexadecimal digits this server chose. A value of any other shape (set by another app
on the same domain, or by hand: issue 23 item 7 and its CSRF note) counts as absent: the form
issues a new one instead of failing every submit from that browser or adopting a value the
client picked.
"""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import Response

from app.web.security import CSRF_COOKIE, DEVICE_COOKIE, new_token, well_formed

DEVICE_SECONDS = 400 * 86400


def secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def csrf_value(request: Request) -> str:
    """The browser's CSRF token when it is one of ours, else a new one."""
    cookie = request.cookies.get(CSRF_COOKIE)
    return cookie if well_formed(cookie) else new_token()


def device_id(request: Request) -> str | None:
    """The browser's device id when it is one of ours, else None (a new one is set on the answer)."""
    value = request.cookies.get(DEVICE_COOKIE)
    return value if well_formed(value) else None


def with_device(response: Response, request: Request) -> Response:
    """A new device cookie when the browser has none of ours."""
    if device_id(request) is None:
        response.set_cookie(DEVICE_COOKIE, uuid.uuid4().hex, max_age=DEVICE_SECONDS, httponly=True, samesite="lax",
                            secure=secure(request), path="/")
    return response


def with_cookies(response: Response, request: Request, csrf: str) -> Response:
    """``response`` setting the CSRF cookie to ``csrf`` (when the browser has another) and a device id."""
    if request.cookies.get(CSRF_COOKIE) != csrf:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="lax", secure=secure(request), path="/")
    return with_device(response, request)


__all__ = ["DEVICE_SECONDS", "csrf_value", "device_id", "secure", "with_cookies", "with_device"]
