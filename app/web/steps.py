"""The actions of a form's POST, one small handler each: start, next, back, submit, change ...

``app.web.routes`` checks the POST (CSRF value, token, sealed state) and hands it here as a
:class:`Post`. A part may hold several sections (``app.web.parts``): its answers are read for
each of them, and next/back go from part to part.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from app import services
from app.web import done
from app.web.field_sync import interview_done
from app.web.pages import exit_page, lang_of, page, refused, screen, thanks
from app.web.parts import Parts, optional_tail
from app.web.cookies import device_id
from app.web.state import MODES, FormState, Target, draft_fields
from app.web.views import Context, screened_out
from survey.collect.flow import INTRO, FormView, view, with_section
from survey.collect.options import option_orders
from survey.errors import AnswerError
from survey.questionnaire import pick
from survey.storage import StorageError, SubmitError

log = logging.getLogger(__name__)
POSTING = ("next", "back", "submit", "lang_zh", "lang_en")  # the actions that carry the part's answers
PAPER_NUMBER_CHARS = 40


@dataclass(frozen=True)
class Post:
    """One POST of the form once its token, CSRF value and sealed state are checked."""

    request: Request
    target: Target
    form: FormData
    csrf: str
    state: FormState
    now: float

    def screen(self, state: FormState, form_view: FormView | None = None, status: int = 200, *,
               hints: dict[str, Any] | None = None, **values: Any) -> Response:
        """The screen of ``state``; without the script a part is a redirect to its address
        (``app.web.done``), its red marks and notes given again by ``hints`` (``done.screen_url``)."""
        plain = status == 200 and not values
        if (plain or hints is not None) and state.step != INTRO and not done.scripted(self.form):
            url = done.screen_url(self.target, state, **(hints or {}))
            if url is not None:
                return done.see_other(url)
        return page(screen(self.target, state, self.csrf, form_view, **values), status)


def posted(post: Post, fields: FormData | None) -> tuple[FormState, FormView, Parts]:
    """The state with the part's ``fields`` (None: none posted), hidden answers dropped, its view and parts.

    A part's own section is always read; a section that joined it (``app.web.parts``) when the
    page carried its fields (a shown text box always posts, even blank)."""
    q, state = post.target.questionnaire, post.state
    answers = dict(state.answers)
    if fields is not None:
        answers = with_section(q, answers, state.step, fields.getlist)
        for index in sorted(optional_tail(q)):
            if index > state.step and any(f"q.{qid}" in fields for qid in q.sections[index].question_ids):
                answers = with_section(q, answers, index, fields.getlist)
    form_view = view(q, answers, state.step)
    return replace(state, answers=form_view.clean), form_view, Parts(q, form_view)


def resume(post: Post) -> Response:
    """A draft from the phone: the time it lay unused is not the part's."""
    state, form_view = post.state, None
    if state.step != INTRO:
        state, form_view, _ = posted(post, FormData(draft_fields(post.form.get("fields"))))
    return post.screen(replace(state, resumed=True), form_view)


def language(post: Post, action: str) -> Response:
    """``lang_zh``/``lang_en``: the same screen in the other language, answers kept."""
    state, form_view = post.state, None
    if state.step == INTRO:
        state = _intro_fields(post, state)
    else:
        state, form_view, _ = posted(post, post.form if action in POSTING else None)
    return post.screen(replace(state, lang=lang_of(action[5:], state.lang)), form_view)


def another(post: Post) -> Response:
    """A surveyor starts the next form (same mode)."""
    return post.screen(FormState.new(lang=post.state.lang, mode=post.state.mode))


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _intro_fields(post: Post, state: FormState) -> FormState:
    """Consent, and for a surveyor the mode and a paper form's number and interview date."""
    if post.target.surveyor:
        mode = post.form.get("mode")
        if mode in MODES:
            state = replace(state, mode=mode)
        if state.mode == "paper":
            state = replace(state, paper_number=_text(post.form, "paper_number")[:PAPER_NUMBER_CHARS],
                            interview_date=_text(post.form, "interview_date")[:10])
    return replace(state, consent=post.form.get("consent") == "1")


def _paper_ok(state: FormState) -> bool:
    if state.mode != "paper":
        return True
    try:
        day = dt.date.fromisoformat(state.interview_date)
    except ValueError:
        return False
    return bool(state.paper_number) and dt.date(2000, 1, 1) <= day <= dt.date.today()


def intro(post: Post, action: str) -> Response:
    """Consent (and a surveyor's mode); ``start`` goes to the first part shown."""
    q = post.target.questionnaire
    state = _intro_fields(post, post.state)
    if action != "start":
        return post.screen(state)
    if q.consent and not state.consent:
        return post.screen(state, error=Context(state.lang).t("respond.consent_needed"))
    if post.target.surveyor and not _paper_ok(state):
        return post.screen(state, status=422, error=Context(state.lang).t("respond.paper.needed"))
    if post.target.surveyor and state.mode == "paper" and services.store().paper_number_nonce(
            post.target.campaign.id, state.paper_number) not in (None, state.nonce):
        return post.screen(state, status=409, error=Context(state.lang).t("respond.paper.duplicate", number=state.paper_number))
    form_view = view(q, state.answers)
    first = next(iter(Parts(q, form_view).steps), 0)
    return post.screen(replace(state, step=first), form_view)


def back(post: Post) -> Response:
    """The part before this one (its answers kept)."""
    state, form_view, parts = posted(post, post.form)
    return post.screen(replace(state, step=parts.previous(state.step)), form_view)


def change(post: Post) -> Response:
    """From the exit page: the same part again, in its normal state, without the answer that
    ended the form (so the part count and the buttons are those of a form in progress)."""
    q, state = post.target.questionnaire, post.state
    answers = dict(state.answers)
    form_view = view(q, answers, state.step)
    if form_view.ended_by is not None:
        answers.pop(form_view.ended_by, None)
    out = screened_out(q, form_view.here)
    if out is not None:
        answers.pop(out.question_id, None)
    form_view = view(q, answers, state.step)
    return post.screen(replace(state, answers=form_view.clean), form_view)


def advance(post: Post, action: str) -> Response:
    """``next``, ``submit`` (and any other action): check the part, then on, back or store."""
    q = post.target.questionnaire
    state, form_view, parts = posted(post, post.form if action in POSTING else None)
    ended_by = form_view.ended_by
    if ended_by is not None and any(ended_by in q.sections[i].question_ids for i in parts.sections_of(state.step)):
        return exit_page(post.target, state, post.csrf, pick(q.question(ended_by).end_message, state.lang))
    problems = parts.problems(state.step)
    if problems:
        out = screened_out(q, problems)
        if out is not None:
            return exit_page(post.target, state, post.csrf, pick(out.message, state.lang) if out.message else "")
        before = view(q, post.state.answers).shown if action in POSTING else {}
        new = {qid for qid, p in problems.items() if p.code == "required" and not before.get(qid, True)}
        marked = {qid: p for qid, p in problems.items() if qid not in new}
        ctx = Context(state.lang)
        notice = ctx.t("respond.followups", n=len(new)) if new else ""
        if not marked:  # only follow-up questions appeared (no script): say so, no error
            return post.screen(state, form_view, notice=notice, hints={"followups": len(new)})
        return post.screen(state, form_view, 422, problems=marked, message=ctx.t("respond.fix_marked", n=len(marked)),
                           notice=notice, hints={"marked": marked, "followups": len(new), "message": "fix_marked"})
    following = parts.next(state.step)
    if following is not None and action != "submit":
        return post.screen(replace(state, step=following), form_view)
    earlier = parts.first_with_problems()
    if earlier is not None:
        return post.screen(replace(state, step=earlier), form_view, 422, problems=parts.problems(earlier),
                           message=Context(state.lang).t("respond.fix_elsewhere"),
                           hints={"marked": parts.problems(earlier), "message": "fix_elsewhere"})
    if following is not None:  # "submit" posted from a part that is not the last: go on
        return post.screen(replace(state, step=following), form_view)
    return submit(post, state, form_view)


def submit(post: Post, state: FormState, form_view: FormView) -> Response:
    """Store the form (a repeat with the same nonce stores nothing) and thank the respondent."""
    target = post.target
    try:
        result = services.store().submit(
            target.campaign.id, target.site.code, target.questionnaire, state.answers, nonce=state.nonce,
            source="surveyor" if target.surveyor else "qr", language=state.lang,
            paradata=state.paradata(surveyor=target.surveyor, device_id=device_id(post.request), now=post.now,
                                    option_orders=option_orders(target.questionnaire, state.nonce, form_view.shown)),
            household_id=target.household_id, checked=form_view.checked,  # the view walked these answers: no second walk
        )
        if target.household_id is not None and target.surveyor:  # its complete visit, once (nonce from the response's)
            interview_done(services.store(), target.campaign.id, target.household_id, state.nonce, target.surveyor)
    except AnswerError:
        step = Parts(target.questionnaire, form_view).first_with_problems()
        return post.screen(replace(state, step=step if step is not None else state.step), form_view, 422)
    except SubmitError as exc:  # e.g. closed by hand since the form opened: its real closing day
        if exc.reason == "paper_duplicate":  # the number of a paper form entered before: correct it on the first screen
            return post.screen(replace(state, step=INTRO), None, 409,
                               error=Context(state.lang).t("respond.paper.duplicate", number=state.paper_number))
        return refused(state.lang, exc.reason, exc.campaign or target.campaign)
    except StorageError:
        log.exception("a response could not be stored")
        return post.screen(state, form_view, 503, message=Context(state.lang).t("respond.saving_failed"))
    url = None if done.scripted(post.form) else done.screen_url(target, state, done="repeat" if result.repeat else "1")
    if url is not None:  # no script: the thank-you page is a GET (Back and reload never post again)
        return done.see_other(url)
    response = page(thanks(target, state, post.csrf, result))
    response.headers["x-form-done"] = "1"
    return response


__all__ = ["POSTING", "Post", "advance", "another", "back", "change", "intro", "language", "posted", "resume", "submit"]
