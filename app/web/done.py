"""A form without the script: each screen is a GET, so Back and reload never post it again.

With the script (``form.js`` posts ``js=1`` by fetch) a POST is answered with its screen, as it
always was: the address stays a GET. A browser without JavaScript navigates by posting the page;
its POST is answered ``303 See Other`` to ``<form address>&s=<sealed state>`` (the state that was in
the page, now in the address; :func:`screen_url`), and a stored form to the same with ``&done=1``
(``&done=repeat`` when it was stored before).

The GET of such an address (:func:`shown`) first asks the store whether the state's nonce is
stored (one indexed read): once it is, the answer is the thank-you page with its receipt, never a
form that would submit again. So Back from the thank-you page, which goes to the last form step's
address, shows "已提交，感谢参与" and the receipt; before the submit it is that step's screen.

A screen with red marks or a note (the questions that just appeared) carries them in its address
by question id and message key (``m``, ``f``, ``k``); the GET finds the problems again from the
sealed answers, so its address, too, can be the last step Back returns to.

A state longer than :data:`MAX_URL_STATE` characters (far beyond the shipped questionnaires) is
answered by its page, as before. The sealed state is encrypted and signed (``app.web.state``): the
answers so far cannot be read from the phone's history, and the pages' ``referrer`` policy keeps
the addresses from other sites; the bundled nginx keeps no access log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app import services
from app.web.pages import page, screen, thanks
from app.web.state import FormState, Target, open_state, seal
from app.web.views import Context
from survey.collect.flow import view
from survey.storage import SubmitResult

MAX_URL_STATE = 6000  # characters of sealed state in an address (servers and proxies take 8 kB request lines)
STATE_PARAM = "s"
MESSAGES = {"fix_marked": "respond.fix_marked", "fix_elsewhere": "respond.fix_elsewhere"}  # ``k``: by key, never as text
MAX_FOLLOWUPS = 200


def scripted(form: FormData) -> bool:
    """True when the POST came from ``form.js`` (fetch): it is answered with its screen."""
    return form.get("js") == "1"


def screen_url(target: Target, state: FormState, *, done: str = "", marked: Iterable[str] = (), followups: int = 0,
               message: str = "") -> str | None:
    """The address of the screen of ``state`` (``done``: ``1`` the thank-you page, ``repeat`` that of a
    form sent again); ``marked``: the questions shown in red, ``followups``: the count of questions
    that appeared, ``message``: a key of :data:`MESSAGES`. None when the address would be too long."""
    sealed = seal(state, services.secret(), target.binding)
    if len(sealed) > MAX_URL_STATE:
        return None
    query = {STATE_PARAM: sealed, "done": done, "m": " ".join(sorted(marked)), "f": str(followups) if followups else "",
             "k": message}
    return target.url + "&" + urlencode({k: v for k, v in query.items() if v})


def _hints(request: Request, target: Target, state: FormState) -> dict[str, Any]:
    """The red marks and messages a screen's address asks for; the problems are found again from
    the sealed answers (only those of the questions named)."""
    params, ctx = request.query_params, Context(state.lang)
    values: dict[str, Any] = {}
    marked = set(params.get("m", "").split())
    if marked:
        found = {qid: p for by in view(target.questionnaire, state.answers).by_section.values() for qid, p in by.items()
                 if qid in marked}
        if found:
            values["problems"] = found
            if params.get("k") in MESSAGES:
                values["message"] = ctx.t(MESSAGES[params["k"]], n=len(found))
    followups = params.get("f", "")
    if followups.isdigit() and 0 < int(followups) <= MAX_FOLLOWUPS:
        values["notice"] = ctx.t("respond.followups", n=int(followups))
    return values


def see_other(url: str) -> Response:
    """``303 See Other`` to ``url``: the browser GETs it, and its history holds no POST."""
    response = RedirectResponse(url, status_code=303)
    response.headers["cache-control"] = "no-store"
    return response


def shown(request: Request, target: Target, csrf: str) -> Response | None:
    """The GET of a screen's address: the thank-you page once its nonce is stored, else the screen;
    None when the address carries no state of this form (the form starts afresh)."""
    state = open_state(request.query_params.get(STATE_PARAM), services.secret(), target.binding)
    if state is None:
        return None
    receipt = services.store().receipt(target.campaign.id, state.nonce)
    if receipt is None:
        hints = _hints(request, target, state)
        return page(screen(target, state, csrf, **hints), 422 if "problems" in hints else 200)
    finished = request.query_params.get("done")
    again = finished not in ("1", "repeat")  # Back or a reload reached a form step: it is stored already
    response = page(thanks(target, state, csrf, SubmitResult(0, finished == "repeat", True, receipt), again=again))
    response.headers["x-form-done"] = "1"
    return response


__all__ = ["MAX_URL_STATE", "STATE_PARAM", "screen_url", "scripted", "see_other", "shown"]
