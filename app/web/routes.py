"""The front door: the respondent form at ``/?t=<token>`` as plain HTML, and its helper routes.

``streamlit_app.py`` gives :func:`routes` and :func:`middleware` to ``st.App``. :class:`FrontDoor`
sends a request for the app's root with a ``t`` query parameter (the link in every poster's QR
code) to :func:`form`; everything else goes on to Streamlit.

A form is a sequence of full-page POSTs to the same URL, one per screen (introduction, each
section, submit); the sealed state (``app.web.state``) travels in the page, so the server keeps
nothing between requests. Skip logic, validation, scoring, token checks and storing are those of
``survey`` (``survey.collect.flow`` steps, ``survey.questionnaire.answers``, ``survey.questionnaire.scoring``,
``Store.check_token`` and ``Store.submit`` with the form's nonce: a repeat stores nothing).

Other routes: ``/form/static/...`` (style sheet, script, icon), ``/favicon.ico``,
``/form/preview/<questionnaire id>`` (the same renderer, nothing stored; answer keys only with an
admin's ``keys`` grant, ``app.web.grants``).

Surveyor mode: ``/?t=<token>&g=<grant>`` (a link made by the surveyor page) sets the surveyor
cookie and redirects to ``/?t=<token>&by=surveyor``; that form stores with ``source="surveyor"``
and asks how the form is being filled (paradata ``mode``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import replace
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
from app.web.security import CSRF_COOKIE, DEVICE_COOKIE, FORM_CSP, csrf_ok, new_token
from app.web.state import MODES, FormState, open_state, seal
from app.web.views import (
    STATIC,
    Context,
    earlier_answers,
    intro_values,
    preview_sections,
    quiz_result,
    render,
    screened_out,
    section_questions,
)
from survey.questionnaire.answers import check_answers
from survey.campaign import Campaign, CampaignInstrument, Site
from survey.errors import AnswerError, SurveyError
from survey.questionnaire import Questionnaire, QuestionType, pick
from survey.collect.flow import INTRO, first_section_with_problems, next_step, previous_step, progress, prune_hidden, section_problems
from survey.storage import StorageError, SubmitError
from survey.campaign.tokens import REASONS

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


class Target:
    """What one form is for: campaign, site, instrument, questionnaire; who fills it in."""

    def __init__(self, token: str, campaign: Campaign, site: Site, instrument: CampaignInstrument, questionnaire: Questionnaire,
                 surveyor: str | None) -> None:
        self.token, self.campaign, self.site, self.instrument = token, campaign, site, instrument
        self.questionnaire, self.surveyor = questionnaire, surveyor

    @property
    def binding(self) -> str:
        return self.token + ("|surveyor" if self.surveyor else "")

    @property
    def draft_key(self) -> str:
        return "tcm_form:" + self.binding

    @property
    def url(self) -> str:
        query = {"t": self.token, **({"by": "surveyor"} if self.surveyor else {})}
        return "/?" + urlencode(query)


# ------------------------------------------------------------------------------ responses


def _lang(value: str | None, default: str = "zh") -> str:
    return value if value in LANGS else default


def _page(html: str, status: int = 200) -> HTMLResponse:
    response = HTMLResponse(html, status_code=status)
    response.headers["content-security-policy"] = FORM_CSP
    response.headers["cache-control"] = "no-store"
    return response


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
    key = f"respond.token.{reason}"
    ctx = Context(lang)
    message = ctx.t(
        key if reason in REASONS and reason != "ok" else "respond.error.store",
        opens_on=campaign.opens_on.isoformat() if campaign else "",
        closes_on=campaign.closing_date().isoformat() if campaign else "",
    )
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
    from survey.campaign.tokens import parse_token

    parsed = parse_token(token)
    if parsed is not None:
        store = services.store()
        campaign = CAMPAIGNS.recent(store, parsed[0].campaign_id)
        if campaign is not None:
            from survey.campaign.tokens import check_token

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
    surveyor = None
    if request.query_params.get("by") == "surveyor":
        granted = grants.check(request.cookies.get(grants.COOKIE_NAME), secret, "surveyor")
        if granted is None or not grants.still_allowed(store, granted[0], "surveyor"):
            ctx = Context(lang)
            return _notice(lang, ctx.t("respond.unavailable"), ctx.t("respond.surveyor.login"), status=403)
        surveyor = granted[0]
    return Target(token, campaign, site, instrument, questionnaire, surveyor)


def _screen(target: Target, state: FormState, csrf: str, *, problems: Mapping | None = None, message: str = "",
            error: str = "") -> str:
    """The page for ``state.step`` (introduction or a section), with ``state`` sealed into it."""
    lang = state.lang
    now = time.time()
    state = replace(state, shown_at=now)
    ctx = Context(lang, csrf=csrf, sealed=seal(state, services.secret(), target.binding))
    q = target.questionnaire
    common = {"action_url": target.url, "surveyor": target.surveyor, "draft_key": target.draft_key, "home": target.url}
    if state.step == INTRO:
        return render("intro.html", ctx, page="intro", error=error,
                      **intro_values(target.campaign, target.site, q, state, lang), **common)
    position, total = progress(q, state.answers, state.step)
    return render(
        "section.html",
        ctx,
        page="section",
        title=pick(q.title, lang),
        section_title=pick(q.sections[state.step].title, lang),
        position=position,
        total=total,
        last=next_step(q, state.answers, state.step) is None,
        questions=section_questions(q, state.answers, state.step, lang, problems),
        earlier_answers=json.dumps(earlier_answers(q, state.answers, state.step), ensure_ascii=False),
        message=message,
        **common,
    )


def _posted_answers(q: Questionnaire, step: int, answers: Mapping[str, Any], form: FormData) -> dict[str, Any]:
    """``answers`` with those of section ``step`` replaced by what the page posted."""
    merged = dict(answers)
    for qid in q.sections[step].question_ids:
        question = q.question(qid)
        if not question.takes_answer:
            continue
        if question.type is QuestionType.MULTIPLE:
            values = [v for v in form.getlist(f"q.{qid}") if isinstance(v, str)]
            value: Any = values or None
        else:
            raw = form.get(f"q.{qid}")
            value = raw.strip() if isinstance(raw, str) and raw.strip() else None
        if value is None:
            merged.pop(qid, None)
        else:
            merged[qid] = value
    return prune_hidden(q, merged)


def _fields_from_json(text: str | None) -> FormData:
    """The section fields a draft kept on the phone (``[[name, value], ...]``)."""
    try:
        pairs = json.loads(text or "[]")
    except ValueError:
        pairs = []
    if not isinstance(pairs, list):
        pairs = []
    return FormData([(str(p[0]), str(p[1])) for p in pairs[:2000] if isinstance(p, list) and len(p) == 2])


def _paradata(target: Target, state: FormState, request: Request, now: float) -> dict[str, Any]:
    return {
        "opened_at": dt.datetime.fromtimestamp(state.opened_at, dt.timezone.utc).isoformat(),
        "duration_s": round(max(0.0, now - state.opened_at), 3),
        "section_seconds": dict(state.section_seconds),
        "language": state.lang,
        "resumed": state.resumed,
        "mode": state.mode if target.surveyor else "self",
        "surveyor": target.surveyor,
        "device_id": request.cookies.get(DEVICE_COOKIE),
    }


def _thanks(target: Target, state: FormState, csrf: str, result) -> str:  # noqa: ANN001
    lang = state.lang
    q = target.questionnaire
    score, items = quiz_result(q, state.answers, lang, with_key=target.campaign.shows_answer_key())
    ctx = Context(lang, csrf=csrf, sealed=seal(state, services.secret(), target.binding))
    return render("thanks.html", ctx, page="thanks", title=pick(q.title, lang), repeat=result.repeat,
                  receipt=result.receipt or state.nonce[:8].upper(), score=score, grades=items, surveyor=target.surveyor,
                  action_url=target.url, draft_key=target.draft_key, home=target.url)


def _handle_get(request: Request, token: str) -> Response:
    lang = _lang(request.query_params.get("lang"))
    grant = request.query_params.get("g")
    if grant is not None:  # a surveyor's link: keep the grant in an HttpOnly cookie, not in the URL
        secret = services.secret()
        granted = grants.check(grant, secret, "surveyor")
        if granted is None or not grants.still_allowed(services.store(), granted[0], "surveyor"):
            ctx = Context(lang)
            return _notice(lang, ctx.t("respond.unavailable"), ctx.t("respond.surveyor.login"), status=403)
        cookie = grants.issue(secret, granted[0], granted[1], "surveyor", seconds=grants.COOKIE_SECONDS)
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


def _handle_post(request: Request, token: str, form: FormData) -> Response:
    lang = _lang(form.get("lang") if isinstance(form.get("lang"), str) else None)
    if not csrf_ok(request.cookies, form.get("csrf") if isinstance(form.get("csrf"), str) else None, request.headers):
        ctx = Context(lang)
        return _notice(lang, ctx.t("respond.unavailable"), ctx.t("respond.expired"), link="/?" + urlencode({"t": token}),
                       link_text=ctx.t("respond.restart"), status=403)
    target = _cached_target(request, token, lang)
    if isinstance(target, Response):
        return target
    csrf = request.cookies[CSRF_COOKIE]
    secret = services.secret()
    sealed = form.get("state")
    state = open_state(sealed if isinstance(sealed, str) else None, secret, target.binding)
    if state is None:
        ctx = Context(lang)
        return _notice(lang, ctx.t("respond.unavailable"), ctx.t("respond.expired"), link=target.url,
                       link_text=ctx.t("respond.restart"), status=400)
    action = form.get("action")
    action = action if isinstance(action, str) else "next"
    q = target.questionnaire
    now = time.time()
    if action == "resume":  # a draft from the phone: the time it lay unused is not the section's
        fields = _fields_from_json(form.get("fields") if isinstance(form.get("fields"), str) else None)
        if state.step != INTRO:
            state = replace(state, answers=_posted_answers(q, state.step, state.answers, fields))
        return _page(_screen(target, replace(state, resumed=True), csrf))
    section_id = q.sections[state.step].id if state.step != INTRO else None
    state = state.timed(section_id, now)
    if state.step != INTRO and action in ("next", "back", "submit", "lang_zh", "lang_en"):
        before = check_answers(q, state.answers).shown
        state = replace(state, answers=_posted_answers(q, state.step, state.answers, form))
    else:
        before = {}
    if action.startswith("lang_"):
        if state.step == INTRO:
            state = replace(state, consent=form.get("consent") == "1")
        return _page(_screen(target, replace(state, lang=_lang(action[5:], state.lang)), csrf))
    if action == "another" and target.surveyor:
        return _page(_screen(target, FormState.new(lang=state.lang, mode=state.mode), csrf))
    if state.step == INTRO:
        mode = form.get("mode")
        if target.surveyor and mode in MODES:
            state = replace(state, mode=mode)
        consent = form.get("consent") == "1"
        state = replace(state, consent=consent)
        if action != "start":
            return _page(_screen(target, state, csrf))
        if q.consent and not consent:
            return _page(_screen(target, state, csrf, error=Context(state.lang).t("respond.consent_needed")))
        first = next_step(q, state.answers, INTRO)
        return _page(_screen(target, replace(state, step=first if first is not None else 0), csrf))
    if action == "back":
        return _page(_screen(target, replace(state, step=previous_step(q, state.answers, state.step)), csrf))
    if action == "change":
        return _page(_screen(target, state, csrf))
    ended_by = check_answers(q, prune_hidden(q, state.answers)).ended_by
    if ended_by is not None and ended_by in q.sections[state.step].question_ids:  # a screen-out question ended the form
        ctx = Context(state.lang, csrf=csrf, sealed=seal(state, secret, target.binding))
        return _page(render("exit.html", ctx, page="exit", title=pick(q.title, state.lang), action_url=target.url,
                            reason=pick(q.question(ended_by).end_message, state.lang), draft_key=target.draft_key,
                            home=target.url))
    problems = section_problems(q, state.answers, state.step)
    if problems:
        out = screened_out(q, problems)
        if out is not None:
            ctx = Context(state.lang, csrf=csrf, sealed=seal(state, secret, target.binding))
            return _page(render("exit.html", ctx, page="exit", title=pick(q.title, state.lang), action_url=target.url,
                                reason=pick(out.message, state.lang) if out.message else "", draft_key=target.draft_key,
                                home=target.url))
        newly_shown = all(p.code == "required" and not before.get(qid, True) for qid, p in problems.items())
        if newly_shown:  # a follow-up question appeared (no script): ask for it without red marks
            return _page(_screen(target, state, csrf, message=Context(state.lang).t("respond.fix_marked", n=len(problems))))
        return _page(_screen(target, state, csrf, problems=problems,
                             message=Context(state.lang).t("respond.fix_marked", n=len(problems))), 422)
    following = next_step(q, state.answers, state.step)
    if following is not None and action != "submit":
        return _page(_screen(target, replace(state, step=following), csrf))
    earlier = first_section_with_problems(q, state.answers)
    if earlier is not None:
        moved = replace(state, step=earlier)
        return _page(_screen(target, moved, csrf, problems=section_problems(q, state.answers, earlier),
                             message=Context(state.lang).t("respond.fix_elsewhere")), 422)
    if following is not None:  # "submit" posted from a section that is not the last: go on
        return _page(_screen(target, replace(state, step=following), csrf))
    store = services.store()
    try:
        result = store.submit(
            target.campaign.id, target.site.code, q, state.answers, nonce=state.nonce,
            source="surveyor" if target.surveyor else "qr", language=state.lang,
            paradata=_paradata(target, state, request, now),
        )
    except AnswerError:
        step = first_section_with_problems(q, state.answers)
        return _page(_screen(target, replace(state, step=step if step is not None else state.step), csrf), 422)
    except SubmitError as exc:  # e.g. closed by hand since the form opened: its real closing day
        return _refused(state.lang, exc.reason, exc.campaign or target.campaign)
    except StorageError:
        log.exception("a response could not be stored")
        return _page(_screen(target, state, csrf, message=Context(state.lang).t("respond.saving_failed")), 503)
    response = _page(_thanks(target, state, csrf, result))
    response.headers["x-form-done"] = "1"
    return response


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
