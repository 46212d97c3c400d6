"""The surveyors' field app under ``/field``: light server-rendered HTML, not Streamlit.

Routes (all given to ``st.App`` by ``app.web.routes.routes``):

* ``GET /field``: sign-in (``accounts.authenticate``, with its per-client and per-name throttling;
  CSRF as the respondent form: cookie ``tcm_csrf`` = field ``csrf``, Origin checked), or on to the
  tasks when the session cookie (``app.web.session``) still holds; ``POST /field/login``,
  ``POST /field/logout``;
* ``GET /field/tasks``: 我的入户任务, the surveyor's households in open campaigns by village, each
  with its status in words;
* ``GET|POST /field/h/<campaign>/<household>``: one household: the roster (eligible members, sex
  and age; the member to invite in words), the interview (the respondent form of the household's
  site and the campaign's resident questionnaire in surveyor mode, ``/?t=..&by=surveyor&hh=..``:
  the form stores the interview with the household and records its complete visit), and a visit's
  outcome (buttons with the dispositions' words). A POST answers with a redirect (no "resubmit?"
  on reload);
* ``GET /field/i/<campaign>/<household>``: the whole questionnaire on one page, for an interview
  without signal (the phone keeps it; ``field.js`` queues the answers);
* ``POST /field/sync`` (``app.web.field_sync``), ``GET /field/sw.js`` (the service worker),
  ``GET /field/offline``.

Without JavaScript everything but work without signal works. Every page is under 30 kB compressed.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from accounts import Account, authenticate, demo_mode
from app import services
from app.i18n import translate
from app.web import field_views as fv
from app.web import session
from app.web.field_sync import find, save_roster, save_visit, signed_in, sync
from app.clients import client_address
from app.web.security import CSRF_COOKIE, FORM_CSP, csrf_ok, new_token, well_formed
from app.web.views import STATIC, Context, render
from survey.collect.households import MAX_ROSTER, HouseholdError
from survey.collect.members import ages_words
from survey.errors import SurveyError

LANGS = ("zh", "en")
MESSAGES = ("roster", "visit", "repeat", "interview")


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang")
    return lang if lang in LANGS else "zh"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _csrf(request: Request) -> str:
    cookie = request.cookies.get(CSRF_COOKIE)
    return cookie if well_formed(cookie) else new_token()


def _page(request: Request, template: str, ctx: Context, status: int = 200, *, account: Account | None = None, **values: Any) -> Response:
    other = "en" if ctx.lang == "zh" else "zh"
    lang_link = request.url.path + (f"?lang={other}" if other != "zh" else "")
    html = render(template, ctx, page=template[6:-5], signed_in=account.username if account else "", lang_link=lang_link,
                  title=values.pop("title", translate("field.title", ctx.lang)), **values)
    response = HTMLResponse(html, status_code=status)
    response.headers["content-security-policy"] = FORM_CSP
    response.headers["cache-control"] = "no-store"
    if request.cookies.get(CSRF_COOKIE) != ctx.csrf:
        response.set_cookie(CSRF_COOKIE, ctx.csrf, httponly=True, samesite="lax", secure=_secure(request), path="/")
    return response


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _client(request: Request) -> str | None:
    """The login throttle's client: the connection, or the address the trusted proxy forwards (``app.clients``)."""
    return client_address(request.client.host if request.client else None, request.headers.get)


def _signin_page(request: Request, lang: str, *, error: str = "", username: str = "", status: int = 200) -> Response:
    return _page(request, "field_login.html", Context(lang, csrf=_csrf(request)), status, error=error, username=username,
                 action=fv.link("/field/login", lang), demo=demo_mode())


def _notice(request: Request, lang: str, heading: str, message: str, status: int, account: Account | None = None) -> Response:
    return _page(request, "field_notice.html", Context(lang, csrf=_csrf(request)), status, account=account, heading=heading,
                 message=message, link=fv.link("/field/tasks", lang), link_text=translate("field.back", lang))


# ------------------------------------------------------------------------------ sign-in


def _home(request: Request) -> Response:
    lang = _lang(request)
    if signed_in(request) is not None:
        return _to(fv.link("/field/tasks", lang))
    again = translate("field.signin.again", lang) if request.cookies.get(session.COOKIE) else ""
    return _signin_page(request, lang, error=again)


def _login(request: Request, form) -> Response:  # noqa: ANN001
    lang = _lang(request)
    username = form.get("username") if isinstance(form.get("username"), str) else ""
    if not csrf_ok(request.cookies, form.get("csrf") if isinstance(form.get("csrf"), str) else None, request.headers):
        return _signin_page(request, lang, error=translate("respond.expired", lang), username=username, status=403)
    password = form.get("password") if isinstance(form.get("password"), str) else ""
    result = authenticate(services.store(), username, password, client=_client(request))
    if result.reason == "locked":
        return _signin_page(request, lang, error=translate("field.signin.locked", lang, seconds=result.retry_after),
                            username=username, status=429)
    if not result.ok or result.account is None:
        return _signin_page(request, lang, error=translate("field.signin.wrong", lang), username=username, status=401)
    if result.account.role not in fv.FIELD_ROLES:
        return _signin_page(request, lang, error=translate("field.signin.role", lang), username=username, status=403)
    response = _to(fv.link("/field/tasks", lang))
    session.set_cookie(response, services.secret(), result.account, secure=_secure(request))
    return response


def _logout(request: Request, form) -> Response:  # noqa: ANN001
    if not csrf_ok(request.cookies, form.get("csrf") if isinstance(form.get("csrf"), str) else None, request.headers):
        return _to("/field")
    response = _to(fv.link("/field", _lang(request)))
    session.clear_cookie(response, secure=_secure(request))
    return response


# ------------------------------------------------------------------------------ tasks


def _tasks(request: Request) -> Response:
    lang = _lang(request)
    account = signed_in(request)
    if account is None:
        return _to(fv.link("/field", lang))
    store = services.store()
    groups, everything = [], []
    for campaign in store.campaigns():
        if campaign.status() != "open":
            continue
        mine = store.households(campaign.id, assigned_to=account.username)
        if not mine:
            continue
        everything += mine
        title = translate("field.tasks.campaign", lang, name=campaign.name, closes=campaign.closing_date().isoformat())
        groups.append({"title": title, "sites": fv.task_groups(campaign, mine, lang)})
    return _page(request, "field_tasks.html", Context(lang, csrf=_csrf(request)), account=account, campaigns=groups,
                 household_count=len(everything), offline_urls=" ".join(fv.offline_urls(everything, lang)),
                 title=translate("field.tasks.title", lang))


# ------------------------------------------------------------------------------ one household


def _household_page(request: Request, account: Account, found, lang: str, *, message: str = "", error: str = "",  # noqa: ANN001
                    status: int = 200) -> Response:
    campaign, household = found
    store = services.store()
    values = fv.household_values(campaign, household, store.visit_log(campaign.id, household.id), services.secret(), lang)
    title = translate("field.tasks.household", lang, code=household.code)
    return _page(request, "field_household.html", Context(lang, csrf=_csrf(request)), status, account=account, v=values,
                 message=message, error=error, nonce=secrets.token_hex(16), title=title)


def _message(request: Request, lang: str, campaign) -> str:  # noqa: ANN001
    key = request.query_params.get("m")
    if key == "visit":
        return translate("field.hh.saved.visit", lang, words=fv.disposition_words(request.query_params.get("d"), lang))
    if key == "roster":
        left = request.query_params.get("out", "0")
        extra = translate("field.hh.roster.left_out", lang, n=left, ages=ages_words(fv.eligible_ages(campaign), lang)) \
            if left.isdigit() and int(left) else ""
        return translate("field.hh.saved.roster", lang) + extra
    return translate(f"field.hh.saved.{key}", lang) if key in MESSAGES else ""


def _household(request: Request, form=None) -> Response:  # noqa: ANN001
    lang = _lang(request)
    account = signed_in(request)
    if account is None:
        return _to(fv.link("/field", lang))
    store = services.store()
    found = find(store, account, request.path_params["campaign"], request.path_params["household"])
    if found is None:
        return _notice(request, lang, translate("field.title", lang), translate("field.hh.error.gone", lang), 404, account)
    if form is None:
        return _household_page(request, account, found, lang, message=_message(request, lang, found[0]))
    if not csrf_ok(request.cookies, form.get("csrf") if isinstance(form.get("csrf"), str) else None, request.headers):
        return _household_page(request, account, found, lang, error=translate("respond.expired", lang), status=403)
    campaign, household = found
    here = fv.household_path(household)
    try:
        if form.get("action") == "roster":
            rows = [(form.get(f"sex{i}") or "", form.get(f"age{i}") or "") for i in range(MAX_ROSTER + fv.BLANK_ROWS)]
            _, left_out = save_roster(store, campaign, household, rows, account.username)
            return _to(fv.link(here, lang, m="roster", out=str(left_out) if left_out else ""))
        code = form.get("disposition")
        result = save_visit(store, campaign, household, code, form.get("nonce"), form.get("at"), account.username)
        return _to(fv.link(here, lang, m="repeat" if result.repeat else "visit", d=str(code)))
    except HouseholdError as exc:
        if "visits" in str(exc):
            text = translate("field.hh.error.max", lang, max=campaign.max_visits)
        else:
            text = translate("field.hh.error.roster", lang, problem=str(exc))
        return _household_page(request, account, store_again(store, found), lang, error=text, status=422)


def store_again(store, found):  # noqa: ANN001, ANN201
    """The campaign and the household as stored now."""
    campaign, household = found
    return campaign, store.household(campaign.id, household.id) or household


def _interview(request: Request) -> Response:
    lang = _lang(request)
    account = signed_in(request)
    if account is None:
        return _to(fv.link("/field", lang))
    store = services.store()
    found = find(store, account, request.path_params["campaign"], request.path_params["household"])
    instrument = fv.resident_instrument(found[0]) if found else None
    if found is None or instrument is None:
        return _notice(request, lang, translate("field.title", lang), translate("field.hh.error.gone", lang), 404, account)
    campaign, household = found
    values = fv.interview_values(campaign, household, store.questionnaire(instrument.version_hash), lang)
    return _page(request, "field_interview.html", Context(lang, csrf=_csrf(request)), account=account, v=values,
                 title=values["title"])


def _offline(request: Request) -> Response:
    lang = _lang(request)
    return _notice(request, lang, translate("field.offline.title", lang), translate("field.offline.body", lang), 200)


# ------------------------------------------------------------------------------ wiring


def _guarded(handler, *, post: bool = False):  # noqa: ANN001, ANN202
    async def endpoint(request: Request) -> Response:
        try:
            if request.method == "POST" and post:
                form = await request.form(max_files=0, max_fields=200, max_part_size=4096)
                return await run_in_threadpool(handler, request, form)
            return await run_in_threadpool(handler, request)
        except SurveyError:
            lang = _lang(request)
            return _notice(request, lang, translate("respond.unavailable", lang), translate("respond.error.store", lang), 503)
    return endpoint


async def service_worker(request: Request) -> Response:
    response = FileResponse(STATIC / "field-sw.js", media_type="text/javascript; charset=utf-8")
    response.headers["cache-control"] = "no-cache"
    return response


def field_routes() -> list[Route]:
    """The field app's routes (see the module doc)."""
    household = _guarded(_household, post=True)

    async def household_endpoint(request: Request) -> Response:
        if request.method == "GET":
            return await _guarded(_household)(request)
        return await household(request)

    return [
        Route("/field", _guarded(_home), methods=["GET"]),
        Route("/field/", _guarded(_home), methods=["GET"]),
        Route("/field/login", _guarded(_login, post=True), methods=["POST"]),
        Route("/field/logout", _guarded(_logout, post=True), methods=["POST"]),
        Route("/field/tasks", _guarded(_tasks), methods=["GET"]),
        Route("/field/h/{campaign:int}/{household:int}", household_endpoint, methods=["GET", "POST"]),
        Route("/field/i/{campaign:int}/{household:int}", _guarded(_interview), methods=["GET"]),
        Route("/field/offline", _guarded(_offline), methods=["GET"]),
        Route("/field/sync", sync, methods=["POST"]),
        Route("/field/sw.js", service_worker, methods=["GET"]),
    ]


__all__ = ["field_routes"]
