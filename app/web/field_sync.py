"""The field app's writes: a roster, a visit, an interview, whether posted by a page (no script)
or sent later from the phone's queue (``POST /field/sync``, JSON, one item per request).

Every write is idempotent, so a phone that sends an item twice (the answer lost with the signal)
stores it once: a visit and an interview by their nonce (``Store.record_visit``,
``Store.submit``), a roster by its content (the same members give the same selection). The
complete visit of an interview is recorded with a nonce derived from the response's nonce, so it
too is recorded once, whichever path stored the interview.

``/field/sync`` takes the session cookie (no CSRF field: the request must come from this origin,
with a JSON body and the ``X-Field-Sync`` header, which a page of another site cannot send
without a CORS preflight this app never grants). Answers: 200 ``{"ok": true, "repeat": bool}``;
401 ``{"signin": true}`` (the queue waits for a new sign-in); 422 ``{"ok": false, "error": ...}``
for an item the server will never take (the phone shows it as failed); 5xx: try again later.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from accounts import Account
from app import services
from app.web import grants, session
from app.web.field_views import FIELD_ROLES, VISIT_CODES, eligible_ages, resident_instrument
from app.web.security import DEVICE_COOKIE
from sampling import select_member
from survey.campaign import Campaign
from survey.collect.flow import NONCE, view, with_section
from survey.collect.households import Household, HouseholdError
from survey.collect.members import household_key, roster_rows, selection_seed
from survey.errors import AnswerError, SurveyError
from survey.storage import StorageError, SubmitError

log = logging.getLogger(__name__)
MAX_SYNC_BYTES = 48 * 1024
COMPLETE = "1.1"


def signed_in(request: Request) -> Account | None:
    """The field app's account of a request (session cookie, checked against the account now)."""
    account = session.read_cookie(services.store(), request.cookies, services.secret())
    return account if account is not None and account.role in FIELD_ROLES else None


def form_surveyor(request: Request, store, secret: bytes, campaign_id: int) -> str | None:  # noqa: ANN001
    """Who fills the respondent form of ``campaign_id`` as a surveyor: the surveyor page's day
    cookie (``app.web.grants``: for that campaign, the account unchanged since) or the field
    app's session; None when neither holds."""
    holder = grants.day_cookie_holder(store, secret, request.cookies.get(grants.COOKIE_NAME), campaign_id)
    if holder is not None:
        return holder
    account = session.read_cookie(store, request.cookies, secret)
    return account.username if account is not None and account.role in grants.PURPOSES["surveyor"] else None


def form_household(store, campaign: Campaign, site_code: str, surveyor: str | None, text: object) -> int | None | bool:  # noqa: ANN001
    """The household a surveyor's form is for (``hh``): its id when it is this site's and the
    surveyor's (an admin: any), None when none is asked, False when refused."""
    if text is None:
        return None
    if surveyor is None or not isinstance(text, str) or not text.isdigit() or len(text) > 12:
        return False
    household = store.household(campaign.id, int(text))
    if household is None or household.site_code != site_code:
        return False
    account = store.account(surveyor)
    return household.id if household.assigned_to == surveyor or (account is not None and account.role == "admin") else False


def find(store, account: Account, campaign_id: int, household_id: int) -> tuple[Campaign, Household] | None:  # noqa: ANN001
    """The campaign (open) and household when the household is this surveyor's (an admin: any)."""
    campaign = store.find_campaign(campaign_id)
    if campaign is None or campaign.status() != "open":
        return None
    household = store.household(campaign_id, household_id)
    if household is None or (household.assigned_to != account.username and account.role != "admin"):
        return None
    return campaign, household


def save_roster(store, campaign: Campaign, household: Household, rows: Sequence[tuple[str, str]], actor: str) -> tuple[Household, int]:  # noqa: ANN001
    """Store the eligible members typed and the member ``select_member`` chooses; (household, left out)."""
    members, left_out = roster_rows(rows, eligible_ages(campaign))
    if household.response_id is not None:
        if tuple(members) == tuple(household.roster or ()):
            return household, left_out  # the same roster again (a repeat from the phone)
        raise HouseholdError("the interview is stored: the roster can no longer change")
    selected = select_member(household_key(household), members, seed=selection_seed(services.secret(), campaign.id)) if members else 0
    return store.record_roster(campaign.id, household.id, members, selected, actor=actor), left_out


def visit_time(text: object) -> dt.datetime:
    """When a visit happened: the phone's time for a visit queued without signal (ISO 8601 with a
    zone, not in the future), else now."""
    now = dt.datetime.now(dt.timezone.utc)
    if isinstance(text, str) and text:
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return now
        if moment.tzinfo is not None and now - dt.timedelta(days=30) <= moment <= now + dt.timedelta(minutes=5):
            return min(moment, now)
    return now


def save_visit(store, campaign: Campaign, household: Household, code: object, nonce: object, at: object, actor: str):  # noqa: ANN001, ANN201
    """Store a visit with one of the field app's outcomes (a complete comes from the interview)."""
    if code not in VISIT_CODES:
        raise HouseholdError(f"{code!r} is not an outcome a visit can record here")
    return store.record_visit(campaign.id, household.id, visited_at=visit_time(at), disposition=str(code), nonce=str(nonce),
                              actor=actor)


def interview_done(store, campaign_id: int, household_id: int, response_nonce: str, surveyor: str) -> None:  # noqa: ANN001
    """Record the complete visit of a stored interview, once (its nonce comes from the response's)."""
    try:
        store.record_visit(campaign_id, household_id, visited_at=dt.datetime.now(dt.timezone.utc), disposition=COMPLETE,
                           nonce=("i-" + response_nonce)[:64], actor=surveyor)
    except HouseholdError:
        log.warning("household %s: the interview is stored but its visit could not be recorded", household_id, exc_info=True)


def answers_from(questionnaire, fields: Sequence[Sequence[str]]) -> tuple[dict[str, Any], list[str]]:  # noqa: ANN001
    """The answers of a one-page interview (every section's fields) and the questions with problems."""
    data = FormData([(str(k), str(v)) for k, v in fields])
    answers: dict[str, Any] = {}
    for step in range(len(questionnaire.sections)):
        answers = with_section(questionnaire, answers, step, data.getlist)
    form_view = view(questionnaire, answers)
    problems = [qid for problems in form_view.by_section.values() for qid in problems]
    return dict(form_view.clean), problems


def submit_interview(store, campaign: Campaign, household: Household, item: Mapping[str, Any], account: Account,  # noqa: ANN001
                     device: str | None):  # noqa: ANN201
    """Store a one-page interview from the phone's queue, linked to the household, and its complete visit."""
    instrument = resident_instrument(campaign)
    if instrument is None:
        raise HouseholdError("the campaign has no questionnaire for residents")
    questionnaire = store.questionnaire(instrument.version_hash)
    fields = item.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, list) and len(f) == 2 for f in fields):
        raise HouseholdError("the interview has no answers")
    answers, problems = answers_from(questionnaire, fields)
    if problems:
        raise HouseholdError("questions to check: " + ", ".join(problems[:10]))
    lang = item.get("lang") if item.get("lang") in ("zh", "en") else "zh"
    duration = item.get("duration")
    paradata = {"opened_at": item.get("opened_at") if isinstance(item.get("opened_at"), str) else None,
                "duration_s": float(duration) if isinstance(duration, (int, float)) and 0 <= duration < 7 * 86400 else None,
                "language": lang, "mode": "read_aloud", "surveyor": account.username, "device_id": device, "resumed": False}
    nonce = str(item.get("nonce"))
    result = store.submit(campaign.id, household.site_code, questionnaire, answers, nonce=nonce, source="surveyor", language=lang,
                          paradata={k: v for k, v in paradata.items() if v is not None}, household_id=household.id)
    interview_done(store, campaign.id, household.id, nonce, account.username)
    return result


def _answer(ok: bool, status: int = 200, **values: Any) -> JSONResponse:
    response = JSONResponse({"ok": ok, **values}, status_code=status)
    response.headers["cache-control"] = "no-store"
    return response


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    from urllib.parse import urlsplit

    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        return False
    site = request.headers.get("sec-fetch-site")
    return (site is None or site == "same-origin") and request.headers.get("x-field-sync") == "1" and \
        request.headers.get("content-type", "").startswith("application/json")


def _sync(request: Request, body: bytes) -> Response:
    if not _same_origin(request):
        return _answer(False, 403, error="forbidden")
    account = signed_in(request)
    if account is None:
        return _answer(False, 401, signin=True)
    try:
        item = json.loads(body)
        kind, campaign_id, household_id = item["kind"], int(item["campaign"]), int(item["household"])
    except (ValueError, KeyError, TypeError):
        return _answer(False, 422, error="malformed item")
    store = services.store()
    found = find(store, account, campaign_id, household_id)
    if found is None:
        return _answer(False, 422, error="household not found, not yours, or the campaign is not open")
    campaign, household = found
    nonce = item.get("nonce")
    if not isinstance(nonce, str) or not NONCE.match(nonce):
        return _answer(False, 422, error="bad nonce")
    try:
        if kind == "visit":
            result = save_visit(store, campaign, household, item.get("disposition"), nonce, item.get("at"), account.username)
            return _answer(True, repeat=result.repeat)
        if kind == "roster":
            rows = item.get("rows") if isinstance(item.get("rows"), list) else []
            saved, left_out = save_roster(store, campaign, household, [(str(r[0]), str(r[1])) for r in rows if isinstance(r, list) and len(r) == 2],
                                          account.username)
            return _answer(True, repeat=False, eligible=len(saved.roster or ()), left_out=left_out)
        if kind == "interview":
            result = submit_interview(store, campaign, household, item, account, request.cookies.get(DEVICE_COOKIE))
            return _answer(True, repeat=result.repeat)
    except (HouseholdError, AnswerError) as exc:
        return _answer(False, 422, error=str(exc))
    except SubmitError as exc:
        return _answer(False, 422, error=exc.reason)
    except StorageError:
        log.exception("a field item could not be stored")
        return _answer(False, 503, error="storage")
    except SurveyError as exc:
        return _answer(False, 422, error=str(exc))
    return _answer(False, 422, error=f"unknown kind {kind!r}")


async def sync(request: Request) -> Response:
    """``POST /field/sync``: one queued item (see the module doc)."""
    body = await request.body()
    if len(body) > MAX_SYNC_BYTES:
        return _answer(False, 413, error="too large")
    return await run_in_threadpool(_sync, request, body)


__all__ = ["answers_from", "find", "form_household", "form_surveyor", "interview_done", "save_roster", "save_visit", "signed_in", "submit_interview", "sync", "visit_time"]
