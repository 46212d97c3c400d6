"""HTTP hardening for everything the app serves, as ASGI middleware given to ``st.App``.

:class:`Hardening` (outermost):

* sends ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: SAMEORIGIN``,
  ``Referrer-Policy: same-origin`` and, unless the response has its own policy (the form pages
  send :data:`FORM_CSP`, without inline script), ``Content-Security-Policy: frame-ancestors 'self'``;
* refuses ``/_stcore/metrics`` (404: Streamlit's front end never asks for it; it is for a
  Prometheus scraper, which this app does not have) and answers ``/_stcore/host-config`` only to
  the app's own pages (a same-origin fetch: ``Sec-Fetch-Site: same-origin``, or, from a browser
  without Fetch Metadata, a ``Referer`` on this host). Streamlit's front end fetches host-config
  on every load, so it cannot be refused outright; what it returns is Streamlit's fixed defaults;
* refuses a request body over :data:`MAX_BODY_BYTES` (413), except Streamlit's own file upload
  route, which has its own limit (``server.maxUploadSize``).

:class:`Compression` gzips every response of at least :data:`MIN_GZIP_BYTES` whose client
accepts it, Streamlit's static assets included (Streamlit's own gzip leaves them out), except
media (range requests) and responses already encoded. A smaller one (the short thank-you page, a
notice) fits in one TCP segment with its headers either way: it goes as it is. Compressed static
assets are kept in memory by path: they never change while the process runs (their names carry a
content hash).

CSRF: :func:`csrf_ok` checks a double-submit token (cookie ``tcm_csrf`` = form field ``csrf``)
and that the ``Origin`` header, when a browser sends one, is this host. Both cookies the form sets
(``tcm_csrf``, ``tcm_device``) are 32 hexadecimal digits this server chose (:func:`new_token`);
any other value (set by another app on the domain, or by hand) counts as absent
(:func:`well_formed`) and is replaced.
"""

from __future__ import annotations

import gzip
import hmac
import re
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024  # a form section posts a few kB; text answers are at most 500 characters each
#: Responses below this many bytes are sent as they are: headers and body fit in one TCP segment
#: (about 1,400 bytes) gzipped or not, so compressing them saves no packet (and ~25 us of CPU each).
MIN_GZIP_BYTES = 1024
CSRF_COOKIE = "tcm_csrf"
DEVICE_COOKIE = "tcm_device"
FORM_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'self'"
)
BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "same-origin",
}
_UPLOAD_PATH = "/_stcore/upload_file"  # Streamlit's uploads: /_stcore/upload_file/<session>/<file>


def _same_origin(headers: Headers) -> bool:
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    referer = headers.get("referer")
    return bool(referer) and urlsplit(referer).netloc == headers.get("host")


class Hardening:
    """Security headers, refused internal routes and a body size limit (see the module doc)."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES, too_large=None) -> None:  # noqa: ANN001
        self.app = app
        self.max_body = max_body
        self.too_large = too_large  # the response for a body over the limit (the form's own notice), else plain text

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = Headers(scope=scope)
        if path.endswith("/_stcore/metrics"):
            await self._send(PlainTextResponse("Not Found", status_code=404), scope, receive, send)
            return
        if path.endswith("/_stcore/host-config") and not _same_origin(headers):
            await self._send(PlainTextResponse("Forbidden", status_code=403), scope, receive, send)
            return
        limited = _UPLOAD_PATH not in path
        if limited:
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                await self._send(self._too_large(scope), scope, receive, send)
                return
            receive = self._counting(receive)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in BASE_HEADERS.items():
                    if name not in out:
                        out[name] = value
                if "content-security-policy" not in out:
                    out["content-security-policy"] = "frame-ancestors 'self'"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except TooLarge:
            await self._send(self._too_large(scope), scope, receive, send)

    def _too_large(self, scope: Scope):  # noqa: ANN202
        if self.too_large is not None:
            return self.too_large(scope)
        return PlainTextResponse("Request body too large", status_code=413)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise TooLarge
            return message

        return counted

    async def _send(self, response, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: ANN001
        for name, value in BASE_HEADERS.items():
            response.headers[name] = value
        response.headers["content-security-policy"] = "frame-ancestors 'self'"
        await response(scope, receive, send)


class TooLarge(Exception):
    """A request body went over the limit while it was read."""


class Compression:
    """Gzip for every response (see the module doc); static assets compressed once and kept."""

    def __init__(self, app: ASGIApp, minimum_size: int = MIN_GZIP_BYTES, compresslevel: int = 6) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=compresslevel)
        self.compresslevel = compresslevel
        self.minimum_size = minimum_size
        self._static: dict[str, tuple[int, list[tuple[bytes, bytes]], bytes]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = Headers(scope=scope)
        accepts = "gzip" in headers.get("accept-encoding", "")
        if not accepts or "/media/" in path or headers.get("range"):
            await self.app(scope, receive, send)
            return
        if scope.get("method") == "GET" and "/static/" in path and not scope.get("query_string"):
            await self._static_asset(path, scope, receive, send)
            return
        await self.gzip(scope, receive, send)

    async def _static_asset(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        cached = self._static.get(path)
        if cached is None:
            start: dict = {}
            chunks: list[bytes] = []

            async def collect(message: Message) -> None:
                if message["type"] == "http.response.start":
                    start.update(message)
                elif message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))

            await self.app(scope, receive, collect)
            body = b"".join(chunks)
            status = start.get("status", 500)
            raw_headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length",)]
            already = any(k.lower() == b"content-encoding" for k, _ in raw_headers)
            if status != 200 or already or len(body) < self.minimum_size:
                await send({"type": "http.response.start", "status": status, "headers": [*raw_headers, (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
            compressed = gzip.compress(body, compresslevel=self.compresslevel, mtime=0)
            raw_headers = [*raw_headers, (b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
            cached = (status, raw_headers, compressed)
            if len(self._static) < 512:
                self._static[path] = cached
        status, raw_headers, compressed = cached
        etag = next((v for k, v in raw_headers if k.lower() == b"etag"), None)
        if etag is not None and headers.get("if-none-match") == etag.decode("latin-1"):
            await send({"type": "http.response.start", "status": 304, "headers": [(k, v) for k, v in raw_headers
                                                                                  if k.lower() in (b"etag", b"cache-control", b"vary")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": status, "headers": [*raw_headers, (b"content-length", str(len(compressed)).encode())]})
        await send({"type": "http.response.body", "body": compressed if scope.get("method") != "HEAD" else b""})


_TOKEN = re.compile(r"[0-9a-f]{32}")


def new_token() -> str:
    return secrets.token_hex(16)


def well_formed(value: object) -> bool:
    """True for a cookie value as :func:`new_token` (and ``uuid4().hex``) makes them."""
    return isinstance(value, str) and _TOKEN.fullmatch(value) is not None


def csrf_ok(cookies: Mapping[str, str], form_value: str | None, headers: Headers) -> bool:
    """True for a POST from this app's own page: the double-submit token matches and the
    ``Origin`` (sent by browsers on every POST) is this host."""
    origin = headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != headers.get("host"):
        return False
    cookie = cookies.get(CSRF_COOKIE)
    return well_formed(cookie) and isinstance(form_value, str) and hmac.compare_digest(cookie, form_value)


__all__ = ["CSRF_COOKIE", "Compression", "TooLarge", "DEVICE_COOKIE", "FORM_CSP", "Hardening", "MAX_BODY_BYTES", "csrf_ok", "new_token", "well_formed"]
