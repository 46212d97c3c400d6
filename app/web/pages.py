"""The HTML of each screen of the form: introduction, a part, the exit, the thank-you page.

``app.web.routes`` decides which screen comes next; this module draws it with the state sealed
into the page. A part may hold more than one section (``app.web.parts``).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping
from dataclasses import replace

from starlette.responses import HTMLResponse

from app import services
from app.i18n import translate
from app.web import reply
from app.web.parts import Parts
from app.web.skiplogic import tree
from app.web.quiz import key_note, quiz_score
from app.web.security import FORM_CSP
from app.web.state import FormState, Sealed, Target, seal
from app.web.views import Context, earlier_answers, intro_values, quiz_result, render, section_questions
from survey.campaign import Campaign
from survey.campaign.tokens import REASONS
from survey.collect.flow import INTRO, FormView, view
from survey.questionnaire import pick


LANGS = ("zh", "en")


def page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers={"content-security-policy": FORM_CSP, "cache-control": "no-store"})


def lang_of(value: object, default: str = "zh") -> str:
    return value if isinstance(value, str) and value in LANGS else default


def notice(lang: str, heading: str, message: str, *, help_text: str = "", link: str = "", link_text: str = "",
           status: int = 200) -> HTMLResponse:
    ctx = Context(lang)
    html = render("notice.html", ctx, title=heading, heading=heading, message=message, help=help_text, link=link,
                  link_text=link_text, page="notice")
    return page(html, status)


def too_large(ctx: Context) -> HTMLResponse:
    """The form's own notice for a post it cannot read (too large, too many fields, a file part): 413."""
    return notice(ctx.lang, ctx.t("respond.unavailable"), ctx.t("respond.too_large"), status=413)


def refused(lang: str, reason: str, campaign: Campaign | None) -> HTMLResponse:
    """The page refusing a token (bad link, not open yet, closed ...)."""
    ctx = Context(lang)
    key = f"respond.token.{reason}" if reason in REASONS and reason != "ok" else "respond.error.store"
    message = ctx.t(key, opens_on=campaign.opens_on.isoformat() if campaign else "",
                    closes_on=campaign.closing_date().isoformat() if campaign else "")
    return notice(lang, ctx.t("respond.unavailable"), message, help_text=ctx.t("respond.unavailable.help"),
                  status=404 if reason in ("missing", "malformed", "forged", "altered", "unknown_campaign") else 200)


# words that show a fact of the first screen is already in the questionnaire's own introduction
_STATED = {
    "minutes": ("分钟", "minute"),
    "no_identity": ("姓名", "name"),
    "kept": ("保存", "kept for"),
}


def intro_facts(values: dict, lang: str) -> list[str]:
    """The facts of the first screen that the introduction does not already say (each once)."""
    said = " ".join(values["introduction"]).lower()
    out = []
    if values["minutes"] and not any(w in said for w in _STATED["minutes"]):
        out.append(translate("respond.minutes", lang, n=values["minutes"]))
    if not any(w in said for w in _STATED["no_identity"]):
        out.append(translate("respond.no_identity", lang))
    out.append(translate("respond.kept", lang, months=values["keep_months"]))
    return out


def mode_words(target: Target, state: FormState) -> str:
    """"调查员：ann · 方式：读题代填" for a surveyor's form (empty for a respondent's own)."""
    if not target.surveyor:
        return ""
    ctx = Context(state.lang)
    return ctx.t("respond.surveyor.by_mode", name=target.surveyor, mode=ctx.t(f"respond.mode.short.{state.mode}"))


def _common(target: Target, state: FormState) -> dict:
    return {"action_url": target.url, "surveyor": target.surveyor, "draft_key": target.draft_key, "home": target.url,
            "mode_line": mode_words(target, state)}


def screen(target: Target, state: FormState, csrf: str, form_view: FormView | None = None, *,
           problems: Mapping | None = None, message: str = "", error: str = "", notice: str = "") -> str:
    """The page for ``state.step`` (introduction or a part), with ``state`` sealed into it;
    ``form_view`` is the view of ``state.answers`` when the caller has it (else walked here)."""
    lang = state.lang
    q = target.questionnaire
    form_view = form_view if form_view is not None or state.step == INTRO else view(q, state.answers)
    if form_view is not None and state.step != INTRO:
        state = replace(state, step=Parts(q, form_view).host(state.step))
    state = replace(state, shown_at=time.time())
    ctx = Context(lang, csrf=csrf, sealed=seal(state, services.secret(), target.binding))
    if state.step == INTRO:
        key = target.campaign.answer_key
        quiz_note = ""
        if q.audience == "staff" and q.scored_questions:
            quiz_note = ctx.t("respond.quiz.key_now") if key == "after_submit" else key_note(key, False, lang)
        values = intro_values(target.campaign, target.site, q, state, lang)
        return render("intro.html", ctx, page="intro", error=error, quiz_note=quiz_note, facts=intro_facts(values, lang),
                      paper_number=state.paper_number, interview_date=state.interview_date, today=dt.date.today().isoformat(),
                      **values, **_common(target, state))
    here = form_view.at(state.step)
    parts = Parts(q, here)
    questions = [item for index in parts.sections_of(state.step)
                 for item in section_questions(q, here.at(index), lang, problems, nonce=state.nonce)]
    for item in questions:  # a screen-out answer ends the part as soon as it is tapped (the script)
        ends = q.question(item["id"]).ends_form_if
        item["ends"] = json.dumps(tree(ends), ensure_ascii=False, separators=(",", ":")) if ends is not None else ""
    return render("section.html", ctx, page="section", title=pick(q.title, lang), section_title=pick(q.sections[state.step].title, lang),
                  position=parts.position(state.step), total=parts.total(state.step), maybe_parts=parts.maybe_parts(state.step),
                  last=parts.next(state.step) is None, questions=questions,
                  earlier_answers=json.dumps(earlier_answers(q, here), ensure_ascii=False), message=message, notice=notice,
                  **_common(target, state))


def exit_page(target: Target, state: FormState, csrf: str, reason: str) -> HTMLResponse:
    """The friendly end of a screened-out respondent (nothing stored)."""
    ctx = Context(state.lang, csrf=csrf, sealed=seal(state, services.secret(), target.binding))
    return page(render("exit.html", ctx, page="exit", title=pick(target.questionnaire.title, state.lang), reason=reason,
                       **_common(target, state)))


def thanks(target: Target, state: FormState, csrf: str, result, replied=None, *, again: bool = False) -> str:  # noqa: ANN001
    """The thank-you page; ``replied``: the outcome of leaving a reply number (``app.web.reply``);
    ``again``: reached by Back or a reload of a form step once stored ("已提交，感谢参与")."""
    lang = state.lang
    q = target.questionnaire
    with_key = target.campaign.shows_answer_key()
    items = quiz_result(q, state.answers, lang, with_key=True)[1] if with_key else []
    result_score = quiz_score(q, state.answers, target.campaign.profile_id)
    ctx = Context(lang, csrf=csrf, sealed=Sealed(state, services.secret(), target.binding))  # sealed if the page carries it
    return render("thanks.html", ctx, page="thanks", title=pick(q.title, lang), repeat=result.repeat, again=again,
                  receipt=result.receipt or state.nonce[:8].upper(), score=result_score.line(lang) if result_score else "",
                  grades=items, key_note=key_note(target.campaign.answer_key, with_key, lang),
                  back=target.back_url, **_common(target, state), **reply.thanks_values(target, state, replied))


__all__ = ["LANGS", "exit_page", "lang_of", "mode_words", "notice", "page", "refused", "screen", "thanks"]
