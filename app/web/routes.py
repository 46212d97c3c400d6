"""The front door: the respondent form at ``/?t=<token>`` as plain HTML, and its helper routes.

``streamlit_app.py`` gives :func:`routes` and :func:`middleware` to ``st.App``. :class:`FrontDoor`
sends a request for the app's root with a ``t`` query parameter (the link in every poster's QR
code) to :func:`form`; everything else goes on to Streamlit.

A form is a sequence of full-page POSTs to the same URL, one per screen (introduction, each
section, submit); the sealed state (``app.web.state``) travels in the page, so the server keeps
nothing between requests. Skip logic, validation, scoring, token checks and storing are those of
``survey`` (``survey.collect.flow.view``: one walk of the questionnaire per request, read by
small handlers, one per action; ``survey.questionnaire.scoring``, ``Store.check_token`` and
``Store.submit`` with the form's nonce: a repeat stores nothing).

Other routes: ``/form/static/...`` (style sheet, script, icon), ``/favicon.ico``,
``/form/preview/<questionnaire id>`` (the same renderer, nothing stored; answer keys only with an
admin's ``keys`` grant, ``app.web.grants``).

Surveyor mode: ``/?t=<token>&g=<grant>`` (a link made by the surveyor page) sets the surveyor
cookie and redirects to ``/?t=<token>&by=surveyor``; that form stores with ``source="surveyor"``
and asks how the form is being filled (paradata ``mode``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from app import services
from app.web import done, grants, reply, steps
from app.web.desk import desk_routes
from app.web.field import field_routes
from app.web.field_sync import form_household, form_surveyor
from app.web.cookies import csrf_value, secure as _secure, with_cookies as _with_cookies, with_device as _with_device
from app.web.pages import lang_of as _lang, notice as _notice, page as _page, refused as _refused, screen as _screen, thanks as _thanks
from app.web.pages import too_large
from app.web.security import CSRF_COOKIE, TooLarge, csrf_ok
from app.web.state import FormState, Target, open_state
from app.web.views import STATIC, Context, preview_sections, render
from app.web.workers import Workers
from survey.campaign import Campaign
from survey.errors import SurveyError
from survey.questionnaire import pick
from survey.collect.flow import INTRO
from survey.campaign.tokens import check_token, parse_token

log = logging.getLogger(__name__)
CAMPAIGN_SECONDS = 5.0  # a campaign read from the store is reused this long (closing still refuses at submit)


# ------------------------------------------------------------------------------ campaigns


def _now() -> float:
    """The clock of :class:`_Recent` (monotonic seconds)."""
    return time.monotonic()


class _Recent:
    """Values read from the store, each kept for CAMPAIGN_SECONDS from when it was read (at most
    ``size``; all dropped beyond that). Keys hold the store itself, whose identity is not reused."""

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._cache: dict[tuple, tuple[float, object]] = {}

    def remember(self, key: tuple, value: object) -> None:
        with self._lock:
            if len(self._cache) > self._size:
                self._cache.clear()
            self._cache[key] = (_now(), value)

    def recent(self, key: tuple) -> Any:
        """The value if it was read less than CAMPAIGN_SECONDS ago, else None."""
        hit = self._cache.get(key)
        return None if hit is None or _now() - hit[0] >= CAMPAIGN_SECONDS else hit[1]


#: campaigns by (store, id): a form's screens do not each read the campaign
CAMPAIGNS = _Recent(256)
#: the target of a respondent's own form by (store, secret, token): a form's later POSTs skip the
#: token's MAC and the look-ups of its site, instrument and questionnaire (about 40 us each). The
#: same token text under the same secret checks the same way; the campaign's dates are checked
#: again on every use (:func:`_cached_target`), and the store refuses a closed campaign at submit
#: whatever this holds.
TARGETS = _Recent(1024)


# ------------------------------------------------------------------------------ responses


# ------------------------------------------------------------------------------ the form


def _target(request: Request, token: str, lang: str) -> Target | Response:
    """The form a token opens, or the page refusing it (nothing is stored)."""
    store = services.store()
    secret = services.secret()
    check = store.check_token(token, secret)
    if not check.ok:
        return _refused(lang, check.reason, check.campaign)
    CAMPAIGNS.remember((store, check.campaign.id), check.campaign)  # later screens of this form reuse it for a few seconds
    return _target_from(request, token, check, store, secret, lang)


def _cached_target(request: Request, token: str, lang: str) -> Target | Response:
    """As :func:`_target`, reusing a campaign read in the last few seconds (later screens); a
    respondent's own form (no surveyor, no household) reuses its whole target (:data:`TARGETS`)."""
    plain = "by" not in request.query_params and "hh" not in request.query_params
    store = services.store()
    secret = services.secret()
    if plain:
        target = TARGETS.recent((store, secret, token))
        if target is not None and target.campaign.accepts() is None:  # its dates, as check_token reads them
            return target
    parsed = parse_token(token)
    if parsed is not None:
        campaign = CAMPAIGNS.recent((store, parsed[0].campaign_id))
        if campaign is not None:
            check = check_token(token, secret, lambda _id: campaign)
            if check.ok:
                target = _target_from(request, token, check, store, secret, lang)
                if plain and isinstance(target, Target):
                    TARGETS.remember((store, secret, token), target)
                return target
    return _target(request, token, lang)


def _target_from(request: Request, token: str, check, store, secret: bytes, lang: str) -> Target | Response:  # noqa: ANN001
    campaign = check.campaign
    instrument = campaign.instrument(check.payload.instrument)
    site = campaign.site(check.payload.site_code)
    questionnaire = store.questionnaire(instrument.version_hash)
    by_surveyor = request.query_params.get("by") == "surveyor"  # the surveyor page's grant, or the field app's session
    surveyor = form_surveyor(request, store, secret, campaign.id) if by_surveyor else None
    household = form_household(store, campaign, site.code, surveyor, request.query_params.get("hh"))
    if (by_surveyor and surveyor is None) or household is False:
        return _notice(lang, Context(lang).t("respond.unavailable"), Context(lang).t("respond.surveyor.login"), status=403)
    return Target(token, campaign, site, instrument, questionnaire, surveyor, household or None)


def _handle_get(request: Request, token: str) -> Response:
    lang = _lang(request.query_params.get("lang"))
    grant = request.query_params.get("g")
    if grant is not None:  # a surveyor's link: keep the grant in an HttpOnly cookie, not in the URL
        cookie = grants.redeem_surveyor_link(services.store(), services.secret(), grant, token)
        if cookie is None:
            ctx = Context(lang)
            return _notice(lang, ctx.t("respond.unavailable"), ctx.t("respond.surveyor.login"), status=403)
        response = RedirectResponse("/?" + urlencode({"t": token, "by": "surveyor"}), status_code=303)
        response.set_cookie(grants.COOKIE_NAME, cookie, max_age=grants.COOKIE_SECONDS, httponly=True, samesite="strict",
                            secure=_secure(request), path="/")
        return response
    screen_address = done.STATE_PARAM in request.query_params  # a later screen (no script): reuse a recent campaign read
    target = (_cached_target if screen_address else _target)(request, token, lang)
    if isinstance(target, Response):
        return target
    csrf = csrf_value(request)
    shown = done.shown(request, target, csrf) if screen_address else None
    if shown is not None:  # a screen's address (no script): that screen, or the thank-you page once stored
        return _with_cookies(shown, request, csrf)
    state = FormState.new(lang=lang, mode="read_aloud" if target.surveyor else "self")
    return _with_cookies(_page(_screen(target, state, csrf)), request, csrf)


def _expired(lang: str, link: str, status: int) -> HTMLResponse:
    """A page whose CSRF value or sealed state does not hold: start again from ``link``."""
    ctx = Context(lang)
    return _notice(lang, ctx.t("respond.unavailable"), ctx.t("respond.expired"), link=link, link_text=ctx.t("respond.restart"),
                   status=status)


def _handle_post(request: Request, token: str, form: FormData) -> Response:
    """A form's POST: check its CSRF value, token and sealed state, then hand it to its action's handler."""
    lang = _lang(form.get("lang") if isinstance(form.get("lang"), str) else None)
    if not csrf_ok(request.cookies, form.get("csrf") if isinstance(form.get("csrf"), str) else None, request.headers):
        return _expired(lang, "/?" + urlencode({"t": token}), 403)
    target = _cached_target(request, token, lang)
    if isinstance(target, Response):
        return target
    state = open_state(form.get("state"), services.secret(), target.binding)
    if state is None:
        return _expired(lang, target.url, 400)
    action = form.get("action")
    action = action if isinstance(action, str) else "next"
    post = steps.Post(request, target, form, request.cookies[CSRF_COOKIE], state, time.time())
    if action == "resume":
        return steps.resume(post)
    if action == "reply":  # the thank-you page's reply number to a complaint (app.web.reply)
        return _page(_thanks(target, state, post.csrf, *reply.reply(services.store(), target, state, form)))
    section_id = target.questionnaire.sections[state.step].id if state.step != INTRO else None
    post = replace(post, state=state.timed(section_id, post.now))
    if action.startswith("lang_"):
        return steps.language(post, action)
    if action == "another" and target.surveyor:
        return steps.another(post)
    if state.step == INTRO:
        return steps.intro(post, action)
    if action == "back":
        return steps.back(post)
    if action == "change":
        return steps.change(post)
    return steps.advance(post, action)


MAX_FIELDS = 400  # fields of a form POST (a part's questions and a multiple choice's options)
MAX_FIELD_BYTES = 16 * 1024  # one field, name and value as posted


def parse_urlencoded(body: bytes) -> FormData:
    """The fields of an ``application/x-www-form-urlencoded`` body, as ``request.form()`` gives them
    (``+`` and ``%xx`` decoded as UTF-8), in one pass of C string methods instead of a parser that
    calls back per field; MultiPartException over :data:`MAX_FIELDS` fields or a field over
    :data:`MAX_FIELD_BYTES` bytes, as ``request.form()`` with those limits."""
    items = []
    for part in body.split(b"&"):
        if not part:
            continue
        if len(items) >= MAX_FIELDS:
            raise MultiPartException(f"Too many fields. Maximum number of fields is {MAX_FIELDS}.")
        name, _, value = part.partition(b"=")
        if len(name) + len(value) > MAX_FIELD_BYTES:
            raise MultiPartException(f"Field exceeded maximum size of {MAX_FIELD_BYTES // 1024}KB.")
        items.append((unquote_plus(name.decode("latin-1")), unquote_plus(value.decode("latin-1"))))
    return FormData(items)


async def _form_data(request: Request) -> FormData:
    """The POST's fields: a url-encoded body (what the form's pages post) by :func:`parse_urlencoded`,
    anything else (multipart: no file part allowed) by Starlette's parser with the same limits."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return parse_urlencoded(await request.body())
    return await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)


FORM_THREADS = 32  # the form's requests at once in worker threads (they wait on the store; the rest is CPU under the GIL)
_FORM_WORKERS = Workers(FORM_THREADS, "form")


async def form(request: Request) -> Response:
    """``GET``/``POST`` ``/?t=<token>``: one screen of the form."""
    token = request.query_params.get("t", "")
    try:
        if request.method == "POST":
            try:
                form_data = await _form_data(request)
            except (HTTPException, MultiPartException, TooLarge):  # a file part, 401 fields, a huge part or body
                return too_large(Context(_lang(request.query_params.get("lang"))))
            return _with_device(await _FORM_WORKERS.run(_handle_post, request, token, form_data), request)
        return await _FORM_WORKERS.run(_handle_get, request, token)
    except SurveyError:
        log.exception("the form could not reach the store")
        lang = _lang(request.query_params.get("lang"))
        ctx = Context(lang)
        return _notice(lang, ctx.t("respond.unavailable"), ctx.t("respond.error.store"), status=503)


# ------------------------------------------------------------------------------ preview


def _preview(request: Request) -> Response:
    from survey.questionnaire.catalog import shipped_questionnaires

    lang = _lang(request.query_params.get("lang"))
    questionnaires = shipped_questionnaires()
    q = questionnaires.get(request.path_params["questionnaire"])
    ctx = Context(lang)
    if q is None:
        return _notice(lang, ctx.t("respond.unavailable"), ctx.t("respond.token.unknown_instrument"), status=404)
    grant = request.query_params.get("g")
    keys = False
    if grant:
        granted = grants.check(grant, services.secret(), "keys")
        keys = granted is not None and grants.still_allowed(services.store(), granted[0], "keys")
    html = render("preview.html", ctx, page="preview", title=pick(q.title, lang),
                  introduction=[p for p in pick(q.introduction, lang).split("\n") if p.strip()],
                  sections=preview_sections(q, lang, keys=keys), keys=keys,
                  keys_param=("&g=" + grant) if keys and grant else "")
    return _page(html)


async def preview(request: Request) -> Response:
    """``GET /form/preview/<questionnaire>``: every question with live skip logic; nothing stored."""
    return await run_in_threadpool(_preview, request)


# ------------------------------------------------------------------------------ static

_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
                 ".png": "image/png"}


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in _STATIC_TYPES or not path.is_file():
        return Response("Not Found", status_code=404)
    response = FileResponse(path, media_type=_STATIC_TYPES[path.suffix])
    response.headers["cache-control"] = "public, max-age=86400"
    return response


async def favicon(request: Request) -> Response:
    response = FileResponse(STATIC / "icon.png", media_type="image/png")
    response.headers["cache-control"] = "public, max-age=86400"
    return response


def routes() -> list[Route]:
    """The routes ``st.App`` serves next to Streamlit's."""
    return [
        *field_routes(), *desk_routes(),
        Route("/form/static/{name}", static, methods=["GET", "HEAD"]),
        Route("/form/preview/{questionnaire}", preview, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET", "HEAD"]),
        Route("/favicon.png", favicon, methods=["GET", "HEAD"]),
    ]


class FrontDoor:
    """ASGI middleware: ``/`` with ``?t=`` goes to :func:`form`, all else to Streamlit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") in ("/", "") and b"t=" in scope.get("query_string", b""):
            query = parse_qs(scope["query_string"].decode("latin-1"))
            if "t" in query and scope.get("method") in ("GET", "HEAD", "POST"):
                response = await form(Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def middleware() -> list:
    """The middleware ``st.App`` puts around Streamlit's (outermost first)."""
    from starlette.middleware import Middleware

    from app.web.security import Compression, Hardening

    return [Middleware(Hardening, too_large=lambda scope: too_large(Context("zh"))), Middleware(Compression), Middleware(FrontDoor)]


__all__ = ["FrontDoor", "form", "middleware", "preview", "routes"]
