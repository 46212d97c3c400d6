"""The questionnaire form shared by the public respondent page and the surveyor page.

Introduction and consent, then one section at a time with a progress bar, skip logic applied
live, messages next to the questions, then the thank-you page (with each key and explanation
for a quiz). The state lives in ``survey.respondent.Draft``; its nonce is made once per form and
sent with every submit, so a double tap, a retry or a reload stores one row.

Answers in progress survive a dropped connection twice over: Streamlit keeps the session for
``server.disconnectedSessionTTL`` (set in ``.streamlit/config.toml``), and the draft (nonce,
answers, step) is written after every change into a cookie on the phone, from which a reloaded
page or a new session (server restarted, another replica) picks the form up where it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from app.i18n import language, language_switch, t, table
from app.question_widgets import render_question
from app.safe import plain
from survey.campaign import Campaign, CampaignInstrument, Site
from survey.errors import AnswerError
from survey.questionnaire import Questionnaire, QuestionType, pick
from survey.respondent import (
    INTRO,
    Draft,
    cookie_name,
    decode_draft,
    encode_draft,
    first_section_with_problems,
    new_draft,
    next_step,
    previous_step,
    progress,
    prune_hidden,
    section_problems,
    widget_value,
)
from survey.scoring import grade
from survey.storage import StorageError, Store, SubmitError

COOKIE_DAYS = 2

# Respondents see the form only: no sidebar, toolbar or header; big, easy-to-hit choices.
RESPONDENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stToolbar"],
[data-testid="stHeader"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stMainMenu"], header { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.2rem; padding-bottom: 4rem; max-width: 44rem; }
[data-testid="stRadio"] label, [data-testid="stCheckbox"] label { min-height: 44px; align-items: center; padding: 6px 0; }
[data-testid="stRadio"] [role="radiogroup"] label p, [data-testid="stCheckbox"] label p { font-size: 1.05rem; }
[data-testid="stRadio"] [role="radiogroup"] { gap: 2px 2.5rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.75rem; line-height: 1.3; padding-top: 0.4rem; }
.stButton button { min-height: 52px; font-size: 1.1rem; }
[data-testid="InputInstructions"] { display: none; }
</style>
"""


@dataclass(frozen=True)
class FormTarget:
    """What the form is for: a site and instrument of a campaign, and who fills it in."""

    campaign: Campaign
    site: Site
    instrument: CampaignInstrument
    questionnaire: Questionnaire
    source: str = "qr"  # or "surveyor"

    @property
    def key(self) -> str:
        return f"form.{self.source}.{self.campaign.id}.{self.site.code}.{self.instrument.short_id}"

    @property
    def cookie(self) -> str:
        name = cookie_name(self.campaign.id, self.site.code, self.instrument.short_id)
        return name if self.source == "qr" else f"{name}_{self.source}"


def hide_chrome() -> None:
    st.html(RESPONDENT_CSS)


def _draft(target: FormTarget) -> Draft:
    if target.key not in st.session_state:
        restored = decode_draft(st.context.cookies.get(target.cookie), target.questionnaire)
        st.session_state[target.key] = restored or new_draft()
    return st.session_state[target.key]


def _save(target: FormTarget, draft: Draft) -> None:
    st.session_state[target.key] = draft


def _remember_on_phone(target: FormTarget, draft: Draft) -> None:
    """Write the draft into a cookie (JavaScript in the page; the value is base64url only)."""
    value = encode_draft(draft)
    if len(value) > 3800:  # too big for a cookie: keep the nonce and step, not the answers
        value = encode_draft(replace(draft, answers={}))
    script = (
        f"<script>document.cookie = '{target.cookie}={value}; path=/; max-age={COOKIE_DAYS * 86400}; SameSite=Lax'"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )
    st.html(script, unsafe_allow_javascript=True)


def _scroll_to_top(marker: str) -> None:
    """Scroll to the top when the step changes (the marker changes, so the script runs again)."""
    st.html(
        f"<script>/* {marker} */ (document.querySelector('[data-testid=\"stMain\"]') || window).scrollTo(0, 0);"
        "window.scrollTo(0, 0);</script>",
        unsafe_allow_javascript=True,
    )


def render_form(target: FormTarget, store: Store) -> None:
    """Draw the form for ``target`` and act on its buttons (store the response on submit)."""
    draft = _draft(target)
    lang = language()
    q = target.questionnaire
    if target.source == "qr":  # staff pages have the switch in the sidebar already
        top = st.columns([3, 2], vertical_alignment="center")
        with top[1]:
            language_switch()
        with top[0]:
            st.caption(t("respond.site", site=plain(target.site.name)))
    else:
        st.caption(t("respond.site", site=plain(target.site.name)))
    st.title(pick(q.title, lang))
    if target.source == "surveyor":
        st.warning(t("respond.surveyor_flag"), icon=":material/badge:")

    refused = st.session_state.get(f"{target.key}.refused")
    if refused:
        reason, campaign = refused
        key = f"respond.token.{reason}" if f"respond.token.{reason}" in table() else "respond.error.store"
        st.error(t(key, opens_on=campaign.opens_on, closes_on=campaign.closing_date()))
        return
    if draft.done:
        _thank_you(target, store, draft, lang)
    elif draft.step == INTRO:
        _introduction(target, draft, lang)
    else:
        _section(target, store, draft, lang)
    _remember_on_phone(target, _draft(target))
    _scroll_to_top(f"{_draft(target).nonce}.{_draft(target).step}.{_draft(target).done}")


def _introduction(target: FormTarget, draft: Draft, lang: str) -> None:
    q = target.questionnaire
    for paragraph in pick(q.introduction, lang).split("\n"):
        if paragraph.strip():
            st.write(paragraph)
    if q.estimated_minutes:
        st.caption(t("respond.minutes", n=q.estimated_minutes))
    consent = True
    if q.consent:
        consent = st.checkbox(pick(q.consent, lang), value=draft.consent, key=f"{target.key}.{draft.nonce}.consent")
        if consent != draft.consent:
            draft = replace(draft, consent=consent)
            _save(target, draft)
    if st.button(t("respond.start"), type="primary", width="stretch", key=f"{target.key}.{draft.nonce}.start"):
        if not consent:
            st.error(t("respond.consent_needed"))
            return
        first = next_step(q, draft.answers, INTRO)
        _save(target, replace(draft, step=first if first is not None else 0, consent=True))
        st.rerun()


def _widget_key(target: FormTarget, draft: Draft, question_id: str) -> str:
    return f"{target.key}.{draft.nonce}.q.{question_id}"


def _seed(target: FormTarget, draft: Draft, question_id: str) -> None:
    """Give a question's widget the answer kept in the draft (its own state is dropped by
    Streamlit while another section is on screen)."""
    key = _widget_key(target, draft, question_id)
    question = target.questionnaire.question(question_id)
    answer = draft.answers.get(question_id)
    if question.type is QuestionType.MULTIPLE:
        chosen = set(widget_value(target.questionnaire, question_id, answer) if answer is not None else [])
        for choice in question.choice_values:
            st.session_state.setdefault(f"{key}.{choice}", choice in chosen)
    elif answer is not None and key not in st.session_state:
        st.session_state[key] = widget_value(target.questionnaire, question_id, answer)


def _problem_text(problem, lang: str) -> str:
    if problem.code == "constraint" and problem.message:
        return pick(problem.message, lang)
    return t(f"form.problem.{problem.code}")


def _section(target: FormTarget, store: Store, draft: Draft, lang: str) -> None:
    q = target.questionnaire
    step = draft.step
    section = q.sections[step]
    answers = dict(draft.answers)
    progress_bar = st.empty()  # filled once this run's answers are known (skip logic may add a part)
    st.subheader(pick(section.title, lang))
    if st.session_state.pop(f"{target.key}.notice", None):
        st.warning(t("respond.fix_elsewhere"))
    attempted = st.session_state.get(f"{target.key}.attempted") == (draft.nonce, step)
    notes = {}  # question id -> the place for its message, filled once this run's answers are known
    number = sum(
        1 for s in q.sections[:step] for qid in s.question_ids if q.question(qid).takes_answer
    )
    from survey.answers import visibility

    for qid in section.question_ids:
        if not visibility(q, answers).get(qid):
            continue
        question = q.question(qid)
        if question.takes_answer:
            number += 1
            _seed(target, draft, qid)
        value = render_question(question, lang, key=_widget_key(target, draft, qid), number=number if question.takes_answer else None)
        if question.takes_answer:
            if value in (None, "", []):
                answers.pop(qid, None)
            else:
                answers[qid] = value
        if attempted and question.takes_answer:
            notes[qid] = st.empty()
    answers = prune_hidden(q, answers)
    if answers != dict(draft.answers):
        draft = draft.with_answers(answers)
        _save(target, draft)
    position, total = progress(q, answers, step)
    progress_bar.progress(position / max(total, 1), text=t("respond.progress", i=position, n=total))
    if attempted:
        live_problems = section_problems(q, answers, step)
        for qid, problem in live_problems.items():
            if qid in notes:
                notes[qid].markdown(f":red[{plain(_problem_text(problem, lang))}]")
        if live_problems:
            st.error(t("respond.fix_marked", n=len(live_problems)))

    last = next_step(q, answers, step) is None
    back_col, next_col = st.columns(2)
    with back_col:
        back = st.button(t("respond.back"), width="stretch", key=f"{target.key}.{draft.nonce}.back.{step}")
    with next_col:
        forward = st.button(
            t("respond.submit") if last else t("respond.next"),
            type="primary",
            width="stretch",
            key=f"{target.key}.{draft.nonce}.{'submit' if last else 'next'}.{step}",
        )
    if back:
        _save(target, replace(draft, step=previous_step(q, answers, step)))
        st.rerun()
    if not forward:
        return
    if section_problems(q, answers, step):
        st.session_state[f"{target.key}.attempted"] = (draft.nonce, step)
        st.rerun()
    if not last:
        _save(target, replace(draft, step=next_step(q, answers, step)))
        st.rerun()
    earlier = first_section_with_problems(q, answers)
    if earlier is not None:
        st.session_state[f"{target.key}.attempted"] = (draft.nonce, earlier)
        st.session_state[f"{target.key}.notice"] = "fix_elsewhere"
        _save(target, replace(draft, step=earlier))
        st.rerun()
    _submit(target, store, draft, lang)


def _submit(target: FormTarget, store: Store, draft: Draft, lang: str) -> None:
    try:
        result = store.submit(
            target.campaign.id,
            target.site.code,
            target.questionnaire,
            draft.answers,
            nonce=draft.nonce,
            source=target.source,
            language=lang,
        )
    except AnswerError:
        step = first_section_with_problems(target.questionnaire, draft.answers)
        st.session_state[f"{target.key}.attempted"] = (draft.nonce, step if step is not None else draft.step)
        _save(target, replace(draft, step=step if step is not None else draft.step))
        st.rerun()
    except SubmitError as exc:
        # the campaign as stored at the refusal: closed by hand since the form opened, its real last day
        st.session_state[f"{target.key}.refused"] = (exc.reason, exc.campaign or target.campaign)
        st.rerun()
    except StorageError:
        st.error(t("respond.saving_failed"))
        return
    st.session_state[f"{target.key}.result"] = (draft.nonce, result.response_id, result.repeat)
    _save(target, replace(draft, done=True))
    st.rerun()


def _thank_you(target: FormTarget, store: Store, draft: Draft, lang: str) -> None:
    q = target.questionnaire
    result = st.session_state.get(f"{target.key}.result")
    if result is None or result[0] != draft.nonce:
        # restored from the phone after a reload: submitting again finds the stored row
        try:
            stored = store.submit(
                target.campaign.id, target.site.code, q, draft.answers, nonce=draft.nonce, source=target.source, language=lang
            )
        except (AnswerError, SubmitError, StorageError):
            _save(target, replace(draft, done=False, step=max(draft.step, 0)))
            st.rerun()
        result = (draft.nonce, stored.response_id, stored.repeat)
        st.session_state[f"{target.key}.result"] = result
    st.success(t("respond.thanks.title"), icon=":material/check_circle:")
    st.write(t("respond.thanks.body"))
    if result[2]:
        st.caption(t("respond.thanks.repeat"))
    st.caption(t("respond.thanks.reference", ref=f"{target.campaign.id}-{result[1]}"))
    # keys only where the questionnaire promises them (the staff quiz): residents' knowledge items
    # would otherwise travel to neighbours who have not answered yet
    grades = grade(q, draft.answers) if q.scored_questions and q.audience == "staff" else []
    if grades:
        points = sum(g.points for g in grades)
        total = sum(g.max_points for g in grades)
        share = f"{points / total:.0%}" if total else "—"
        st.subheader(t("respond.quiz.score", points=_number(points), total=_number(total), share=share))
        st.markdown(f"**{t('respond.quiz.title')}**")
        for number, g in enumerate(grades, start=1):
            question = q.question(g.question_id)
            with st.container(border=True):
                st.markdown(f"**{number}. {pick(g.label, lang)}**")
                if g.correct:
                    st.markdown(f":green[{t('respond.quiz.right')}]")
                else:
                    st.markdown(
                        ":red["
                        + plain(t("respond.quiz.wrong", given=_choices(question, g.given, lang), answer=_choices(question, g.answer, lang)))
                        + "]"
                    )
                if g.explanation:
                    st.caption(pick(g.explanation, lang))
    primary = "primary" if target.source == "surveyor" else "secondary"
    if st.button(t("respond.another"), type=primary, width="stretch", key=f"{target.key}.{draft.nonce}.another"):
        st.session_state.pop(f"{target.key}.attempted", None)
        _save(target, new_draft())
        st.rerun()


def _choices(question, value, lang: str) -> str:
    if value is None or value == [] or value == ():
        return t("respond.quiz.no_answer")
    values = value if isinstance(value, (list, tuple)) else [value]
    sep = "、" if lang == "zh" else ", "
    return sep.join(question.choice_label(str(v), lang) for v in values)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"

