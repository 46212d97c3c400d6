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

import json
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from app import services
from app.web import grants
from app.web.desk import desk_routes
from app.web.field import field_routes
from app.web.field_sync import form_household, form_surveyor, interview_done
from app.web.security import CSRF_COOKIE, DEVICE_COOKIE, FORM_CSP, csrf_ok, new_token
from app.web.state import MODES, FormState, Target, draft_fields, open_state, seal
from app.web.views import (STATIC, Context, earlier_answers, intro_values, preview_sections, quiz_result, render, screened_out,
                          section_questions)
from survey.campaign import Campaign
from survey.errors import AnswerError, SurveyError
from survey.questionnaire import pick
from survey.collect.flow import INTRO, FormView, view, with_section
from survey.storage import StorageError, SubmitError
from survey.campaign.tokens import REASONS, check_token, parse_token

log = logging.getLogger(__name__)
LANGS = ("zh", "en")
DEVICE_SECONDS = 400 * 86400
CAMPAIGN_SECONDS = 5.0  # a campaign read from the store is reused this long (closing still refuses at submit)


# ------------------------------------------------------------------------------ campaigns


class _Campaigns:
    """Campaigns by id for a few seconds: a form's screens do not each read the campaign."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[int, int], tuple[float, Campaign]] = {}

    def remember(self, store, campaign: Campaign) -> None:  # noqa: ANN001 (a survey.storage.Store)
        with self._lock:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[(id(store), campaign.id)] = (time.monotonic(), campaign)

    def recent(self, store, campaign_id: int) -> Campaign | None:  # noqa: ANN001
        """The campaign if it was read less than CAMPAIGN_SECONDS ago, else None."""
        hit = self._cache.get((id(store), campaign_id))
        if hit is None or time.monotonic() - hit[0] >= CAMPAIGN_SECONDS:
            return None
        return hit[1]


CAMPAIGNS = _Campaigns()


# ------------------------------------------------------------------------------ responses


def _lang(value: str | None, default: str = "zh") -> str:
    return value if value in LANGS else default


def _page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers={"content-security-policy": FORM_CSP, "cache-control": "no-store"})


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _with_cookies(response: Response, request: Request, csrf: str) -> Response:
    secure = _secure(request)
    if request.cookies.get(CSRF_COOKIE) != csrf:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="lax", secure=secure, path="/")
    if not request.cookies.get(DEVICE_COOKIE):
        response.set_cookie(DEVICE_COOKIE, uuid.uuid4().hex, max_age=DEVICE_SECONDS, httponly=True, samesite="lax",
                            secure=secure, path="/")
    return response


def _notice(lang: str, heading: str, message: str, *, help_text: str = "", link: str = "", link_text: str = "", status: int = 200) -> HTMLResponse:
    ctx = Context(lang)
    html = render("notice.html", ctx, title=heading, heading=heading, message=message, help=help_text, link=link,
                  link_text=link_text, page="notice")
    return _page(html, status)


def _refused(lang: str, reason: str, campaign: Campaign | None) -> HTMLResponse:
    ctx = Context(lang)
    key = f"respond.token.{reason}" if reason in REASONS and reason != "ok" else "respond.error.store"
    message = ctx.t(key, opens_on=campaign.opens_on.isoformat() if campaign else "",
                    closes_on=campaign.closing_date().isoformat() if campaign else "")
    return _notice(lang, ctx.t("respond.unavailable"), message, help_text=ctx.t("respond.unavailable.help"),
                   status=404 if reason in ("missing", "malformed", "forged", "altered", "unknown_campaign") else 200)


# ------------------------------------------------------------------------------ the form


def _target(request: Request, token: str, lang: str) -> Target | Response:
    """The form a token opens, or the page refusing it (nothing is stored)."""
    store = services.store()
    secret = services.secret()
    check = store.check_token(token, secret)
    if not check.ok:
        return _refused(lang, check.reason, check.campaign)
    CAMPAIGNS.remember(store, check.campaign)  # later screens of this form reuse it for a few seconds
    return _target_from(request, token, check, store, secret, lang)


def _cached_target(request: Request, token: str, lang: str) -> Target | Response:
    """As :func:`_target`, reusing a campaign read in the last few seconds (later screens)."""
    parsed = parse_token(token)
    if parsed is not None:
        store = services.store()
        campaign = CAMPAIGNS.recent(store, parsed[0].campaign_id)
        if campaign is not None:
            secret = services.secret()
            check = check_token(token, secret, lambda _id: campaign)
            if check.ok:
                return _target_from(request, token, check, store, secret, lang)
    return _target(request, token, lang)


def _target_from(request: Request, token: str, check, store, secret: bytes, lang: str) -> Target | Response:  # noqa: ANN001
    campaign = check.campaign
    instrument = campaign.instrument(check.payload.instrument)
    site = campaign.site(check.payload.site_code)
    questionnaire = store.questionnaire(instrument.version_hash)
    by_surveyor = request.query_params.get("by") == "surveyor"  # the surveyor page's grant, or the field app's session
    surveyor = form_surveyor(request, store, secret) if by_surveyor else None
    household = form_household(store, campaign, site.code, surveyor, request.query_params.get("hh"))
    if (by_surveyor and surveyor is None) or household is False:
        return _notice(lang, Context(lang).t("respond.unavailable"), Context(lang).t("respond.surveyor.login"), status=403)
    return Target(token, campaign, site, instrument, questionnaire, surveyor, household or None)


def _screen(target: Target, state: FormState, csrf: str, form_view: FormView | None = None, *,
            problems: Mapping | None = None, message: str = "", error: str = "") -> str:
    """The page for ``state.step`` (introduction or a section), with ``state`` sealed into it;
    ``form_view`` is the view of ``state.answers`` when the caller has it (else walked here)."""
    lang = state.lang
    state = replace(state, shown_at=time.time())
    ctx = Context(lang, csrf=csrf, sealed=seal(state, services.secret(), target.binding))
    q = target.questionnaire
    common = {"action_url": target.url, "surveyor": target.surveyor, "draft_key": target.draft_key, "home": target.url}
    if state.step == INTRO:
        return render("intro.html", ctx, page="intro", error=error,
                      **intro_values(target.campaign, target.site, q, state, lang), **common)
    here = (form_view or view(q, state.answers)).at(state.step)
    return render("section.html", ctx, page="section", title=pick(q.title, lang), section_title=pick(q.sections[state.step].title, lang),
                  position=here.position, total=here.total, last=here.next is None, questions=section_questions(q, here, lang, problems),
                  earlier_answers=json.dumps(earlier_answers(q, here), ensure_ascii=False), message=message, **common)


def _exit(target: Target, state: FormState, csrf: str, reason: str) -> Response:
    """The friendly end of a screened-out respondent (nothing stored)."""
    ctx = Context(state.lang, csrf=csrf, sealed=seal(state, services.secret(), target.binding))
    return _page(render("exit.html", ctx, page="exit", title=pick(target.questionnaire.title, state.lang), action_url=target.url,
                        reason=reason, draft_key=target.draft_key, home=target.url))


def _thanks(target: Target, state: FormState, csrf: str, result) -> str:  # noqa: ANN001
    lang = state.lang
    q = target.questionnaire
    score, items = quiz_result(q, state.answers, lang, with_key=target.campaign.shows_answer_key())
    ctx = Context(lang, csrf=csrf, sealed=seal(state, services.secret(), target.binding))
    return render("thanks.html", ctx, page="thanks", title=pick(q.title, lang), repeat=result.repeat,
                  receipt=result.receipt or state.nonce[:8].upper(), score=score, grades=items, surveyor=target.surveyor,
                  action_url=target.url, draft_key=target.draft_key, home=target.url, back=target.back_url)


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
    target = _target(request, token, lang)
    if isinstance(target, Response):
        return target
    csrf = request.cookies.get(CSRF_COOKIE) or new_token()
    state = FormState.new(lang=lang, mode="read_aloud" if target.surveyor else "self")
    return _with_cookies(_page(_screen(target, state, csrf)), request, csrf)


POSTING = ("next", "back", "submit", "lang_zh", "lang_en")  # the actions that carry the section's answers


@dataclass(frozen=True)
class _Post:
    """One POST of the form once its token, CSRF value and sealed state are checked."""

    request: Request
    target: Target
    form: FormData
    csrf: str
    state: FormState
    now: float

    def screen(self, state: FormState, form_view: FormView | None = None, status: int = 200, **values: Any) -> Response:
        return _page(_screen(self.target, state, self.csrf, form_view, **values), status)


def _posted(post: _Post, fields: FormData | None) -> tuple[FormState, FormView]:
    """The state with the section's ``fields`` (None: none posted), hidden answers dropped, and its view."""
    q, state = post.target.questionnaire, post.state
    answers = state.answers if fields is None else with_section(q, state.answers, state.step, fields.getlist)
    form_view = view(q, answers, state.step)
    return replace(state, answers=form_view.clean), form_view


def _resume(post: _Post) -> Response:
    """A draft from the phone: the time it lay unused is not the section's."""
    state, form_view = post.state, None
    if state.step != INTRO:
        state, form_view = _posted(post, FormData(draft_fields(post.form.get("fields"))))
    return post.screen(replace(state, resumed=True), form_view)


def _language(post: _Post, action: str) -> Response:
    """``lang_zh``/``lang_en``: the same screen in the other language, answers kept."""
    state, form_view = post.state, None
    if state.step == INTRO:
        state = replace(state, consent=post.form.get("consent") == "1")
    else:
        state, form_view = _posted(post, post.form if action in POSTING else None)
    return post.screen(replace(state, lang=_lang(action[5:], state.lang)), form_view)


def _another(post: _Post) -> Response:
    """A surveyor starts the next form."""
    return post.screen(FormState.new(lang=post.state.lang, mode=post.state.mode))


def _intro(post: _Post, action: str) -> Response:
    """Consent (and a surveyor's mode); ``start`` goes to the first section shown."""
    state, q = post.state, post.target.questionnaire
    mode = post.form.get("mode")
    if post.target.surveyor and mode in MODES:
        state = replace(state, mode=mode)
    state = replace(state, consent=post.form.get("consent") == "1")
    if action != "start":
        return post.screen(state)
    if q.consent and not state.consent:
        return post.screen(state, error=Context(state.lang).t("respond.consent_needed"))
    form_view = view(q, state.answers)
    first = form_view.next
    return post.screen(replace(state, step=first if first is not None else 0), form_view)


def _back(post: _Post) -> Response:
    """The shown section before this one (its answers kept)."""
    state, form_view = _posted(post, post.form)
    return post.screen(replace(state, step=form_view.previous), form_view)


def _change(post: _Post) -> Response:
    """From the exit page: the section again, to change the answer that ended the form."""
    return post.screen(post.state)


def _advance(post: _Post, action: str) -> Response:
    """``next``, ``submit`` (and any other action): check the section, then on, back or store."""
    q = post.target.questionnaire
    state, form_view = _posted(post, post.form if action in POSTING else None)
    ended_by = form_view.ended_by
    if ended_by is not None and ended_by in q.sections[state.step].question_ids:  # a screen-out question ended the form
        return _exit(post.target, state, post.csrf, pick(q.question(ended_by).end_message, state.lang))
    problems = form_view.here
    if problems:
        out = screened_out(q, problems)
        if out is not None:
            return _exit(post.target, state, post.csrf, pick(out.message, state.lang) if out.message else "")
        message = Context(state.lang).t("respond.fix_marked", n=len(problems))
        before = view(q, post.state.answers).shown if action in POSTING else {}
        if all(p.code == "required" and not before.get(qid, True) for qid, p in problems.items()):
            return post.screen(state, form_view, message=message)  # a follow-up question appeared (no script): no red marks
        return post.screen(state, form_view, 422, problems=problems, message=message)
    following = form_view.next
    if following is not None and action != "submit":
        return post.screen(replace(state, step=following), form_view)
    earlier = form_view.first_with_problems
    if earlier is not None:
        return post.screen(replace(state, step=earlier), form_view, 422, problems=form_view.by_section[earlier],
                           message=Context(state.lang).t("respond.fix_elsewhere"))
    if following is not None:  # "submit" posted from a section that is not the last: go on
        return post.screen(replace(state, step=following), form_view)
    return _submit(post, state, form_view)


def _submit(post: _Post, state: FormState, form_view: FormView) -> Response:
    """Store the form (a repeat with the same nonce stores nothing) and thank the respondent."""
    target = post.target
    try:
        result = services.store().submit(
            target.campaign.id, target.site.code, target.questionnaire, state.answers, nonce=state.nonce,
            source="surveyor" if target.surveyor else "qr", language=state.lang,
            paradata=state.paradata(surveyor=target.surveyor, device_id=post.request.cookies.get(DEVICE_COOKIE), now=post.now),
            household_id=target.household_id,
        )
        if target.household_id is not None and target.surveyor:  # its complete visit, once (nonce from the response's)
            interview_done(services.store(), target.campaign.id, target.household_id, state.nonce, target.surveyor)
    except AnswerError:
        step = form_view.first_with_problems
        return post.screen(replace(state, step=step if step is not None else state.step), form_view, 422)
    except SubmitError as exc:  # e.g. closed by hand since the form opened: its real closing day
        return _refused(state.lang, exc.reason, exc.campaign or target.campaign)
    except StorageError:
        log.exception("a response could not be stored")
        return post.screen(state, form_view, 503, message=Context(state.lang).t("respond.saving_failed"))
    response = _page(_thanks(target, state, post.csrf, result))
    response.headers["x-form-done"] = "1"
    return response


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
    post = _Post(request, target, form, request.cookies[CSRF_COOKIE], state, time.time())
    if action == "resume":
        return _resume(post)
    section_id = target.questionnaire.sections[state.step].id if state.step != INTRO else None
    post = replace(post, state=state.timed(section_id, post.now))
    if action.startswith("lang_"):
        return _language(post, action)
    if action == "another" and target.surveyor:
        return _another(post)
    if state.step == INTRO:
        return _intro(post, action)
    if action == "back":
        return _back(post)
    if action == "change":
        return _change(post)
    return _advance(post, action)


async def form(request: Request) -> Response:
    """``GET``/``POST`` ``/?t=<token>``: one screen of the form."""
    token = request.query_params.get("t", "")
    try:
        if request.method == "POST":
            form_data = await request.form(max_files=0, max_fields=400, max_part_size=16 * 1024)
            return await run_in_threadpool(_handle_post, request, token, form_data)
        return await run_in_threadpool(_handle_get, request, token)
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

    return [Middleware(Hardening), Middleware(Compression), Middleware(FrontDoor)]


__all__ = ["FrontDoor", "form", "middleware", "preview", "routes"]
